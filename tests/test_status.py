"""Status over the embedded store: the tree it lists, the answer it caches, and when
that answer stops holding (the disk or the index changed)."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest

import nbvc.core.status
import nbvc.tree
from nbvc.core import sync
from nbvc.core.status import status, workspace_status
from nbvc.core.workspace import Workspace
from nbvc.errors import WorkspaceError
from nbvc.tree import find_root, notebook_stats, scan_tree

from .conftest import write_notebook


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace, _ = Workspace.init(tmp_path / "ws", {"user": "ana"})
    return workspace


def pushed(ws: Workspace, *paths: str) -> Workspace:
    for path in paths:
        (ws.root / path).parent.mkdir(parents=True, exist_ok=True)
        write_notebook(ws.root / path, path)
    sync.push(ws)
    return ws


def settled(ws: Workspace) -> None:
    """Every notebook as if written a minute ago: a stat taken within a file's
    timestamp tick proves nothing (see the racy-clean tests), so status caches
    nothing about files written a moment ago; then a status that lets the stat cache
    learn them."""
    for path in ws.root.rglob("*.ipynb"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))
    status(ws)  # their stat cache learns the new stats (a change to the index)


def states(ws: Workspace) -> dict[str, str]:
    return {row.path: row.state for row in status(ws)}


def test_an_unchanged_workspace_is_answered_from_the_cache(ws: Workspace, monkeypatch) -> None:
    pushed(ws, "a.ipynb", "sub/b.ipynb")
    write_notebook(ws.root / "new.ipynb", "new")
    settled(ws)
    first = status(ws)
    monkeypatch.setattr(nbvc.core.status, "_compare", lambda *a: pytest.fail("compared afresh"))
    assert status(ws) == first
    assert [(r.path, r.state) for r in first] == [
        ("a.ipynb", "clean"), ("new.ipynb", "new"), ("sub/b.ipynb", "clean")]


def test_a_cached_report_keeps_deleted_notebooks(ws: Workspace, monkeypatch) -> None:
    pushed(ws, "a.ipynb", "b.ipynb")
    (ws.root / "b.ipynb").unlink()
    settled(ws)
    workspace_status(str(ws.root))
    monkeypatch.setattr(nbvc.core.status, "_compare", lambda *a: pytest.fail("compared afresh"))
    report = workspace_status(str(ws.root))
    assert report.total == 2 and [(r.path, r.state) for r in report.changed] == [
        ("b.ipynb", "deleted")]
    assert [(r.path, r.state) for r in report.rows()] == [
        ("a.ipynb", "clean"), ("b.ipynb", "deleted")]


def test_an_edited_notebook_is_seen_past_the_cache(ws: Workspace) -> None:
    pushed(ws, "a.ipynb")
    status(ws)
    write_notebook(ws.root / "a.ipynb", "edited")
    assert states(ws) == {"a.ipynb": "modified"}


def test_a_notebook_in_a_new_folder_is_seen_past_the_cache(ws: Workspace) -> None:
    pushed(ws, "a.ipynb")
    status(ws)
    (ws.root / "deep" / "er").mkdir(parents=True)
    write_notebook(ws.root / "deep" / "er" / "n.ipynb", "n")
    assert states(ws) == {"a.ipynb": "clean", "deep/er/n.ipynb": "new"}


def test_a_deleted_notebook_is_seen_past_the_cache(ws: Workspace) -> None:
    pushed(ws, "a.ipynb", "sub/b.ipynb")
    status(ws)
    (ws.root / "sub" / "b.ipynb").unlink()
    (ws.root / "sub").rmdir()
    assert states(ws) == {"a.ipynb": "clean", "sub/b.ipynb": "deleted"}


def test_a_change_to_the_index_alone_is_seen_past_the_cache(ws: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "a")
    assert states(ws) == {"a.ipynb": "new"}
    ws.save()  # the file is untouched; only the index learns of it
    assert states(ws) == {"a.ipynb": "pending"}
    sync.push(ws)
    assert states(ws) == {"a.ipynb": "clean"}


def test_every_change_to_what_status_reads_moves_the_generation(ws: Workspace) -> None:
    index = ws.index
    changes = [
        "INSERT INTO saves (uid, path, sha256, md5, size, saved_at, author, host)"
        " VALUES ('u', 'a.ipynb', 's', 'm', 1, 't', 'ana', 'h')",
        "UPDATE saves SET version_id = 'v'",
        "INSERT INTO heads VALUES ('a.ipynb', 'k', 'v', 'e', 't')",
        "UPDATE heads SET version_id = 'w'",
        "INSERT INTO remote_latest (path, key, version_id, etag, fetched_at)"
        " VALUES ('a.ipynb', 'k', 'v', 'e', 't')",
        "UPDATE remote_latest SET deleted = 1",
        "INSERT INTO stat_cache VALUES ('a.ipynb', 1, 2, 3, 's', 'm', NULL, 0)",
        "UPDATE stat_cache SET base = 's'",
        "DELETE FROM stat_cache", "DELETE FROM remote_latest", "DELETE FROM heads",
        "DELETE FROM saves",
    ]
    seen = [index.generation()]
    for change in changes:
        index.conn.execute(change)
        seen.append(index.generation())
    assert len(set(seen)) == len(seen), changes


def test_publishing_and_remote_facts_leave_the_generation_alone(ws: Workspace) -> None:
    before = ws.index.generation()
    ws.index.conn.execute("INSERT INTO remote_facts VALUES ('versioning', 'Enabled')")
    assert ws.index.generation() == before


def test_a_rebuilt_index_is_told_apart_by_its_token(ws: Workspace) -> None:
    token, _ = ws.index.generation()
    ws.close()
    (ws.root / ".nbvc" / "index.db").unlink()
    assert Workspace.find(ws.root).index.generation()[0] != token


def test_a_damaged_cache_is_ignored_and_replaced(ws: Workspace) -> None:
    pushed(ws, "a.ipynb")
    settled(ws)
    cache = ws.root / ".nbvc" / nbvc.core.status.CACHE_FILE
    for damage in (b"", b"\x00garbage", b"\xe9" * 64):
        cache.write_bytes(damage)
        assert states(ws) == {"a.ipynb": "clean"}
        assert cache.read_bytes() != damage


def test_a_cache_of_another_shape_is_ignored(ws: Workspace) -> None:
    pushed(ws, "a.ipynb")
    settled(ws)
    cache = ws.root / ".nbvc" / nbvc.core.status.CACHE_FILE
    cache.write_bytes(marshal.dumps((nbvc.core.status.CACHE_FORMAT, "t", 0, {}, [], "many")))
    assert [r.state for r in workspace_status(str(ws.root)).rows()] == ["clean"]


def test_a_cache_that_cannot_be_written_is_done_without(ws: Workspace) -> None:
    pushed(ws, "a.ipynb")
    (ws.root / ".nbvc" / nbvc.core.status.CACHE_FILE).mkdir()  # os.replace onto it fails
    assert states(ws) == {"a.ipynb": "clean"}
    assert states(ws) == {"a.ipynb": "clean"}
    assert [p.name for p in (ws.root / ".nbvc").iterdir() if p.name.endswith(".tmp")] == []


def test_status_of_named_paths_still_compares_afresh(ws: Workspace, monkeypatch) -> None:
    pushed(ws, "a.ipynb", "sub/b.ipynb")
    status(ws)
    write_notebook(ws.root / "sub" / "b.ipynb", "edited")
    monkeypatch.setattr(nbvc.core.status, "_load_cache", lambda path: pytest.fail("read the cache"))
    assert [(r.path, r.state) for r in status(ws, [str(ws.root / "sub")])] == [
        ("sub/b.ipynb", "modified")]


# -- the tree ---------------------------------------------------------------------


def test_the_tree_holds_what_the_workspace_walk_finds(ws: Workspace, tmp_path: Path) -> None:
    for path in ("a.ipynb", "x/b.ipynb", "x/y/c.ipynb", "notes.txt", ".git/d.ipynb",
                 ".ipynb_checkpoints/a-checkpoint.ipynb", "node_modules/e.ipynb"):
        (ws.root / path).parent.mkdir(parents=True, exist_ok=True)
        write_notebook(ws.root / path, path)
    outside = tmp_path / "outside"
    outside.mkdir()
    write_notebook(outside / "f.ipynb", "f")
    (ws.root / "linked").symlink_to(outside)  # a linked folder is not entered, as os.walk
    (ws.root / "g.ipynb").symlink_to(ws.root / "a.ipynb")  # a linked notebook is a notebook
    found = notebook_stats(scan_tree(str(ws.root)))
    assert sorted(found) == sorted(ws.notebooks()) == [
        "a.ipynb", "g.ipynb", "x/b.ipynb", "x/y/c.ipynb"]
    st = os.stat(ws.root / "x" / "y" / "c.ipynb")
    assert found["x/y/c.ipynb"] == (st.st_mtime_ns, st.st_size, st.st_ino)


def test_the_root_is_found_from_a_subfolder(ws: Workspace) -> None:
    (ws.root / "a" / "b").mkdir(parents=True)
    assert find_root(str(ws.root / "a" / "b")) == str(ws.root)


def test_outside_a_workspace_there_is_no_root(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="not an nbvc workspace"):
        find_root(str(tmp_path))


def test_the_generation_is_not_read_from_another_threads_open_transaction(ws: Workspace) -> None:
    import threading

    index, before = ws.index, ws.index.generation()
    opened, undo, seen = threading.Event(), threading.Event(), []

    def write_then_roll_back() -> None:
        with pytest.raises(RuntimeError), index.transaction():
            index.conn.execute("INSERT INTO stat_cache VALUES ('a.ipynb', 1, 2, 3, 's', 'm', NULL, 0)")
            opened.set()
            undo.wait(10)
            raise RuntimeError("rolled back")

    writer = threading.Thread(target=write_then_roll_back)
    writer.start()
    assert opened.wait(10)
    reading = threading.Event()

    def read() -> None:
        reading.set()
        seen.append(index.generation())

    reader = threading.Thread(target=read)
    reader.start()
    assert reading.wait(10)
    reader.join(0.5)  # what it read now would be the uncommitted change
    assert reader.is_alive() and seen == []  # it waits for the writer's lock instead
    undo.set()
    writer.join(10)
    reader.join(10)
    assert seen == [before]


def test_status_of_a_notebook_that_does_not_exist_is_a_one_line_error(ws: Workspace) -> None:
    from .conftest import run_nbvc

    answer = run_nbvc("status", "nosuch.ipynb", cwd=ws.root)
    assert answer.returncode == 3 and "nosuch.ipynb: no such notebook" in answer.stderr
    assert "unexpected" not in answer.stderr
    write_notebook(ws.root / "gone.ipynb", "x")
    ws.save()
    (ws.root / "gone.ipynb").unlink()
    rows = status(ws, [str(ws.root / "gone.ipynb")])
    assert [(r.path, r.state) for r in rows] == [("gone.ipynb", "deleted")]


def test_a_rewrite_within_the_same_timestamp_tick_is_seen(ws: Workspace) -> None:
    """git's racily-clean case: the same size, the same mtime, other bytes."""
    pushed(ws, "a.ipynb")
    path = ws.root / "a.ipynb"
    tick = time.time_ns() + 1_000_000_000  # the tick is not over until status is done
    os.utime(path, ns=(tick, tick))
    before = path.stat()
    assert states(ws) == {"a.ipynb": "clean"}
    path.write_bytes(path.read_bytes().replace(b"a.ipynb", b"A.IPYNB"))  # in place: same inode
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_ino) == (before.st_size, before.st_ino)
    assert states(ws) == {"a.ipynb": "modified"}
    assert ws.save()[0].status == "saved"  # a scan sees it too


def test_racy_is_the_timestamp_tick_of_the_file_system() -> None:
    now = 1_700_000_000_123_456_789
    assert nbvc.tree.racy(now - 10_000_000, now)  # nanosecond stamps: a tick of the coarse clock
    assert not nbvc.tree.racy(now - 60_000_000, now)
    assert nbvc.tree.racy(1_700_000_000_000_000_000, now)  # whole seconds: up to two of them
    assert not nbvc.tree.racy(1_699_999_997_000_000_000, now)
