"""nbformat's own v4 schemas, checked by jsonschema-rs.

nbformat validates with jsonschema, whose import and per-notebook checks dominate a
save of many small notebooks; fastjsonschema spends most of its time raising and
catching an exception for every branch of a ``oneOf`` a cell or an output does not
match. jsonschema-rs (a JSON Schema validator written in Rust) checks a notebook
against the same schema file about thirty times faster and builds its validator
cheaply enough that nothing needs caching (figures: benchmarks/README.md). This is a
fast *yes*: a notebook it rejects is handed to nbformat, which has the last word and
the readable message.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any


def accepts(notebook: Any) -> bool:
    """True when the nbformat 4 schema for the notebook's minor version accepts it.
    False means "not known to be valid": ask nbformat."""
    minor = notebook.get("nbformat_minor")
    if notebook.get("nbformat") != 4 or type(minor) is not int:
        return False
    validator = validator_for(minor)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(notebook))
    except Exception:  # a value JSON cannot hold (e.g. an int past 64 bits): nbformat decides
        return False


@cache
def validator_for(minor: int) -> Any:
    """The validator of ``nbformat.v4.<minor>.schema.json``; None when nbformat ships
    no such file (a notebook from the future: nbformat relaxes its schema for those)."""
    schema_file = nbformat_dir() / "v4" / f"nbformat.v4.{minor}.schema.json"
    try:
        schema = json.loads(schema_file.read_bytes())
    except (OSError, ValueError):
        return None
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema, retriever=_no_fetching)


def _no_fetching(uri: str) -> Any:
    """nbformat's schemas refer only within themselves: nothing is fetched, ever."""
    raise ValueError(f"nbvc does not fetch schemas ({uri})")


def nbformat_dir() -> Path:
    """nbformat's package folder, found without importing nbformat."""
    spec = importlib.util.find_spec("nbformat")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))
