"""Notebook diffs, by nbdime (the Jupyter project's diff library), never by hand.

nbdime works on files, so each side is written to a temporary file named after
the version it is; nbdime's own flags (-s, -o, -O, ...) are passed through.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from ..core.versions import Side
from ..errors import UsageError


def _valid(*sides: Side) -> None:
    """Each side a notebook, or one line saying which is not (never nbdime's traceback)."""
    from ..notebook import validate_bytes

    for side in sides:
        validate_bytes(side.label, side.data)


def _files(a: Side, b: Side, folder: Path) -> tuple[str, str]:
    names = []
    for n, side in enumerate((a, b)):
        safe = side.label.replace("/", "_").replace(" ", "_")
        path = folder / f"{n}-{safe}.ipynb"
        path.write_bytes(side.data)
        names.append(str(path))
    return names[0], names[1]


#: outputs of these kinds are compared by hash: nbdime compares them as text, line by
#: line, which takes minutes on notebooks full of images (nbdime#396, #540)
BINARY_PREFIXES = ("image/", "application/pdf", "video/", "audio/")
#: a value this long is worth replacing by its hash
HEAVY = 1024


def diff_json(a: Side, b: Side) -> list[dict[str, Any]]:
    """nbdime's diff structure (a list of diff entries) for tools. Binary outputs
    (images, PDFs) are compared by their hash: nbdime sees a short stand-in for each,
    so equal images are equal at once and a changed one is one replaced value; the
    stand-ins are swapped back for the data in the diff it returns."""
    import nbdime
    import nbformat

    _valid(a, b)
    left = nbformat.reads(a.data.decode("utf-8"), as_version=4)
    right = nbformat.reads(b.data.decode("utf-8"), as_version=4)
    stand_ins: dict[str, Any] = {}
    _lighten(left, stand_ins)
    _lighten(right, stand_ins)
    diff = json.loads(json.dumps(nbdime.diff_notebooks(left, right)))
    return _restore(diff, stand_ins) if stand_ins else diff


def _lighten(notebook: Any, stand_ins: dict[str, Any]) -> None:
    """Replace each heavy binary output value by ``nbvc-sha256:<hash>`` (in place)."""
    import hashlib

    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            for mime, value in data.items():
                if not mime.startswith(BINARY_PREFIXES):
                    continue
                text = "".join(value) if isinstance(value, list) else value
                if not isinstance(text, str) or len(text) < HEAVY:
                    continue
                stand_in = "nbvc-sha256:" + hashlib.sha256(text.encode()).hexdigest()
                stand_ins[stand_in] = value
                data[mime] = stand_in


def _restore(value: Any, stand_ins: dict[str, Any]) -> Any:
    """``value`` (a diff, or any part of one) with every stand-in swapped back."""
    if isinstance(value, str):
        return stand_ins.get(value, value)
    if isinstance(value, list):
        return [_restore(item, stand_ins) for item in value]
    if isinstance(value, dict):
        return {key: _restore(item, stand_ins) for key, item in value.items()}
    return value


def print_diff(a: Side, b: Side, flags: list[str], color: bool) -> None:
    """nbdime's pretty, cell-aware diff on stdout."""
    from nbdime import nbdiffapp

    _valid(a, b)
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

    _valid(a, b)
    with tempfile.TemporaryDirectory(prefix="nbvc-diff-") as folder:
        left, right = _files(a, b, Path(folder))
        nbdiffweb.main([*flags, "--ip", "127.0.0.1", "--port", "0", left, right])
