"""The fast validator: nbformat's own schema, checked by jsonschema-rs; nbformat has the last word."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbvc import schema
from nbvc.errors import InvalidNotebook
from nbvc.notebook import validate_bytes


@pytest.fixture(autouse=True)
def fresh_validators() -> Iterator[None]:
    schema.validator_for.cache_clear()
    yield
    schema.validator_for.cache_clear()


def sample() -> dict[str, Any]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# title"), nbformat.v4.new_code_cell(
        "print(1)", outputs=[nbformat.v4.new_output("stream", text="1\n"),
                             nbformat.v4.new_output("execute_result", data={"text/plain": "1"},
                                                    execution_count=1)])]
    return json.loads(nbformat.writes(nb))


def broken(change: str) -> dict[str, Any]:
    nb = sample()
    code = nb["cells"][1]
    if change == "cell type":
        code["cell_type"] = "bogus"
    elif change == "source type":
        code["source"] = 3
    elif change == "output type":
        code["outputs"][0]["output_type"] = "nope"
    elif change == "extra output field":
        code["outputs"][1]["extra"] = 1
    elif change == "code cell marked markdown":
        code["cell_type"] = "markdown"
    elif change == "missing metadata":
        del nb["metadata"]
    return nb


def nbformat_accepts(nb: dict[str, Any]) -> bool:
    try:
        nbformat.validate(copy.deepcopy(nb))
    except Exception:  # nbformat raises more than ValidationError on odd shapes
        return False
    return True


@pytest.mark.parametrize("change", ["cell type", "source type", "output type", "extra output field",
                                    "code cell marked markdown", "missing metadata"])
def test_what_nbformat_rejects_the_fast_validator_rejects_too(change: str) -> None:
    nb = broken(change)
    assert not nbformat_accepts(nb)
    assert not schema.accepts(nb)


def test_a_rejected_notebook_gets_nbformats_message() -> None:
    data = json.dumps(broken("source type")).encode()
    with pytest.raises(InvalidNotebook, match="invalid nbformat at cells/1"):
        validate_bytes("a.ipynb", data)


def test_notebooks_from_the_future_and_old_formats_are_left_to_nbformat() -> None:
    future = {**sample(), "nbformat_minor": 99}
    assert not schema.accepts(future) and nbformat_accepts(future)
    assert not schema.accepts({"nbformat": 3, "nbformat_minor": 0, "worksheets": []})
    validate_bytes("future.ipynb", json.dumps(future).encode())  # accepted, by nbformat


def test_each_minor_versions_validator_is_built_once() -> None:
    assert schema.validator_for(5) is schema.validator_for(5)
    assert schema.validator_for(4) is not schema.validator_for(5)


def test_a_schema_that_refers_elsewhere_is_never_fetched(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    (tmp_path / "v4").mkdir()
    remote = {"$schema": "http://json-schema.org/draft-04/schema#",
              "$ref": "http://127.0.0.1:9/elsewhere.json"}
    (tmp_path / "v4" / "nbformat.v4.5.schema.json").write_text(json.dumps(remote))
    monkeypatch.setattr(schema, "nbformat_dir", lambda: tmp_path)
    with pytest.raises(Exception, match="does not fetch"):
        schema.validator_for(5)


MUTANTS = st.sampled_from([None, True, 0, -1, 2.5, "", "x", "raw", "code", "stream", [], ["a"],
                           [1], {}, {"a": 1}, {"output_type": "stream"}])


def paths_in(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a JSON document, the root's children first."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths_in(child, (*prefix, key)))
    return found


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_whatever_the_fast_validator_accepts_nbformat_accepts(data: st.DataObject) -> None:
    nb = sample()
    path = data.draw(st.sampled_from(paths_in(nb)))
    parent = nb
    for key in path[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["replace", "delete", "add beside"]))
    if action == "replace":
        parent[path[-1]] = data.draw(MUTANTS)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.sampled_from(["extra", "cell_type", "outputs", "id"]))] = data.draw(MUTANTS)
    else:
        parent.append(data.draw(MUTANTS))
    if schema.accepts(nb):
        assert nbformat_accepts(nb), nb


def test_what_only_python_json_reads_is_still_a_notebook() -> None:
    nb = sample()
    nb["cells"][1]["outputs"][1]["data"]["application/json"] = {"x": float("nan")}
    nb["cells"][0]["source"] = "lone surrogate \ud800"
    data = json.dumps(nb).encode("utf-8", "surrogatepass")
    validate_bytes("odd.ipynb", data)  # json reads NaN and the surrogate; orjson refuses both


def test_json_nested_too_deeply_is_one_line() -> None:
    with pytest.raises(InvalidNotebook, match="nested too deeply"):
        validate_bytes("deep.ipynb", b"[" * 100_000 + b"]" * 100_000)
