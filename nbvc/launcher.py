"""The console entry point: one error policy for every command, and a fast lane.

``nbvc status`` (run from shell prompts and editors, often on every keystroke of a
folder change) and ``nbvc log`` (how schedulers and scripts read VersionIds) are
answered without importing the command-line parser (click and the commands) or
rich: those imports take longer than the whole of a plain log or status
(benchmarks/README.md). Only the plain forms take the lane (``status [--json]
[PATH...]``, ``log [PATH] [--json]``); anything else, help included, goes to the
click commands in :mod:`nbvc.cli.commands`, which print with the same functions
(:mod:`nbvc.cli.render`). A whole-workspace status and
log's table skip the workspace too (its config, pathlib, typing): they need only
:mod:`nbvc.tree` and the index.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from .cli.render import paint, print_log, print_status
from .envvars import flag
from .errors import NbvcError

TYPE_CHECKING = False  # typing's flag: the lane starts without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterator



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
    """The plain forms of status and log in the fast lane; the rest through the parser."""
    if args[:1] == ["status"] and all(a == "--json" or not a.startswith("-") for a in args[1:]):
        paths = [a for a in args[1:] if a != "--json"]
        print_status(paths or None, as_json="--json" in args)
    elif args[:1] == ["log"] and len(plain := [a for a in args[1:] if a != "--json"]) <= 1 \
            and not any(a.startswith("-") for a in plain):
        print_log(plain[0] if plain else None, None, as_json="--json" in args)
    else:
        from .cli.commands import parse_and_run

        parse_and_run(args)


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
