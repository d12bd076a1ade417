"""Notebook diffs, by nbdime (the Jupyter project's diff library), never by hand.

nbdime works on files, so each side is written to a temporary file named after
the version it is; nbdime's own flags (-s, -o, -O, ...) are passed through.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from .core.versions import Side
from .errors import UsageError


def _files(a: Side, b: Side, folder: Path) -> tuple[str, str]:
    names = []
    for n, side in enumerate((a, b)):
        safe = side.label.replace("/", "_").replace(" ", "_")
        path = folder / f"{n}-{safe}.ipynb"
        path.write_bytes(side.data)
        names.append(str(path))
    return names[0], names[1]


def diff_json(a: Side, b: Side) -> list[dict[str, Any]]:
    """nbdime's diff structure (a list of diff entries) for tools."""
    import nbdime
    import nbformat

    left = nbformat.reads(a.data.decode("utf-8"), as_version=4)
    right = nbformat.reads(b.data.decode("utf-8"), as_version=4)
    return json.loads(json.dumps(nbdime.diff_notebooks(left, right)))


def print_diff(a: Side, b: Side, flags: list[str], color: bool) -> None:
    """nbdime's pretty, cell-aware diff on stdout."""
    from nbdime import nbdiffapp

    with tempfile.TemporaryDirectory(prefix="nbvc-diff-") as folder:
        left, right = _files(a, b, Path(folder))
        args = [*flags, *([] if color else ["--no-color"]), left, right]
        try:
            status = nbdiffapp.main(args)
        except SystemExit:  # argparse refusing a flag
            raise UsageError(f"diff: unknown option in {' '.join(flags)}") from None
        if status:
            raise UsageError(f"diff failed (nbdime exit {status})")


def web_diff(a: Side, b: Side, flags: list[str]) -> None:
    """nbdime's web diff, served on 127.0.0.1 until closed (Ctrl-C)."""
    from nbdime.webapp import nbdiffweb

    with tempfile.TemporaryDirectory(prefix="nbvc-diff-") as folder:
        left, right = _files(a, b, Path(folder))
        nbdiffweb.main([*flags, "--ip", "127.0.0.1", "--port", "0", left, right])
