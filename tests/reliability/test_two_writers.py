"""Two machines, and two processes on one machine, saving and pushing the same
notebooks at the same time: nothing lost, nothing silently overwritten."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from nbvc.core import sync
from nbvc.core.workspace import Workspace
from nbvc.errors import WorkspaceError

from ..conftest import write_notebook
from .helpers import fresh_workspace

NAMES = [f"shared{i}.ipynb" for i in range(5)]


def edit_and_push(ws: Workspace, label: str, rounds: int, conflicts: list[str]) -> None:
    for n in range(rounds):
        for name in NAMES:
            write_notebook(ws.root / name, f"{label} round {n}")
        report = sync.push(ws)
        conflicts.extend(o.path for o in report.outcomes if o.status == "conflict")


def test_two_machines_pushing_the_same_notebooks_lose_nothing(tmp_path: Path, moto_server,
                                                               figures) -> None:
    a = fresh_workspace(tmp_path / "a", moto_server.url, host="a")
    b = fresh_workspace(tmp_path / "b", moto_server.url, bucket=a.store.bucket, host="b")
    conflicts: dict[str, list[str]] = {"a": [], "b": []}
    threads = [threading.Thread(target=edit_and_push, args=(ws, label, 4, conflicts[label]))
               for ws, label in ((a, "a"), (b, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert conflicts["a"] or conflicts["b"], "racing writers must meet conflicts"
    bucket_ids = {v.version_id for v in a.store.list_versions("workspace/") if not v.is_delete_marker}
    for ws in (a, b):
        for row in ws.index.rows("SELECT * FROM saves WHERE kind='save'"):
            # every save is either in the bucket or still pending: none vanished
            assert row["version_id"] is None or row["version_id"] in bucket_ids
            assert ws.objects.has(row["sha256"])
        assert ws.index.integrity_ok()
    pushed = sum(1 for ws in (a, b) for r in ws.index.rows(
        "SELECT 1 FROM saves WHERE version_id IS NOT NULL AND kind='save'"))
    assert pushed == len(bucket_ids), "a version in the bucket that no save accounts for"
    figures["conflicts reported (two machines)"] += len(conflicts["a"]) + len(conflicts["b"])
    for ws in (a, b):  # both resolve: pull --force keeps their work in history, bucket keeps all
        sync.pull(ws, force=True)
    assert sync.push(a).ok and sync.push(b).ok


def test_two_processes_in_one_workspace_never_corrupt_the_index(tmp_path: Path, moto_server,
                                                                 figures) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    for name in NAMES:
        write_notebook(ws.root / name, "start")
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from nbvc.core import sync\n"
        "from nbvc.errors import WorkspaceError\n"
        "from nbvc.core.workspace import Workspace\n"
        "from tests.conftest import write_notebook\n"
        "ws = Workspace(Path(sys.argv[1]))\n"
        "def write(path, text):  # atomically, as Jupyter saves: never read half-written\n"
        "    write_notebook(path.with_name(path.name + f'.{sys.argv[2]}.tmp'), text).replace(path)\n"
        "for n in range(8):\n"
        "    for i in range(5):\n"
        "        write(ws.root / f'shared{i}.ipynb', f'{sys.argv[2]} {n}')\n"
        "        ws.save([str(ws.root / f'shared{i}.ipynb')])\n"
        "    try:\n"
        "        sync.push(ws, wait=30)\n"
        "    except WorkspaceError:\n"
        "        pass\n"
    )
    root = Path(__file__).resolve().parents[2]
    processes = [subprocess.Popen([sys.executable, "-c", script, str(ws.root), label], cwd=root)
                 for label in ("p1", "p2")]
    assert [p.wait(timeout=300) for p in processes] == [0, 0]
    final = Workspace(ws.root)
    report = sync.push(final)
    assert report.ok
    assert final.index.integrity_ok()
    saves = final.index.rows("SELECT * FROM saves WHERE kind='save'")
    assert all(r["version_id"] for r in saves)
    bucket = [v for v in final.store.list_versions("workspace/") if not v.is_delete_marker]
    assert len(bucket) == len(saves)
    figures["saves by two processes in one workspace"] += len(saves)


def test_a_second_push_refuses_while_the_lock_is_held(tmp_path: Path, moto_server) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    write_notebook(ws.root / "a.ipynb", "1")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with sync.workspace_lock(Workspace(ws.root), "push"):
            held.set()
            release.wait(10)
    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    try:
        try:
            sync.push(Workspace(ws.root))
            raise AssertionError("a second push ran while the first held the lock")
        except WorkspaceError as exc:
            assert "another nbvc push" in exc.message
    finally:
        release.set()
        holder.join()
    assert sync.push(Workspace(ws.root)).ok
