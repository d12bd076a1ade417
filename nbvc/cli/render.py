"""What the commands print: status lines, log tables, JSON, colours. The lean lane of
the entry point (plain ``status`` and ``log``) prints with these too, so this module
imports neither click nor rich."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing's flag: the lane starts without importing typing
if TYPE_CHECKING:
    from typing import Any

    from ..core.workspace import Workspace

STATE_COLOURS = {"new": "32", "modified": "33", "pending": "36", "remote-ahead": "35",
                 "remote-only": "35", "remote-deleted": "31", "conflict": "31", "deleted": "31"}


def print_status(paths: list[str] | None, as_json: bool) -> None:
    """``nbvc status``: one line per notebook that is not clean."""
    if paths:
        from ..core.status import status
        from ..core.workspace import Workspace

        rows = status(Workspace.find(), paths)
        changed, total = [r for r in rows if r.state != "clean"], len(rows)
    else:  # the whole workspace: no Workspace (config, pathlib) needed
        from ..core.status import workspace_status
        from ..tree import find_root

        report = workspace_status(find_root())
        if as_json:
            rows = report.rows()
        changed, total = report.changed, report.total
    if as_json:
        emit_json([r._asdict() for r in rows])
        return
    lines = [paint(f"{r.state:12}", STATE_COLOURS[r.state], sys.stdout) + f" {r.path}"
             + (f" ({r.pending} to push)" if r.pending else "") + "\n" for r in changed]
    sys.stdout.write("".join(lines) or f"everything clean ({total} notebooks)\n")


def print_log(path: str | None, limit: int | None, as_json: bool, since: str | None = None,
              author: str | None = None, kind: str | None = None) -> None:
    """``nbvc log``: a notebook's versions (no ``path``: every notebook's, with their
    paths), newest first, as a table or JSON records; ``since`` (an index timestamp),
    ``author`` and ``kind`` filter. The table needs only the index. A notebook's unfiltered log
    describes versions fetched without their metadata first and its JSON records open
    the workspace (config, remote); the workspace's log, and a filtered one, ask the
    bucket nothing."""
    from ..errors import NotFound
    from ..index import Index
    from ..tree import NBVC_DIR, find_root, relpath

    root = find_root()
    rel = relpath(root, path) if path is not None else None
    index = Index(os.path.join(root, NBVC_DIR, "index.db"))
    filtered = since is not None or author is not None or kind is not None
    if as_json and (rel is None or filtered):
        from ..core.records import version_record

        names = index.version_names()
        emit_json([version_record(r, names)
                   for r in index.workspace_history(limit, since, author, rel, kind)])
        return
    if rel is not None and not filtered and (as_json or index.has_sketches(rel)):
        from pathlib import Path

        from ..core.workspace import Workspace

        ws = Workspace(Path(root))  # the root found above, not searched for again
        describe_history(ws, rel)
        if as_json:
            emit_json(ws.log_records(path, limit, describe=False))
            return
    styles = ("\x1b[1m", "\x1b[0m", "\x1b[36m", "\x1b[0m") if wants_colour(sys.stdout) else ("",) * 4
    lines = index.history_table(rel, limit, styles, since, author, kind)
    if not lines:
        if rel is None or filtered:
            sys.stdout.write("no versions match\n" if filtered else "no versions recorded yet\n")
            return
        raise NotFound.no_versions(rel)
    sys.stdout.write("\n".join(lines) + "\n")


def describe_history(ws: Workspace, rel: str) -> None:
    """Read the metadata of ``rel``'s versions that fetch listed without it; offline,
    the history still shows (those versions without their hash)."""
    from ..errors import RemoteError

    try:
        ws.complete_history(rel)
    except RemoteError as exc:
        print(paint("warning:", "33", sys.stderr), f"{exc.message}; versions fetched without "
              "their metadata show no hash", file=sys.stderr)


def emit_json(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def wants_colour(stream: Any) -> bool:
    """Whether ``stream`` is a terminal that takes ANSI colour (``NO_COLOR`` says no)."""
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def paint(text: str, colour: str, stream: Any) -> str:
    """``text`` in an ANSI colour when ``stream`` wants it."""
    return f"\x1b[{colour}m{text}\x1b[0m" if wants_colour(stream) else text
