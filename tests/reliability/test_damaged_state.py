"""Lost or damaged local state: a clear message, and `nbvc doctor --repair` (or
`nbvc fetch`) recovers everything that was pushed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nbvc.core import sync
from nbvc.core.workspace import Workspace

from ..conftest import write_notebook
from .helpers import audit, fresh_workspace


def nbvc(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nbvc", *args], cwd=root, capture_output=True,
                          text=True, timeout=300)


def pushed_workspace(tmp_path: Path, server_url: str) -> tuple[Workspace, list[tuple]]:
    ws = fresh_workspace(tmp_path / "w", server_url)
    for n in range(3):
        for i in range(4):
            write_notebook(ws.root / f"n{i}.ipynb", f"{i} v{n}")
        sync.push(ws)
    history = [(r["path"], r["version_id"], r["sha256"]) for r in
               ws.index.rows("SELECT * FROM saves ORDER BY path, saved_at")]
    ws.close()
    return ws, history


def history_of(root: Path) -> list[tuple]:
    ws = Workspace(root)
    return [(r["path"], r["version_id"], r["sha256"]) for r in
            ws.index.rows("SELECT * FROM saves WHERE kind='save' ORDER BY path, saved_at")]


def test_a_corrupted_index_is_a_clear_error_and_repair_rebuilds_it(tmp_path: Path, moto_server) -> None:
    ws, history = pushed_workspace(tmp_path, moto_server.url)
    for name in ("index.db-wal", "index.db-shm"):
        (ws.nbvc_dir / name).unlink(missing_ok=True)
    (ws.nbvc_dir / "index.db").write_bytes(b"this is not a database" * 100)
    failed = nbvc(ws.root, "log", "n0.ipynb")
    assert failed.returncode == 6 and "doctor --repair" in failed.stderr
    assert "Traceback" not in failed.stderr
    repaired = nbvc(ws.root, "doctor", "--repair", "--json")
    checks = {c["name"]: c for c in json.loads(repaired.stdout)}
    assert "moved aside" in checks["index"]["detail"], repaired.stdout
    assert history_of(ws.root) == history
    assert list(ws.nbvc_dir.glob("index.db.damaged-*"))


def test_a_fresh_clone_builds_its_index_with_fetch(tmp_path: Path, moto_server) -> None:
    ws, history = pushed_workspace(tmp_path, moto_server.url)
    for path in ws.nbvc_dir.glob("index.db*"):
        path.unlink()
    for path in [ws.nbvc_dir / "journal", *(ws.nbvc_dir / "objects").iterdir()]:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    assert nbvc(ws.root, "fetch").returncode == 0  # nothing local: a new machine
    assert [(p, v) for p, v, _ in history_of(ws.root)] == [(p, v) for p, v, _ in history]
    assert nbvc(ws.root, "status", "--json").stdout.count('"clean"') == 4
    for path in sorted({p for p, _, _ in history}):  # log reads the older versions' metadata
        assert nbvc(ws.root, "log", path).returncode == 0
    assert history_of(ws.root) == history


@pytest.mark.parametrize("damage", ["deleted", "emptied"])
def test_a_lost_index_is_refused_and_repair_readopts_the_unpushed_saves(
        tmp_path: Path, moto_server, damage: str) -> None:
    ws, history = pushed_workspace(tmp_path, moto_server.url)
    write_notebook(ws.root / "n0.ipynb", "never pushed")
    assert nbvc(ws.root, "save", "n0.ipynb").returncode == 0
    for path in ws.nbvc_dir.glob("index.db*"):
        path.unlink()
    if damage == "emptied":
        (ws.nbvc_dir / "index.db").write_bytes(b"")
    for command in (["log", "n0.ipynb"], ["fetch"], ["push"]):
        refused = nbvc(ws.root, *command)
        assert refused.returncode == 6, refused
        assert f"index.db is {'missing' if damage == 'deleted' else 'empty'}" in refused.stderr
        assert "nbvc doctor --repair" in refused.stderr and "Traceback" not in refused.stderr
    repaired = nbvc(ws.root, "doctor", "--repair", "--json")
    checks = {c["name"]: c for c in json.loads(repaired.stdout)}
    assert checks["journal"]["detail"] == "1 save(s) recorded again from the save journal"
    assert [r for r in history_of(ws.root) if r[1]] == history
    assert nbvc(ws.root, "status", "n0.ipynb").returncode == 0
    pushed = nbvc(ws.root, "push")
    assert pushed.returncode == 0 and pushed.stdout.startswith("1 uploaded"), pushed.stdout
    audit(Workspace(ws.root))


def test_an_index_that_lost_its_newest_saves_records_them_again(tmp_path: Path,
                                                                moto_server) -> None:
    """An older index.db in place of the newest (a write-ahead log lost, a restore from
    a backup): the journal's tail is recorded again when the index is next opened."""
    ws, history = pushed_workspace(tmp_path, moto_server.url)
    older = tmp_path / "older.db"
    shutil.copy(ws.nbvc_dir / "index.db", older)  # closed: the log is checkpointed into it
    for n in range(2):
        write_notebook(ws.root / "n1.ipynb", f"later {n}")
        assert nbvc(ws.root, "save", "n1.ipynb").returncode == 0
    for path in ws.nbvc_dir.glob("index.db*"):
        path.unlink()
    shutil.copy(older, ws.nbvc_dir / "index.db")
    log = nbvc(ws.root, "log", "n1.ipynb", "--json")
    assert log.returncode == 0
    assert "warning: the index had lost 2 save(s)" in log.stderr
    assert [r["pushed"] for r in json.loads(log.stdout)] == [False, False, True, True, True]
    assert "lost" not in nbvc(ws.root, "log", "n1.ipynb").stderr  # recorded once
    assert nbvc(ws.root, "push").stdout.startswith("2 uploaded")
    audit(Workspace(ws.root))


def test_missing_and_half_written_objects_are_restored_from_the_bucket(tmp_path: Path,
                                                                        moto_server) -> None:
    ws, _ = pushed_workspace(tmp_path, moto_server.url)
    objects = sorted(p for p in (ws.nbvc_dir / "objects").rglob("*") if p.is_file())
    objects[0].unlink()
    objects[1].write_bytes(objects[1].read_bytes()[:10])  # half written
    left = ws.nbvc_dir / "objects" / ".tmp-leftover"
    left.write_bytes(b"partial")
    an_hour_ago(left)
    result = nbvc(ws.root, "doctor", "--repair", "--json")
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["local objects"]["detail"].startswith("1 damaged")
    assert checks["temp files"]["detail"] == "1 left by killed runs removed"
    assert not left.exists()
    assert checks["versions"]["status"] == "ok"
    fresh = Workspace(ws.root)
    for row in fresh.index.rows("SELECT sha256 FROM saves WHERE kind='save'"):
        fresh.objects.verified_path(row["sha256"])
    audit(fresh)


def an_hour_ago(path: Path) -> None:
    then = time.time() - 3600
    os.utime(path, (then, then))


def test_temp_files_of_killed_runs_are_swept_by_the_next_run(tmp_path: Path, moto_server) -> None:
    """A pull killed while writing a notebook leaves `.nbvc-<random>.tmp` beside it; a
    save killed while keeping its bytes leaves `.nbvc/objects/.tmp-<random>`."""
    ws, _ = pushed_workspace(tmp_path, moto_server.url)
    (ws.root / "sub").mkdir()
    stale = [ws.root / ".nbvc-0123456789abcdef.tmp", ws.root / "sub" / ".nbvc-fedcba9876543210.tmp",
             ws.nbvc_dir / "objects" / ".tmp-k1ll3d"]
    fresh = ws.root / ".nbvc-aaaaaaaaaaaaaaaa.tmp"  # a write in progress, by another process
    for path in [*stale, fresh]:
        path.write_bytes(b"{" * 100_000)
    for path in stale:
        an_hour_ago(path)
    mine = ws.root / "notes.nbvc-keep.tmp"  # not nbvc's: never touched
    mine.write_bytes(b"mine")
    an_hour_ago(mine)
    assert nbvc(ws.root, "push").returncode == 0
    assert not any(path.exists() for path in stale)
    pulled_from = ws.root / ".nbvc-bbbbbbbbbbbbbbbb.tmp"  # pull: in the folders it writes to
    pulled_from.write_bytes(b"{")
    an_hour_ago(pulled_from)
    assert nbvc(ws.root, "pull").returncode == 0 and not pulled_from.exists()
    assert fresh.exists() and mine.exists()
    an_hour_ago(fresh)
    repaired = nbvc(ws.root, "doctor", "--repair", "--json")
    checks = {c["name"]: c for c in json.loads(repaired.stdout)}
    assert checks["temp files"]["detail"] == "1 left by killed runs removed"
    assert not fresh.exists() and mine.exists()


def test_an_unpushed_save_whose_object_is_lost_is_recovered_from_the_working_file(
    tmp_path: Path, moto_server
) -> None:
    ws, _ = pushed_workspace(tmp_path, moto_server.url)
    ws = Workspace(ws.root)
    write_notebook(ws.root / "n0.ipynb", "unpushed")
    [saved] = ws.save([str(ws.root / "n0.ipynb")])
    ws.objects.path(saved.version["sha256"]).unlink()
    result = nbvc(ws.root, "doctor", "--repair", "--json")
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["versions"]["status"] == "ok"
    assert ws.objects.has(saved.version["sha256"])
    assert sync.push(ws).ok


def test_pruned_versions_stay_gone_when_the_index_is_rebuilt(tmp_path: Path, moto_server) -> None:
    ws, _ = pushed_workspace(tmp_path, moto_server.url)  # 3 versions of each notebook
    assert nbvc(ws.root, "prune", "n0.ipynb", "--keep-last", "1", "--yes").returncode == 0
    for path in ws.nbvc_dir.glob("index.db*"):
        path.unlink()
    repaired = nbvc(ws.root, "doctor", "--repair", "--json")
    checks = {c["name"]: c for c in json.loads(repaired.stdout)}
    assert checks["journal"]["status"] == "ok", checks["journal"]
    assert len(Workspace(ws.root).log(str(ws.root / "n0.ipynb"))) == 1


def test_a_torn_journal_line_does_not_swallow_the_next_save(tmp_path: Path, moto_server) -> None:
    ws, _ = pushed_workspace(tmp_path, moto_server.url)
    with open(ws.nbvc_dir / "journal", "ab") as journal:
        journal.write(b'{"uid": "cut-sho')  # a write that ran out of disk
    for n in range(2):
        write_notebook(ws.root / "n1.ipynb", f"after the tear {n}")
        assert nbvc(ws.root, "save", "n1.ipynb").returncode == 0
    for path in ws.nbvc_dir.glob("index.db*"):
        path.unlink()
    repaired = nbvc(ws.root, "doctor", "--repair", "--json")
    checks = {c["name"]: c for c in json.loads(repaired.stdout)}
    assert checks["journal"]["detail"] == "2 save(s) recorded again from the save journal"


def test_unpushed_saves_from_before_the_journal_are_journaled_on_upgrade(tmp_path: Path,
                                                                        moto_server) -> None:
    import sqlite3

    ws, _ = pushed_workspace(tmp_path, moto_server.url)
    write_notebook(ws.root / "n2.ipynb", "saved by an nbvc without a journal")
    assert nbvc(ws.root, "save", "n2.ipynb").returncode == 0
    with sqlite3.connect(ws.nbvc_dir / "index.db") as db:  # back to schema 5, as nbvc made it
        for statement in ("DROP TABLE _sqlite_migrations", "DROP TABLE journal", "DROP TABLE names",
                          "ALTER TABLE saves DROP COLUMN unverified",
                          "ALTER TABLE saves DROP COLUMN origin",
                          "ALTER TABLE stat_cache DROP COLUMN racy", "PRAGMA user_version=5"):
            db.execute(statement)
    (ws.nbvc_dir / "journal").unlink()
    assert nbvc(ws.root, "log", "n2.ipynb").returncode == 0  # opened: migrated
    for path in ws.nbvc_dir.glob("index.db*"):
        path.unlink()
    repaired = nbvc(ws.root, "doctor", "--repair", "--json")
    checks = {c["name"]: c for c in json.loads(repaired.stdout)}
    assert checks["journal"]["detail"] == "1 save(s) recorded again from the save journal"
    assert nbvc(ws.root, "push").stdout.startswith("1 uploaded")
