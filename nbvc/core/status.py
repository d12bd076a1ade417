"""Status: what each notebook's working file is, against the index, with no network.

Unchanged files are not re-hashed: one stat each, compared with the stat cache, as
git compares with its index. A whole-workspace status also keeps its answer in
``.nbvc/status.cache`` with the tree it saw (every notebook's stat) and the index's
generation (a change counter the database keeps by trigger): when neither the tree
nor the generation moved, the answer still holds and is given as it is, so the usual
status of an unchanged workspace costs the listing and the stats, not the index.
This module imports only the index and the tree (``os`` and ``sqlite3``): the
command line answers ``nbvc status`` without the workspace, the sync engine or botocore.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import namedtuple

from ..errors import NotFound
from ..index import NO_STAT, REMOTE_AHEAD, REMOTE_DELETED, Index
from ..tree import NBVC_DIR, Tree, notebook_stats, racy, scan_tree

TYPE_CHECKING = False  # typing's flag, without importing typing (start-up)
if TYPE_CHECKING:
    from typing import Any

    from .workspace import Workspace

#: bumped when the cache's layout changes: an older cache is then ignored
CACHE_FORMAT = 2
CACHE_FILE = "status.cache"


class NotebookStatus(namedtuple("NotebookStatus", "path state pending detail", defaults=(0, ""))):
    """One notebook: its path and state (new | modified | pending | remote-ahead |
    conflict | deleted | remote-only | remote-deleted | clean), and how many of its
    saves wait for push."""

    __slots__ = ()


class Report:
    """A whole workspace's status: the notebooks that are not clean, and all of them
    on demand (the clean ones are every other notebook of the tree)."""

    def __init__(self, changed: list[NotebookStatus], tree: Tree, total: int) -> None:
        self.changed = changed
        self.tree = tree
        self.total = total

    def rows(self) -> list[NotebookStatus]:
        """Every notebook, sorted by path."""
        rows = {row.path: row for row in self.changed}
        for prefix, (names, _) in self.tree.items():
            for name in names:
                path = prefix + name
                if path not in rows:
                    rows[path] = NotebookStatus(path, "clean")
        return [rows[path] for path in sorted(rows)]


def status(workspace: Workspace, paths: list[str] | None = None) -> list[NotebookStatus]:
    """Per notebook: new, modified, pending push, remote ahead (as of the last fetch),
    conflict, deleted locally, or clean."""
    if not paths:
        return workspace_status(str(workspace.root), workspace.index).rows()
    index = workspace.index
    with index.reading():
        known, pending = index.status_rows(), index.pending_counts()
    named = list(workspace.notebooks(paths))
    on_disk = dict.fromkeys(rel for rel in named if os.path.isfile(os.path.join(workspace.root, rel)))
    tracked = workspace.tracked(paths)
    unknown = [rel for rel in named if rel not in on_disk and rel not in tracked]
    if unknown:
        raise NotFound(f"{unknown[0]}: no such notebook (not on disk, never saved)")
    return _compare(index, str(workspace.root), on_disk, known, pending, tracked)


def workspace_status(root: str, index: Index | None = None) -> Report:
    """The status of every notebook under ``root``: the cached answer when the tree and
    the index are as it saw them, else compared afresh (and cached)."""
    cache_path = os.path.join(root, NBVC_DIR, CACHE_FILE)
    cached = _load_cache(cache_path)
    tree = scan_tree(root)
    own = index is None
    if index is None:
        index = Index(os.path.join(root, NBVC_DIR, "index.db"))
    try:
        if cached and cached[1:3] == index.generation() and cached[3] == tree:
            return Report([NotebookStatus(*row) for row in cached[4]], tree, cached[5])
        with index.reading():  # the generation of exactly the state compared
            generation = index.generation()
            known, pending = index.status_rows(), index.pending_counts()
        rows = _compare(index, root, notebook_stats(tree), known, pending, known.keys())
    finally:
        if own:
            index.close()
    changed = [row for row in rows if row.state != "clean"]
    newest = max((max(stats[0::3]) for _names, stats in tree.values() if stats), default=None)
    if newest is None or not racy(newest, time.time_ns()):  # else its stats prove nothing
        _save_cache(cache_path, (CACHE_FORMAT, *generation, tree, [tuple(r) for r in changed],
                                 len(rows)))
    return Report(changed, tree, len(rows))


def _compare(index: Index, root: str, on_disk: dict[str, Any], known: dict[str, Any],
             pending: dict[str, int], tracked: Any) -> list[NotebookStatus]:
    """The rows of the notebooks on disk (path -> (mtime_ns, size, inode), or None to
    stat it here) and of the ``tracked`` ones, against the index's ``known`` rows."""
    result = []
    for rel in sorted(on_disk.keys() | tracked):
        row = known.get(rel) or NO_STAT
        remote, count = row[4], pending.get(rel, 0)
        if rel not in on_disk:  # never written here (a fetched notebook), or gone from here
            state = ("clean" if remote == REMOTE_DELETED
                     else "deleted" if row[0] is not None or count else "remote-only")
        else:
            state = _working_state(index, rel, os.path.join(root, rel), on_disk[rel], row)
            if remote == REMOTE_DELETED:
                state = "remote-deleted"
            elif remote == REMOTE_AHEAD and (count or state == "modified"):
                state = "conflict"
            elif remote == REMOTE_AHEAD and state == "clean":
                state = "remote-ahead"
            elif state == "clean" and count:
                state = "pending"
        result.append(NotebookStatus(rel, state, count))
    return result


def _working_state(index: Index, rel: str, path: str, seen: tuple[int, int, int] | None,
                   row: tuple[Any, ...] | None) -> str:
    """new, modified or clean: the working file at ``path`` (stat ``seen``, None to
    take it now) against its base version (see :meth:`Index.base`). ``row``: its
    status row."""
    if seen is None:
        st = os.stat(path)
        seen = (st.st_mtime_ns, st.st_size, st.st_ino)
    if row and row[3] is not None and seen == row[:3]:
        return "clean" if row[3] else "modified"
    base = index.base(rel)
    if base is None:
        return "new"
    from pathlib import Path

    from ..notebook import digest_file  # only for a file whose stat changed

    st = os.stat(path)
    digest = digest_file(Path(path))
    index.remember_stat(rel, st, digest.sha256, digest.md5)
    return "clean" if digest.sha256 == base else "modified"


def _load_cache(path: str) -> tuple[Any, ...] | None:
    """The last whole-workspace answer, or None (missing, unreadable, other format)."""
    import marshal

    try:
        with open(path, "rb") as file:
            cached = marshal.loads(file.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (not isinstance(cached, tuple) or len(cached) != 6 or cached[0] != CACHE_FORMAT
            or not isinstance(cached[3], dict) or not isinstance(cached[4], list)
            or not isinstance(cached[5], int)):
        return None
    return cached


def _save_cache(path: str, cached: tuple[Any, ...]) -> None:
    """Replace the cache atomically; a workspace that cannot be written goes without."""
    import marshal

    from ..files import write_atomic

    with contextlib.suppress(OSError):
        write_atomic(path, marshal.dumps(cached))
