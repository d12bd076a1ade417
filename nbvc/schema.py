"""nbformat's own v4 schemas, compiled by fastjsonschema and kept compiled on disk.

nbformat validates with jsonschema: importing it costs ~0.15 s and each notebook
~0.6 ms. fastjsonschema (nbformat's alternative validator, one of its dependencies)
turns the same schema file into Python code; nbvc keeps that code's bytecode in the
user cache, so a later command loads it in well under a millisecond. This is a
fast *yes*: a notebook it rejects is handed to nbformat, which has the last word
and the readable message.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from . import usercache

Validator = Callable[[Any], Any]


def accepts(notebook: Any) -> bool:
    """True when the nbformat 4 schema for the notebook's minor version accepts it.
    False means "not known to be valid": ask nbformat."""
    minor = notebook.get("nbformat_minor")
    if notebook.get("nbformat") != 4 or type(minor) is not int:
        return False
    validate = compiled(minor)
    if validate is None:
        return False
    try:
        validate(notebook)
    except Exception:  # JsonSchemaException, or anything odd in the input: nbformat decides
        return False
    return True


@cache
def compiled(minor: int) -> Validator | None:
    """The validator of ``nbformat.v4.<minor>.schema.json``; None when nbformat ships
    no such file (a notebook from the future: nbformat relaxes its schema for those)."""
    schema_file = nbformat_dir() / "v4" / f"nbformat.v4.{minor}.schema.json"
    try:
        schema = schema_file.read_bytes()
    except OSError:
        return None
    import fastjsonschema

    tag = hashlib.sha256(b"\0".join([schema, fastjsonschema.VERSION.encode(),
                                     sys.version.encode()])).hexdigest()[:16]
    name = f"nbformat-v4.{minor}-{tag}.bin"
    code = usercache.load(name)
    if code is None:
        source = fastjsonschema.compile_to_code(json.loads(schema))
        code = compile(source, f"<nbformat v4.{minor} schema>", "exec")
        usercache.keep(name, code)
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - bytecode nbvc itself compiled from nbformat's schema
    return namespace["validate"]


def nbformat_dir() -> Path:
    """nbformat's package folder, found without importing nbformat."""
    spec = importlib.util.find_spec("nbformat")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))
