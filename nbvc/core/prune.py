"""``nbvc prune``: delete old versions of the workspace's notebooks from the bucket
for good, keeping every version anyone may still need.

Never deleted: a notebook's latest version in the bucket, the version this
workspace stands on, a named version (``nbvc tag``), the source of a published
copy, and anything not pushed (it is not in the bucket). Of the rest, each notebook
keeps its newest ``keep_last`` and those saved within ``keep_within``. The bucket is
read first (a fetch), so versions other machines pushed count too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UsageError
from .history import parse_since
from .sync import fetch
from .workspace import Workspace

if TYPE_CHECKING:
    from ..index.rows import SaveRow


@dataclass
class Plan:
    """What a prune deletes, and how many versions it keeps."""

    doomed: list[SaveRow]
    kept: int


def plan(workspace: Workspace, paths: list[str] | None, keep_last: int,
         keep_within: str | None = None) -> Plan:
    """The versions a prune would delete (``keep_within``: a span such as ``30d``)."""
    if keep_last < 1:
        raise UsageError("--keep-last must be 1 or more: the latest version is always kept")
    try:
        cutoff = parse_since(keep_within) if keep_within else None
    except UsageError:
        raise UsageError(f"--keep-within {keep_within!r}: not a span of time",
                         hint="e.g. 12h, 30d, 2w") from None
    fetch(workspace, paths)
    index = workspace.index
    wanted = ([workspace.relpath(p) for p in paths] if paths else index.paths())
    named = set(index.version_names())
    published = index.published_sources()
    doomed: list[SaveRow] = []
    kept = 0
    for rel in wanted:
        latest = index.remote_latest(rel)
        head = index.head(rel)
        standing = {(r["key"], r["version_id"]) for r in (latest, head) if r is not None}
        for n, row in enumerate(index.pushed_versions(rel)):
            version = (row["key"], row["version_id"])
            if (n < keep_last or version in standing or version in named or version in published
                    or (cutoff is not None and row["saved_at"] >= cutoff)):
                kept += 1
            else:
                doomed.append(row)
    return Plan(doomed, kept)


def prune(workspace: Workspace, doomed: list[SaveRow]) -> int:
    """Delete ``doomed`` (a :func:`plan`'s) from the bucket, then from the history;
    returns how many. One that fails stops the rest, all done so far recorded."""
    done: list[int] = []
    try:
        for row in doomed:
            workspace.store.delete_version(row["key"], row["version_id"])
            done.append(row["id"])
    finally:
        workspace.index.forget_pruned(done)
    return len(done)
