"""Status: what each notebook's working file is, against the index, with no network.

Unchanged files are not re-hashed: one stat each, compared with the stat cache, as
git compares with its index. This module imports only the workspace, so the CLI can
answer ``nbvc status`` without loading the sync engine or botocore.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .workspace import Workspace


@dataclass
class NotebookStatus:
    path: str
    state: str  # new | modified | pending | remote-ahead | conflict | deleted | clean
    pending: int = 0
    detail: str = ""


def status(workspace: Workspace, paths: list[str] | None = None) -> list[NotebookStatus]:
    """Per notebook: new, modified, pending push, remote ahead (as of the last fetch),
    conflict, deleted locally, or clean."""
    index = workspace.index
    on_disk = set(workspace.notebooks(paths))
    known = index.status_rows()
    tracked = workspace.tracked(paths) if paths else known.keys()
    pending = index.pending_counts()
    root = str(workspace.root) + os.sep
    result = []
    for rel in sorted(on_disk.union(tracked)):
        row = known.get(rel)
        state = _working_state(workspace, rel, root + rel if rel in on_disk else None, row)
        ahead = bool(row and row[4])
        count = pending.get(rel, 0)
        if ahead and (count or state == "modified"):
            state = "conflict"
        elif ahead and state == "clean":
            state = "remote-ahead"
        elif state == "clean" and count:
            state = "pending"
        result.append(NotebookStatus(rel, state, count))
    return result


def _working_state(workspace: Workspace, rel: str, path: str | None,
                   row: tuple[Any, ...] | None) -> str:
    """new, modified, clean or deleted: the working file (``path``, None when gone)
    against its base version (see :meth:`Index.base`). ``row``: its status row."""
    if path is None:
        return "deleted"
    st = os.stat(path)
    if row and row[3] is not None and (st.st_mtime_ns, st.st_size, st.st_ino) == row[:3]:
        return "clean" if row[3] else "modified"
    base = workspace.index.base(rel)
    if base is None:
        return "new"
    from .notebook import digest_file  # only for a file whose stat changed

    digest = digest_file(Path(path))
    workspace.index.remember_stat(rel, st, digest.sha256, digest.md5)
    return "clean" if digest.sha256 == base else "modified"
