"""The console entry point: one error policy for every command, and a fast lane.

``nbvc status`` (run from shell prompts and editors, often on every keystroke of a
folder change) and ``nbvc log`` (how schedulers and scripts read VersionIds) are
answered without importing typer and rich: importing typer and building its app
costs as much as the query behind a log of 10,000 versions. Only the plain
forms take the lane (``status [--json] [PATH...]``, ``log [PATH] [--json]``); anything
else, help included, goes to the typer app in :mod:`nbvc.cli`, which prints with the
same functions. A whole-workspace status and log's table skip the workspace too (its
config, pathlib, typing): they need only :mod:`nbvc.tree` and the index.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from .envvars import flag
from .errors import NbvcError

TYPE_CHECKING = False  # typing's flag: the lane starts without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from .workspace import Workspace

STATE_COLOURS = {"new": "32", "modified": "33", "pending": "36", "remote-ahead": "35",
                 "remote-only": "35", "remote-deleted": "31", "conflict": "31", "deleted": "31"}


def main() -> None:
    """Console entry: run the command; nbvc errors become one line and an exit code."""
    args = sys.argv[1:]
    try:
        debug = "--debug" in args
        with errors_reported(debug):  # an invalid NBVC_DEBUG is an error like any setting's
            debug = debug or flag("NBVC_DEBUG")
        with errors_reported(debug):
            run(args)
    finally:
        skip_collection_at_exit()


def run(args: list[str]) -> None:
    """The plain forms of status and log in the fast lane; the rest through typer."""
    if args[:1] == ["status"] and all(a == "--json" or not a.startswith("-") for a in args[1:]):
        paths = [a for a in args[1:] if a != "--json"]
        print_status(paths or None, as_json="--json" in args)
    elif args[:1] == ["log"] and len(plain := [a for a in args[1:] if a != "--json"]) <= 1 \
            and not any(a.startswith("-") for a in plain):
        print_log(plain[0] if plain else None, None, as_json="--json" in args)
    else:
        from .cli import app

        app(standalone_mode=True)


def skip_collection_at_exit() -> None:
    """The command is done: spare the interpreter's shutdown its garbage collections.
    After a push tens of thousands of objects remain (botocore's models, the client,
    its pools), and collecting them at exit is a large share of a small push (see
    benchmarks/README.md). Frozen, the collector skips them; atexit handlers still run, the
    standard streams are still flushed, and the OS takes the memory back. (nbvc
    closes its files with ``with`` and commits its index explicitly, so no
    finalizer of an object left in a cycle has anything to save.)"""
    import gc

    gc.freeze()


@contextmanager
def errors_reported(debug: bool) -> Iterator[None]:
    """Errors a user can cause or fix: one line on stderr (plus a hint) and the exit
    code of their class; ``debug`` prints the traceback first and keeps the code."""
    try:
        yield
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # the reader left (`nbvc log nb | head`): stop quietly, as click does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        if debug:  # the traceback too; the exit code stays the one documented
            import traceback

            traceback.print_exc()
        if isinstance(exc, NbvcError):
            message, hint, code = exc.message, exc.hint, exc.exit_code
        elif isinstance(exc, PermissionError):
            message, hint, code = f"permission denied: {exc.filename or exc} (read-only?)", None, 6
        else:
            message, code = f"unexpected {type(exc).__name__}: {exc}", 1
            hint = "run again with --debug to see the traceback"
        print(paint("error:", "31", sys.stderr), message, file=sys.stderr)
        if hint:
            print(f"hint: {hint}", file=sys.stderr)
        sys.exit(code)


def print_status(paths: list[str] | None, as_json: bool) -> None:
    """``nbvc status``: one line per notebook that is not clean."""
    if paths:
        from .status import status
        from .workspace import Workspace

        rows = status(Workspace.find(), paths)
        changed, total = [r for r in rows if r.state != "clean"], len(rows)
    else:  # the whole workspace: no Workspace (config, pathlib) needed
        from .status import workspace_status
        from .tree import find_root

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
              author: str | None = None) -> None:
    """``nbvc log``: a notebook's versions (no ``path``: every notebook's, with their
    paths), newest first, as a table or JSON records; ``since`` (an index timestamp)
    and ``author`` filter. The table needs only the index. A notebook's unfiltered log
    describes versions fetched without their metadata first and its JSON records open
    the workspace (config, remote); the workspace's log, and a filtered one, ask the
    bucket nothing."""
    from .errors import NotFound
    from .index import Index
    from .tree import NBVC_DIR, find_root, relpath

    root = find_root()
    rel = relpath(root, path) if path is not None else None
    index = Index(os.path.join(root, NBVC_DIR, "index.db"))
    filtered = since is not None or author is not None
    if as_json and (rel is None or filtered):
        from .records import version_record

        emit_json([version_record(r) for r in index.workspace_history(limit, since, author, rel)])
        return
    if rel is not None and not filtered and (as_json or index.has_sketches(rel)):
        from pathlib import Path

        from .workspace import Workspace

        ws = Workspace(Path(root))  # the root found above, not searched for again
        describe_history(ws, rel)
        if as_json:
            emit_json(ws.log_records(path, limit, describe=False))
            return
    styles = ("\x1b[1m", "\x1b[0m", "\x1b[36m", "\x1b[0m") if wants_colour(sys.stdout) else ("",) * 4
    lines = index.history_table(rel, limit, styles, since, author)
    if not lines:
        if rel is None or filtered:
            sys.stdout.write("no versions match\n" if filtered else "no versions recorded yet\n")
            return
        raise NotFound.no_versions(rel)
    sys.stdout.write("\n".join(lines) + "\n")


def describe_history(ws: Workspace, rel: str) -> None:
    """Read the metadata of ``rel``'s versions that fetch listed without it; offline,
    the history still shows (those versions without their hash)."""
    from .errors import RemoteError

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
