"""Reading, validating and hashing notebooks.

A version is the notebook's exact bytes: the hash is over the file as written, not
over a normalised form, so what comes back is byte-for-byte what was saved.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .digest import Digest, digest_stream
from .errors import InvalidNotebook, NotFound, WorkspaceError
from .keys import SUFFIX


@contextmanager
def reading(label: str | Path) -> Iterator[None]:
    """Say what went wrong reading a file the way a user understands it."""
    try:
        yield
    except FileNotFoundError:
        raise NotFound(f"{label}: no such file") from None
    except IsADirectoryError:
        raise InvalidNotebook(f"{label}: is a directory, not a notebook") from None
    except PermissionError:
        raise WorkspaceError(f"{label}: permission denied") from None


def digest_file(path: Path | str) -> Digest:
    """Hash a file in one streaming pass."""
    with reading(path), open(path, "rb") as handle:
        return digest_stream(handle)


def check_suffix(name: str) -> None:
    if not name.endswith(SUFFIX):
        raise InvalidNotebook(
            f"{name}: not a notebook (nbvc versions .ipynb files only)",
        )


def validate_bytes(name: str, data: bytes) -> None:
    """Raise :class:`InvalidNotebook` with a one-line reason unless ``data`` is a notebook.

    The fast path parses with orjson (twice as fast as json) and checks the schema
    with :mod:`nbvc.schema`. Anything it does not accept is parsed again by json,
    which also reads what Jupyter can write and orjson refuses (NaN, lone
    surrogates) and words the errors, and is then judged by nbformat."""
    from . import schema

    if not data or data.isspace():
        raise InvalidNotebook(f"{name}: empty file, not a notebook")
    fast = _orjson_loads(data)
    if isinstance(fast, dict) and "nbformat" in fast and schema.accepts(fast):
        return
    raw = parse_json(name, data)
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise InvalidNotebook(f"{name}: JSON but not a notebook (no 'nbformat' field)")
    if fast is None and schema.accepts(raw):
        return
    import nbformat
    from nbformat.validator import ValidationError

    try:
        with warnings.catch_warnings():  # e.g. MissingIDFieldWarning: valid, just old
            warnings.simplefilter("ignore")
            nbformat.validate(raw)  # the parsed dict: no NotebookNode copy needed
    except ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        reason = str(exc.message).splitlines()[0][:160]
        raise InvalidNotebook(f"{name}: invalid nbformat at {where}: {reason}") from None
    except Exception as exc:  # nbformat raises several types for unknown versions
        raise InvalidNotebook(f"{name}: invalid nbformat: {exc}".splitlines()[0]) from None


def _orjson_loads(data: bytes) -> Any:
    """The parsed document, or None when orjson refuses it (json may still read it)."""
    import orjson

    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def parse_json(name: str, data: bytes) -> Any:
    """``data`` parsed by json, or :class:`InvalidNotebook` saying where it is not JSON."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidNotebook(f"{name}: not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidNotebook(
            f"{name}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise InvalidNotebook(f"{name}: not JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (Jupyter cannot either)
        raise InvalidNotebook(f"{name}: JSON that Python cannot read ({str(exc).split(';')[0]})") from None


def read_bytes(path: str | Path, name: str | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of a notebook file, after checking its suffix, and the stat of the
    very file they were read from (what the stat cache must remember)."""
    label = name or str(path)
    check_suffix(label)
    with reading(label), open(path, "rb") as handle:
        return handle.read(), os.fstat(handle.fileno())
