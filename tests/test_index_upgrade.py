"""A workspace made by an earlier nbvc keeps working: its index is upgraded in place
when first opened, with its history, names and pending work intact."""

from __future__ import annotations

import json
import re
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


def schema(db_path: Path) -> dict[tuple[str, str], str]:
    """Each table, index and trigger as its CREATE statement, spelt one way (quoting,
    case and spacing aside): columns, constraints (AUTOINCREMENT, CHECK, UNIQUE), keys.
    sqlite-utils' record of the migrations it ran is left out: an index already up to
    date (as the old one is) needs no migration run, so it has none."""
    def spelt(sql: str | None) -> str:
        text = re.sub(r"\s+", " ", re.sub(r'[\[\]"]', "", sql or "").lower())
        return re.sub(r"\s*([(),])\s*", r"\1", text).strip()

    with sqlite3.connect(db_path) as db:
        return {(kind, name): spelt(sql) for kind, name, sql in db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '%sqlite_migrations%'")}


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
    assert run_nbvc("status", cwd=old).returncode == 0  # opened
    new = tmp_path / "new"
    new.mkdir()
    assert run_nbvc("init", cwd=new).returncode == 0
    assert schema(old / ".nbvc" / "index.db") == schema(new / ".nbvc" / "index.db")


def test_an_index_from_a_newer_nbvc_is_refused(old: Path) -> None:
    with sqlite3.connect(old / ".nbvc" / "index.db") as db:
        db.execute("PRAGMA user_version=99")
    answer = run_nbvc("log", "a.ipynb", cwd=old)
    assert answer.returncode == 6
    assert "written by a newer nbvc (schema 99)" in answer.stderr and "upgrade nbvc" in answer.stderr
