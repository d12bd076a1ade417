"""Version refs: what a user may type to name one version of one notebook.

* an S3 VersionId (exactly as the bucket reports it), or nbvc's save id,
* a name given with ``nbvc tag`` (:mod:`nbvc.core.names`),
* a unique prefix (7 or more characters) of a content hash,
* ``latest`` (the newest version), or ``latest~N`` (N versions back from the newest;
  ``~N`` alone means the same but must be quoted: a shell expands ``~0``, ``~1`` ...).

Tried in this order: ``latest``/``latest~N``, a VersionId or save id, a name, a hash
prefix. nbvc's own names can be none of the others (see ``NAME_RULES``); a name that
also reads as a hash prefix of another version (one written by another tool) is
ambiguous: :class:`AmbiguousRef` lists both.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from ..errors import NotFound, UsageError

if TYPE_CHECKING:
    from ..index.rows import NameRow, SaveRow
    from .workspace import Workspace

MIN_HASH_PREFIX = 7
BACK = re.compile(r"(?:latest)?~(\d+)")
HEX = re.compile(r"[0-9a-f]+")


class UnknownRef(NotFound):
    """No version of the notebook matches the ref."""


class AmbiguousRef(UsageError):
    """Several versions match the ref."""


def resolve_ref(workspace: Workspace, path: str, ref: str) -> SaveRow:
    """The index row of the version of ``path`` that ``ref`` names (versions fetched
    without their metadata are described first: a hash prefix may name one)."""
    ref = ref.strip()
    if not ref:
        raise UsageError("empty version ref",
                         hint="use a VersionId, a name, a hash prefix, latest or latest~N")
    workspace.complete_history(path)
    index = workspace.index
    history = [r for r in index.history(path) if r["kind"] != "delete"]
    if not history:
        raise UnknownRef(f"{path}: no versions recorded")
    if ref == "latest":
        return history[0]
    back = BACK.fullmatch(ref)
    if back:
        steps = int(back.group(1))
        if steps >= len(history):
            raise UnknownRef(f"{path}: {ref} goes back past the first of {len(history)} versions")
        return history[steps]
    by_version = [r for r in history if ref in (r["version_id"], r["uid"])]
    if by_version:
        return by_version[0]
    lowered = ref.lower()
    named = index.name(path, ref)
    if named is not None:
        return _named(history, path, ref, named, lowered)
    if HEX.fullmatch(lowered) and len(lowered) >= MIN_HASH_PREFIX:
        matches = {r["sha256"]: r for r in reversed(history) if r["sha256"].startswith(lowered)}
        if len(matches) == 1:
            return next(iter(matches.values()))
        if len(matches) > 1:
            listed = ", ".join(sorted(sha[:12] for sha in matches))
            raise AmbiguousRef(f"{path}: {ref} matches {len(matches)} versions: {listed}",
                               hint="type more characters of the hash")
    elsewhere = index.path_of_ref(ref, lowered, MIN_HASH_PREFIX)
    if elsewhere is not None and elsewhere != path:
        raise UnknownRef(f"{ref} is a version of {elsewhere}, not of {path}")
    named_elsewhere = index.paths_named(ref)
    if named_elsewhere:
        raise UnknownRef(f"{ref} is a name of a version of {named_elsewhere[0]}, not of {path}",
                         hint=f"see 'nbvc tags {path}'")
    if ref.startswith(("/", "~")) or ref == os.path.expanduser("~"):
        raise UsageError(f"{ref!r} is not a version ref: the shell expanded '~N' into a folder",
                         hint="type latest~N (or quote '~N')")
    candidates = ", ".join(r["sha256"][:8] for r in history[:5])
    short = " (hash prefixes need 7+ characters)" if HEX.fullmatch(lowered) and len(lowered) < 7 else ""
    raise UnknownRef(f"{path}: no version matches {ref!r}{short}",
                     hint=f"newest versions: {candidates}; see 'nbvc log {path}'")


def _named(history: list[SaveRow], path: str, ref: str, named: NameRow, lowered: str) -> SaveRow:
    """The version a name names; ambiguous when ``ref`` is also a hash prefix of
    another version."""
    found = [r for r in history if (r["key"], r["version_id"]) == (named["key"], named["version_id"])]
    if not found:
        raise UnknownRef(f"{path}: the name {ref!r} names version {named['version_id']}, "
                         "which this workspace has not fetched",
                         hint=f"run 'nbvc fetch {path}'")
    row = found[0]
    if HEX.fullmatch(lowered) and len(lowered) >= MIN_HASH_PREFIX:
        others = sorted({r["sha256"][:12] for r in history
                         if r["sha256"].startswith(lowered) and r["sha256"] != row["sha256"]})
        if others:
            raise AmbiguousRef(
                f"{path}: {ref} is both a name (of {row['sha256'][:12]}) and a hash prefix "
                f"(of {', '.join(others)})",
                hint=f"type the VersionId ({row['version_id']}) or more characters of the hash")
    return row
