"""push, fetch, pull and status against the real moto server over HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from nbvc.core import sync
from nbvc.core.doctor import repair
from nbvc.core.status import status
from nbvc.core.workspace import Workspace
from nbvc.errors import WorkspaceError

from .conftest import make_bucket, run_nbvc, s3_client, write_notebook
from .faultproxy import FaultProxy, random_faults
from .reliability.helpers import kill_mid_push


def source_of(notebook: bytes | str) -> str:
    """The first cell's source of a notebook's bytes."""
    source = json.loads(notebook)["cells"][0]["source"]
    return "".join(source) if isinstance(source, list) else source


def new_workspace(root: Path, remote: str, endpoint: str, host: str = "laptop") -> Workspace:
    root.mkdir(parents=True, exist_ok=True)
    ws, _ = Workspace.init(root, {"remote": remote, "endpoint_url": endpoint, "user": "kylek",
                                  "host": host})
    return ws


@pytest.fixture
def ws(tmp_path: Path, moto_server, bucket_url: str) -> Workspace:
    return new_workspace(tmp_path / "a", bucket_url, moto_server.url)


@pytest.fixture
def other(tmp_path: Path, moto_server, bucket_url: str) -> Workspace:
    """A second machine on the same bucket and prefix."""
    return new_workspace(tmp_path / "b", bucket_url, moto_server.url, host="desktop")


def bucket_versions(ws: Workspace, rel: str) -> list:
    return [v for v in ws.store.list_versions(ws.key(rel)) if v.key == ws.key(rel)]


def count_requests(ws: Workspace) -> Counter:
    """Counts S3 operations the workspace's client sends (botocore event hook)."""
    counts: Counter = Counter()
    ws.store.client.meta.events.register(
        "before-send.s3.*", lambda request, **kw: counts.update([kw["event_name"].split(".")[-1]])
    )
    return counts


def test_push_uploads_each_save_under_the_workspace_prefix_with_path_intact(ws: Workspace) -> None:
    write_notebook(ws.root / "notebooks" / "mine.ipynb", "1")
    report = sync.push(ws)
    assert report.summary()["uploaded"] == 1
    versions = bucket_versions(ws, "notebooks/mine.ipynb")
    assert ws.key("notebooks/mine.ipynb") == "workspace/kylek/notebooks/mine.ipynb"
    assert len(versions) == 1
    data = ws.store.get("workspace/kylek/notebooks/mine.ipynb")
    assert data == (ws.root / "notebooks" / "mine.ipynb").read_bytes()
    row = ws.index.last_save("notebooks/mine.ipynb")
    assert row["version_id"] == versions[0].version_id


def test_pushed_version_metadata_carries_hash_author_host_and_save_id(ws: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    sync.push(ws)
    row = ws.index.last_save("a.ipynb")
    meta = sync.read_metadata(ws.store.head(ws.key("a.ipynb")).metadata)
    assert meta["sha256"] == row["sha256"] == hashlib.sha256((ws.root / "a.ipynb").read_bytes()).hexdigest()
    assert (meta["author"], meta["host"], meta["save-id"]) == ("kylek", "laptop", row["uid"])


def test_push_sends_exactly_one_request_per_save_and_none_when_idle(ws: Workspace) -> None:
    for i in range(5):
        write_notebook(ws.root / f"nb{i}.ipynb", str(i))
    nb = ws.root / "nb0.ipynb"
    ws.save()
    write_notebook(nb, "changed")
    ws.save()
    counts = count_requests(ws)
    assert sync.push(ws).summary()["uploaded"] == 6
    assert counts == Counter({"PutObject": 6})
    counts.clear()
    assert sync.push(ws).summary()["uploaded"] == 0
    assert sum(counts.values()) == 0


def test_saves_of_one_notebook_land_oldest_first(ws: Workspace) -> None:
    nb = ws.root / "a.ipynb"
    for source in ("one", "two", "three"):
        write_notebook(nb, source)
        ws.save([str(nb)])
    sync.push(ws, jobs=8)
    bodies = [source_of(ws.store.get(v.key, v.version_id))
              for v in bucket_versions(ws, "a.ipynb")]
    assert bodies == ["three", "two", "one"]


def test_no_save_pushes_only_what_is_already_saved(ws: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    assert sync.push(ws, save_first=False).summary()["uploaded"] == 0
    assert ws.index.last_save("a.ipynb") is None


def test_invalid_notebooks_are_skipped_and_reported_while_others_push(ws: Workspace) -> None:
    write_notebook(ws.root / "good.ipynb", "1")
    (ws.root / "bad.ipynb").write_text("{oops")
    report = sync.push(ws)
    assert report.summary()["uploaded"] == 1
    assert [r.path for r in report.invalid] == ["bad.ipynb"]


def test_dry_run_sends_and_records_nothing(ws: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    report = sync.push(ws, dry_run=True)
    assert [o.status for o in report.outcomes] == ["would-upload"]
    assert ws.index.last_save("a.ipynb") is None
    assert bucket_versions(ws, "a.ipynb") == []
    assert report.summary()["would_upload"] == 1


def test_dry_run_text_and_json_give_the_same_count(ws: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    write_notebook(ws.root / "b.ipynb", "2")
    text = run_nbvc("push", "--dry-run", cwd=ws.root, check=True).stdout
    data = json.loads(run_nbvc("push", "--dry-run", "--json", cwd=ws.root, check=True).stdout)
    assert "dry run: 2 would upload" in text and data["would_upload"] == 2


def test_conflicts_are_counted_per_notebook(ws: Workspace, other: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "base")
    sync.push(ws)
    sync.pull(other)
    write_notebook(other.root / "a.ipynb", "theirs")
    sync.push(other)
    for text in ("mine 1", "mine 2", "mine 3"):
        write_notebook(ws.root / "a.ipynb", text)
        ws.save()
    report = sync.push(ws)
    assert report.count("conflict") == 3 and report.summary()["conflicts"] == 1


def land_a_second_save_unrecorded(ws: Workspace) -> None:
    """a.ipynb pushed once, then saved again; that save's PUT lands but the process
    dies before the index hears of it."""
    nb = write_notebook(ws.root / "a.ipynb", "1")
    sync.push(ws)
    write_notebook(nb, "2")
    ws.save([str(nb)])
    pending = ws.index.pending()[0]
    ws.store.put(ws.key("a.ipynb"), ws.objects.path(pending["sha256"]), sha256=pending["sha256"],
                 metadata=sync.save_metadata(pending))


def test_a_landed_but_unrecorded_save_is_adopted_not_uploaded_twice(ws: Workspace) -> None:
    land_a_second_save_unrecorded(ws)
    report = sync.push(ws)
    assert [o.status for o in report.outcomes] == ["adopted"]
    assert len(bucket_versions(ws, "a.ipynb")) == 2


def test_two_landed_but_unrecorded_saves_of_one_notebook_are_both_adopted(ws: Workspace) -> None:
    """A push killed after two saves of a notebook landed, before it recorded either
    (landed saves are recorded in batches): the remote's latest is the second, so
    the first meets a 412 whose HEAD names another save; it is still ours."""
    nb = write_notebook(ws.root / "a.ipynb", "1")
    sync.push(ws)
    for text in ("2", "3"):
        write_notebook(nb, text)
        ws.save([str(nb)])
    for pending in ws.index.pending():
        ws.store.put(ws.key("a.ipynb"), ws.objects.path(pending["sha256"]),
                     sha256=pending["sha256"], metadata=sync.save_metadata(pending))
    report = sync.push(ws)
    assert [o.status for o in report.outcomes] == ["adopted", "adopted"]
    assert len(bucket_versions(ws, "a.ipynb")) == 3
    assert ws.index.pending() == []


def test_a_second_machines_push_is_a_conflict_and_other_notebooks_still_push(
    ws: Workspace, other: Workspace
) -> None:
    write_notebook(ws.root / "shared.ipynb", "from a")
    sync.push(ws)
    write_notebook(other.root / "shared.ipynb", "from b")
    write_notebook(other.root / "own.ipynb", "b only")
    report = sync.push(other)
    by_path = {o.path: o for o in report.outcomes}
    assert by_path["own.ipynb"].status == "uploaded"
    conflict = by_path["shared.ipynb"]
    assert conflict.status == "conflict"
    assert "nbvc pull" in conflict.detail and "--force" in conflict.detail
    assert conflict.version_id == bucket_versions(ws, "shared.ipynb")[0].version_id
    assert source_of(ws.store.get(ws.key("shared.ipynb"))) == "from a"


def test_force_push_keeps_both_versions_in_the_bucket_and_the_log(
    ws: Workspace, other: Workspace
) -> None:
    write_notebook(ws.root / "shared.ipynb", "from a")
    sync.push(ws)
    write_notebook(other.root / "shared.ipynb", "from b")
    assert sync.push(other, force=True).summary()["uploaded"] == 1
    assert len(bucket_versions(ws, "shared.ipynb")) == 2
    sync.fetch(ws)
    hosts = [r["host"] for r in ws.log(str(ws.root / "shared.ipynb"))]
    assert sorted(hosts) == ["desktop", "laptop"]


def test_fetch_shows_another_machines_versions_with_author_and_host(
    ws: Workspace, other: Workspace
) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    sync.push(ws)
    report = sync.fetch(other)
    assert report.learned == 1
    row = other.index.last_save("a.ipynb")
    assert (row["author"], row["host"]) == ("kylek", "laptop")
    assert row["version_id"] == ws.index.last_save("a.ipynb")["version_id"]


def test_fetch_twice_learns_nothing_new_and_heads_nothing(ws: Workspace, other: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    sync.push(ws)
    sync.fetch(other)
    counts = count_requests(other)
    assert sync.fetch(other).learned == 0
    assert set(counts) == {"ListObjectVersions"}


def test_a_deleted_index_is_rebuilt_by_repair(ws: Workspace) -> None:
    nb = ws.root / "a.ipynb"
    for source in ("1", "2", "3"):
        write_notebook(nb, source)
        sync.push(ws)
    before = [(r["version_id"], r["sha256"], r["saved_at"]) for r in ws.log(str(nb))]
    ws.close()
    for name in ("index.db", "index.db-wal", "index.db-shm"):
        (ws.nbvc_dir / name).unlink(missing_ok=True)
    rebuilt = Workspace(ws.root)
    repair(rebuilt)
    assert [(r["version_id"], r["sha256"], r["saved_at"]) for r in rebuilt.log(str(nb))] == before
    assert [s.state for s in status(rebuilt)] == ["clean"]


def push_versions(ws: Workspace, rel: str, count: int) -> None:
    for n in range(count):
        write_notebook(ws.root / rel, f"version {n}")
        sync.push(ws)


def test_fetch_heads_only_each_notebooks_latest_version(ws: Workspace, other: Workspace) -> None:
    push_versions(ws, "a.ipynb", 3)
    push_versions(ws, "b.ipynb", 2)
    counts = count_requests(other)
    report = sync.fetch(other)
    assert (report.learned, report.sketched) == (5, 3)
    assert counts["HeadObject"] == 2
    latest, *older = other.index.history("a.ipynb")
    assert latest["sha256"] == ws.index.last_save("a.ipynb")["sha256"]
    assert [r["sha256"] for r in older] == ["", ""]
    assert [r["version_id"] for r in other.index.history("a.ipynb")] == [
        r["version_id"] for r in ws.index.history("a.ipynb")]


def test_log_reads_the_metadata_fetch_left_for_later(ws: Workspace, other: Workspace) -> None:
    push_versions(ws, "a.ipynb", 3)
    sync.fetch(other)
    keep = ("uid", "sha256", "saved_at", "author", "host", "parent_uid", "version_id")
    assert [{k: r[k] for k in keep} for r in other.log(str(other.root / "a.ipynb"))] == [
        {k: r[k] for k in keep} for r in ws.log(str(ws.root / "a.ipynb"))]
    assert other.index.sketches() == []


def test_a_hash_prefix_names_a_version_fetched_without_metadata(ws: Workspace,
                                                                other: Workspace) -> None:
    from nbvc.core.versions import show

    push_versions(ws, "a.ipynb", 3)
    oldest = ws.index.history("a.ipynb")[-1]
    sync.fetch(other)
    row, data = show(other, str(other.root / "a.ipynb"), oldest["sha256"][:7])
    assert row["version_id"] == oldest["version_id"]
    assert source_of(data) == "version 0"


def test_fetch_full_reads_every_versions_metadata_now(ws: Workspace, other: Workspace) -> None:
    push_versions(ws, "a.ipynb", 3)
    report = sync.fetch(other, full=True)
    assert (report.learned, report.sketched) == (3, 0)
    assert other.index.sketches() == []


def test_fetch_adopts_a_landed_unrecorded_save_even_under_a_newer_version(
    ws: Workspace, other: Workspace
) -> None:
    land_a_second_save_unrecorded(ws)
    # another machine pushes on top: the landed save is no longer the latest
    write_notebook(other.root / "a.ipynb", "3")
    assert [o.status for o in sync.push(other, force=True).outcomes] == ["uploaded"]
    report = sync.fetch(ws)
    assert report.adopted == 1
    assert ws.index.pending() == []
    assert len(bucket_versions(ws, "a.ipynb")) == 3


def test_log_offline_still_lists_versions_fetched_without_metadata(
    tmp_path: Path, ws: Workspace, other: Workspace
) -> None:
    push_versions(ws, "a.ipynb", 2)
    sync.fetch(other)
    result = run_nbvc("log", "a.ipynb", cwd=other.root, env={"NBVC_ENDPOINT_URL": "http://127.0.0.1:9",
                                                               "NBVC_RETRIES": "1"})
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout.count(ws.index.last_save("a.ipynb")["version_id"]) == 1
    assert len(result.stdout.strip().splitlines()) == 3  # header and two versions


def test_fetch_understands_delete_markers(ws: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    sync.push(ws)
    ws.store.delete(ws.key("a.ipynb"))
    assert sync.fetch(ws).deleted == 1
    assert [r["kind"] for r in ws.log(str(ws.root / "a.ipynb"))] == ["delete", "save"]


def test_pull_writes_the_remote_latest_verified(ws: Workspace, other: Workspace) -> None:
    write_notebook(ws.root / "sub" / "a.ipynb", "from a")
    sync.push(ws)
    _, outcomes = sync.pull(other)
    assert [o.status for o in outcomes] == ["updated"]
    assert (other.root / "sub" / "a.ipynb").read_bytes() == (ws.root / "sub" / "a.ipynb").read_bytes()
    assert [s.state for s in status(other)] == ["clean"]


def test_pull_saves_unsaved_local_changes_first(ws: Workspace, other: Workspace) -> None:
    write_notebook(ws.root / "a.ipynb", "v1")
    sync.push(ws)
    sync.pull(other)
    write_notebook(ws.root / "a.ipynb", "v2")
    sync.push(ws)
    write_notebook(other.root / "a.ipynb", "my unsaved edit")
    _, outcomes = sync.pull(other)
    assert outcomes[0].status == "conflict"  # the unsaved edit became an unpushed save
    sources = [source_of(other.version_bytes(r))
               for r in other.log(str(other.root / "a.ipynb")) if r["kind"] == "save"]
    assert "my unsaved edit" in sources
    _, outcomes = sync.pull(other, force=True)
    assert outcomes[0].status == "updated"
    assert source_of((other.root / "a.ipynb").read_text()) == "v2"
    assert "my unsaved edit" in [
        source_of(other.version_bytes(r))
        for r in other.log(str(other.root / "a.ipynb")) if r["kind"] != "delete"
    ]


def test_pull_of_an_older_version_records_it_as_a_new_save(ws: Workspace) -> None:
    nb = ws.root / "a.ipynb"
    for source in ("old", "new"):
        write_notebook(nb, source)
        sync.push(ws)
    sync.pull(ws, [str(nb)], version="~1")
    assert source_of(nb.read_text()) == "old"
    assert ws.index.last_save("a.ipynb")["version_id"] is None


@pytest.mark.parametrize("hostile", [
    "workspace/kylek/../../escape.ipynb",
    "workspace/kylek//etc/evil.ipynb",
    "workspace/kylek/" + "d/" * 520 + "long.ipynb",
])
def test_hostile_keys_in_the_bucket_are_refused_and_never_written(
    ws: Workspace, other: Workspace, tmp_path: Path, hostile: str
) -> None:
    client = ws.store.client
    try:
        client.put_object(Bucket=ws.store.bucket, Key=hostile, Body=b"{}")
    except Exception:
        pytest.skip("the server itself refuses this key")
    before = sorted(p for p in tmp_path.rglob("*") if ".nbvc" not in p.parts)
    fetched, outcomes = sync.pull(other)
    assert hostile in fetched.refused
    assert [o.status for o in outcomes] == ["refused"]
    after = sorted(p for p in tmp_path.rglob("*") if ".nbvc" not in p.parts)
    assert after == before


def test_a_nul_key_in_a_local_store_is_refused_and_never_written(tmp_path: Path) -> None:
    # moto's listing fails with HTTP 500 on a NUL key, so this case uses the local store
    remote = f"local://{tmp_path / 'shared-store'}"
    writer = new_workspace(tmp_path / "w", remote, "")
    writer.store.put("workspace/kylek/nul\x00.ipynb", b"{}", sha256="0" * 64)
    reader = new_workspace(tmp_path / "r", remote, "")
    fetched, outcomes = sync.pull(reader)
    assert fetched.refused == ["workspace/kylek/nul\x00.ipynb"]
    assert [p.name for p in reader.root.iterdir()] == [".nbvc"]


def test_status_reports_every_state(ws: Workspace, other: Workspace) -> None:
    write_notebook(ws.root / "clean.ipynb", "c")
    write_notebook(ws.root / "modified.ipynb", "m")
    write_notebook(ws.root / "gone.ipynb", "g")
    write_notebook(ws.root / "ahead.ipynb", "a")
    write_notebook(ws.root / "conflict.ipynb", "x")
    write_notebook(ws.root / "doomed.ipynb", "d")
    sync.push(ws)
    sync.pull(other)
    for name in ("ahead", "conflict"):
        write_notebook(other.root / f"{name}.ipynb", "other machine")
    write_notebook(other.root / "theirs.ipynb", "only on the remote for ws")
    sync.push(other)
    other.store.delete(other.key("doomed.ipynb"))
    write_notebook(ws.root / "modified.ipynb", "m2")
    write_notebook(ws.root / "pending.ipynb", "p")
    ws.save([str(ws.root / "pending.ipynb")])
    write_notebook(ws.root / "conflict.ipynb", "mine")
    ws.save([str(ws.root / "conflict.ipynb")])
    write_notebook(ws.root / "new.ipynb", "n")
    (ws.root / "gone.ipynb").unlink()
    sync.fetch(ws)
    states = {s.path: s.state for s in status(ws)}
    assert states == {
        "clean.ipynb": "clean", "modified.ipynb": "modified", "gone.ipynb": "deleted",
        "ahead.ipynb": "remote-ahead", "conflict.ipynb": "conflict", "pending.ipynb": "pending",
        "new.ipynb": "new", "theirs.ipynb": "remote-only", "doomed.ipynb": "remote-deleted",
    }


def test_status_does_not_rehash_unchanged_files(ws: Workspace, monkeypatch) -> None:
    import nbvc.notebook  # status imports digest_file from it when a stat changed

    write_notebook(ws.root / "a.ipynb", "1")
    write_notebook(ws.root / "b.ipynb", "2")
    a_minute_ago = time.time_ns() - 60_000_000_000  # older than a timestamp tick: stats hold
    for name in ("a.ipynb", "b.ipynb"):
        os.utime(ws.root / name, ns=(a_minute_ago, a_minute_ago))
    sync.push(ws)
    status(ws)
    hashed = []
    real = nbvc.notebook.digest_file
    monkeypatch.setattr(nbvc.notebook, "digest_file", lambda p: hashed.append(p.name) or real(p))
    os.utime(ws.root / "b.ipynb", ns=(1, 1))  # same bytes, new mtime: hashed once, still clean
    assert [s.state for s in status(ws)] == ["clean", "clean"]
    assert hashed == ["b.ipynb"]


def test_status_without_a_cached_base_compares_with_the_newest_version_unhashed(
        ws: Workspace, monkeypatch) -> None:
    import nbvc.notebook

    write_notebook(ws.root / "a.ipynb", "1")
    a_minute_ago = time.time_ns() - 60_000_000_000  # older than a timestamp tick: stats hold
    os.utime(ws.root / "a.ipynb", ns=(a_minute_ago, a_minute_ago))
    ws.save()
    ws.index.conn.execute("UPDATE stat_cache SET base = NULL")  # as after an index rebuild
    hashed = []
    monkeypatch.setattr(nbvc.notebook, "digest_file", lambda p: hashed.append(p.name))
    assert [s.state for s in status(ws)] == ["pending"]
    assert hashed == []


def test_a_second_push_in_the_same_workspace_refuses_cleanly(ws: Workspace) -> None:
    with sync.workspace_lock(ws, "push"), pytest.raises(WorkspaceError, match="another nbvc"):
        sync.push(Workspace(ws.root))


#: holds the workspace's sync lock in a process of its own, as a running push does,
#: until its stdin is closed
HOLD_THE_LOCK = (
    "import sys\n"
    "from nbvc.core import sync\n"
    "from nbvc.core.workspace import Workspace\n"
    "with sync.workspace_lock(Workspace(sys.argv[1]), 'push'):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.read()\n"
)


@contextmanager
def lock_held_elsewhere(ws: Workspace, where: str) -> Iterator[int]:
    """The workspace's sync lock held by another process, or by another thread of this
    one (the Jupyter server's uploader and its REST handlers), until the block ends.
    Yields the pid the holder is named by."""
    if where == "process":
        with subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(ws.root)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
            assert holder.stdin is not None and holder.stdout is not None
            try:
                assert holder.stdout.readline() == "held\n"
                yield holder.pid
            finally:
                holder.stdin.close()  # the holder reads to the end of its input, then lets go
                assert holder.wait(timeout=60) == 0
    else:
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with sync.workspace_lock(Workspace(ws.root), "push"):
                held.set()
                release.wait(60)
        thread = threading.Thread(target=hold)
        thread.start()
        try:
            assert held.wait(60)
            yield os.getpid()
        finally:
            release.set()
            thread.join(60)


@pytest.mark.parametrize("where", ["process", "thread"])
def test_a_push_while_another_holds_the_lock_is_refused_naming_the_holder(
        ws: Workspace, where: str) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    with lock_held_elsewhere(ws, where) as pid, pytest.raises(WorkspaceError) as refused:
        sync.push(Workspace(ws.root))
    assert refused.value.message == f"cannot push: another nbvc push or pull is running here (pid {pid})"
    assert sync.push(ws).count("uploaded") == 1  # the save waited for the next push


def test_the_command_line_refuses_with_exit_6_naming_the_holder(ws: Workspace) -> None:
    with lock_held_elsewhere(ws, "process") as pid:
        result = run_nbvc("pull", cwd=ws.root)
    assert result.returncode == 6, result.stderr
    assert f"cannot pull: another nbvc push or pull is running here (pid {pid})" in result.stderr
    assert "hint: wait for it to finish, then run the command again" in result.stderr


@pytest.mark.parametrize("where", ["process", "thread"])
def test_a_waiting_push_runs_once_the_holder_lets_go(ws: Workspace, where: str) -> None:
    write_notebook(ws.root / "a.ipynb", "1")
    with ThreadPoolExecutor(1) as pool:
        with lock_held_elsewhere(ws, where) as pid:
            waiting = pool.submit(lambda: sync.push(Workspace(ws.root), wait=120))
            # meanwhile a push given half a second waits all of it, then is refused ...
            started = time.monotonic()
            with pytest.raises(WorkspaceError, match=f"running here \\(pid {pid}\\)"):
                sync.push(Workspace(ws.root), wait=0.5)
            assert time.monotonic() - started >= 0.5
            assert not waiting.done()  # ... and the one given two minutes is still waiting
        assert waiting.result(timeout=120).count("uploaded") == 1


def test_the_lock_of_a_killed_push_goes_with_its_process(ws: Workspace) -> None:
    with subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(ws.root)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        holder.kill()
        holder.wait(timeout=60)
    write_notebook(ws.root / "a.ipynb", "1")
    assert sync.push(ws).count("uploaded") == 1  # no stale lock to wait for or clear by hand


def test_push_survives_503s_500s_resets_and_stalls(
    tmp_path: Path, moto_server, bucket_url: str
) -> None:
    faults = random_faults(0.2, ["503", "500", "reset", "reset-before", "stall"], seed=1)
    with FaultProxy(moto_server.port, faults, stall_s=0.3) as proxy:
        ws = new_workspace(tmp_path / "w", bucket_url, proxy.url)
        ws.update_settings({"retries": 8})
        for i in range(20):
            write_notebook(ws.root / f"n{i}.ipynb", str(i))
        report = sync.push(ws, jobs=4)
    assert report.ok, [o.detail for o in report.outcomes if o.status != "uploaded"]
    assert proxy.faults["503"] and proxy.faults["reset"]
    direct = new_workspace(tmp_path / "check", bucket_url, moto_server.url)
    for i in range(20):
        versions = bucket_versions(direct, f"n{i}.ipynb")
        assert len(versions) == 1, f"n{i}: {len(versions)} versions"
        assert ws.index.last_save(f"n{i}.ipynb")["version_id"] == versions[0].version_id


def test_without_conditional_writes_push_checks_with_a_head_and_still_sees_conflicts(
    ws: Workspace, other: Workspace
) -> None:
    other.update_settings({"conditional_writes": False})
    write_notebook(ws.root / "a.ipynb", "from a")
    sync.push(ws)
    write_notebook(other.root / "a.ipynb", "from b")
    write_notebook(other.root / "b.ipynb", "new")
    counts = count_requests(other)
    outcomes = {o.path: o.status for o in sync.push(other).outcomes}
    assert outcomes == {"a.ipynb": "conflict", "b.ipynb": "uploaded"}
    assert counts["HeadObject"] >= 2 and counts["PutObject"] == 1


def test_push_cli_exit_codes_and_json(tmp_path: Path, moto_server, bucket_url: str) -> None:
    root = tmp_path / "cli"
    root.mkdir()
    run_nbvc("init", "--remote", bucket_url, "--endpoint-url", moto_server.url, cwd=root, check=True)
    write_notebook(root / "a.ipynb", "1")
    result = run_nbvc("push", "--json", cwd=root, check=True)
    assert json.loads(result.stdout)["uploaded"] == 1
    log = json.loads(run_nbvc("log", "a.ipynb", "--json", cwd=root, check=True).stdout)
    assert log[0]["pushed"] and log[0]["version_id"]
    client = s3_client(moto_server.url)
    client.put_object(Bucket=bucket_url[5:], Key=log[0]["key"], Body=b"someone else")
    write_notebook(root / "a.ipynb", "2")
    conflict = run_nbvc("push", cwd=root)
    assert conflict.returncode == 4 and "conflict" in conflict.stderr


def check_bucket_equals_index(ws: Workspace) -> None:
    saves = ws.index.rows("SELECT * FROM saves WHERE kind='save'")
    assert all(r["version_id"] for r in saves), "a save was left unpushed"
    listed: dict[str, list] = {}
    for v in ws.store.list_versions(ws.settings.workspace_prefix + "/"):
        listed.setdefault(v.key, []).append(v.version_id)
    for rel in ws.index.paths():
        mine = [r["version_id"] for r in ws.index.history(rel)]
        assert sorted(listed[ws.key(rel)]) == sorted(mine), f"{rel}: duplicate or missing version"
    for row in random.Random(0).sample(saves, 10):
        data = ws.store.get(ws.key(row["path"]), row["version_id"])
        assert hashlib.sha256(data).hexdigest() == row["sha256"]


@pytest.mark.parametrize("run", range(3))
def test_kill_9_during_push_then_push_again_loses_and_duplicates_nothing(
    tmp_path: Path, moto_server, run: int
) -> None:
    bucket = make_bucket(s3_client(moto_server.url))
    ws = new_workspace(tmp_path / "w", f"s3://{bucket}", moto_server.url)
    for i in range(150):
        write_notebook(ws.root / f"d{i % 7}" / f"n{i}.ipynb", "x" * (i * 37), str(i))
    kill_mid_push(ws.root, "uploading", 20 + run * 30)
    for i in range(0, 150, 10):  # more saves between the crash and the resume
        write_notebook(ws.root / f"d{i % 7}" / f"n{i}.ipynb", "edited", str(i))
    env = {k: v for k, v in os.environ.items()}
    result = subprocess.run([sys.executable, "-m", "nbvc", "push"], cwd=ws.root, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    fresh = Workspace(ws.root)
    check_bucket_equals_index(fresh)
    assert fresh.index.integrity_ok()


def test_a_newer_save_never_lands_before_an_older_one_that_failed(tmp_path: Path) -> None:
    """S1 cannot be sent (its local copy is missing); S2, recorded by push's own scan,
    waits for it: else the next push would put S1 on top of S2 in the bucket."""
    ws = Workspace.init(tmp_path, {"user": "ana"})[0]
    nb = ws.root / "a.ipynb"
    write_notebook(nb, "S1 older")
    [first] = ws.save([str(nb)])
    kept = ws.objects.path(first.version["sha256"])
    hidden = kept.with_name("hidden")
    kept.rename(hidden)
    write_notebook(nb, "S2 newer")
    report = sync.push(ws)
    assert report.count("uploaded") == 0 and report.count("failed") == 2
    assert not list(ws.store.list_versions(ws.key("a.ipynb")))
    hidden.rename(kept)
    assert sync.push(ws).count("uploaded") == 2
    latest = ws.store.head(ws.key("a.ipynb"))
    assert ws.store.get(latest.key, latest.version_id) == nb.read_bytes()
    assert [s.state for s in status(ws)] == ["clean"]
