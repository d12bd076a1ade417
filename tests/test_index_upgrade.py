"""A workspace made by an earlier nbvc keeps working: its index is upgraded in place
when first opened, with its history, names and pending work intact."""

from __future__ import annotations

import json
import sqlite3
import tarfile
from pathlib import Path

import pytest

from .conftest import run_nbvc, write_notebook

#: a workspace made by nbvc with index schema 8 (before its schema was kept by
#: sqlite-utils' migrations), on the embedded store: a.ipynb saved with a message
#: ("first", a checkpoint), pushed, saved again and named v1
OLD_WORKSPACE = Path(__file__).parent / "data" / "workspace-schema8.tar.gz"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    root = tmp_path / "old"
    root.mkdir()
    with tarfile.open(OLD_WORKSPACE) as archive:
        archive.extractall(root, filter="data")
    return root


def columns(db_path: Path) -> dict[str, list[tuple]]:
    """Each table's columns as (name, type, not null, default, primary key) and its
    indexes' columns: what the index's queries rely on."""
    with sqlite3.connect(db_path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' "
                                           "ESCAPE '\\' ORDER BY name")]
        found = {}
        for table in tables:
            cols = [(name, kind.upper(), notnull, default, pk)
                    for _, name, kind, notnull, default, pk in db.execute(f"PRAGMA table_info({table})")]
            indexed = sorted(tuple(c for _, _, c in db.execute(f"PRAGMA index_info('{i}')"))
                             for _, i, *_ in db.execute(f"PRAGMA index_list({table})"))
            found[table] = [*cols, *indexed]
        return found


def test_an_old_workspace_opens_with_its_history_and_names(old: Path) -> None:
    log = run_nbvc("log", "--json", "a.ipynb", cwd=old)
    assert log.returncode == 0, log.stderr
    versions = json.loads(log.stdout)
    assert [(v["kind"], v["message"]) for v in versions] == [("save", None), ("checkpoint", "first")]
    assert versions[0]["names"] == ["v1"] and all(v["version_id"] for v in versions)
    shown = run_nbvc("show", "a.ipynb", "--version", "v1", cwd=old)
    assert shown.returncode == 0 and "two" in shown.stdout


def test_an_old_workspace_saves_and_pushes_after_the_upgrade(old: Path) -> None:
    write_notebook(old / "a.ipynb", "edited after the upgrade")
    assert run_nbvc("save", "a.ipynb", cwd=old).returncode == 0
    pushed = run_nbvc("push", cwd=old)
    assert pushed.returncode == 0 and pushed.stdout.startswith("1 uploaded"), pushed.stdout
    status = run_nbvc("status", "--json", cwd=old)
    assert [(s["path"], s["state"]) for s in json.loads(status.stdout)] == [("a.ipynb", "clean")]


def test_an_upgraded_index_has_the_schema_of_a_new_one(old: Path, tmp_path: Path) -> None:
    assert run_nbvc("status", cwd=old).returncode == 0  # opened: upgraded
    new = tmp_path / "new"
    new.mkdir()
    assert run_nbvc("init", cwd=new).returncode == 0
    upgraded, made = columns(old / ".nbvc" / "index.db"), columns(new / ".nbvc" / "index.db")
    assert upgraded.keys() == made.keys()
    for table in made:  # the old schema's UNIQUE uid is an index of its own now: same columns
        assert set(upgraded[table]) == set(made[table]), table


def test_an_index_from_a_newer_nbvc_is_refused(old: Path) -> None:
    with sqlite3.connect(old / ".nbvc" / "index.db") as db:
        db.execute("PRAGMA user_version=99")
    answer = run_nbvc("log", "a.ipynb", cwd=old)
    assert answer.returncode == 6
    assert "written by a newer nbvc (schema 99)" in answer.stderr and "upgrade nbvc" in answer.stderr
