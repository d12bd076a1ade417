"""The fast validator: nbformat's own schema, compiled once and kept in the user cache."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from nbvc import schema
from nbvc.errors import InvalidNotebook
from nbvc.notebook import validate_bytes


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    schema.compiled.cache_clear()
    yield tmp_path / "cache" / "nbvc"
    schema.compiled.cache_clear()


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
    except nbformat.ValidationError:
        return False
    return True


def test_a_valid_notebook_is_accepted_without_importing_nbformat_or_jsonschema(
        tmp_path: Path) -> None:
    assert schema.accepts(sample())
    (tmp_path / "a.ipynb").write_text(json.dumps(sample()))
    check = ("import sys; from pathlib import Path; from nbvc.notebook import validate_bytes; "
             "validate_bytes('a.ipynb', Path('a.ipynb').read_bytes()); "
             "print(sorted({'nbformat', 'jsonschema'} & set(sys.modules)))")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


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


def test_the_compiled_schema_is_kept_and_reused(own_cache: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert schema.accepts(sample())
    assert len(list(own_cache.glob("nbformat-v4.5-*.bin"))) == 1
    schema.compiled.cache_clear()
    import fastjsonschema

    monkeypatch.setattr(fastjsonschema, "compile_to_code", lambda *_: pytest.fail("compiled again"))
    assert schema.accepts(sample())


def test_a_damaged_cache_file_is_replaced(own_cache: Path) -> None:
    schema.accepts(sample())
    kept = next(own_cache.glob("*.bin"))
    kept.write_bytes(b"\x00garbage")
    schema.compiled.cache_clear()
    assert schema.accepts(sample())
    assert kept.read_bytes() != b"\x00garbage"


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert schema.accepts(sample())
    assert not schema.accepts(broken("cell type"))
