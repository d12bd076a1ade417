"""nbvc deleted / nbvc undelete: notebooks whose latest version in the bucket is a
delete marker, listed and brought back, against the real moto server (and the
embedded store): deleted by another tool, by another machine, in nbvc itself."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from nbvc.core import sync
from nbvc.core.undelete import deleted, undelete
from nbvc.core.workspace import Workspace, utcnow
from nbvc.errors import ConflictError, NotFound, UsageError

from .conftest import run_nbvc, s3_client, write_notebook
from .test_sync import new_workspace


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def ws(tmp_path: Path, moto_server, bucket_url: str) -> Workspace:
    return new_workspace(tmp_path / "a", bucket_url, moto_server.url)


@pytest.fixture
def other(tmp_path: Path, moto_server, bucket_url: str) -> Workspace:
    """A second machine on the same bucket and prefix."""
    return new_workspace(tmp_path / "b", bucket_url, moto_server.url, host="desktop")


def two_versions(ws: Workspace, rel: str = "a.ipynb") -> list[bytes]:
    """Push two versions of ``rel``; returns their bytes, oldest first."""
    kept = []
    for source in ("first", "second"):
        write_notebook(ws.root / rel, source)
        kept.append((ws.root / rel).read_bytes())
        assert sync.push(ws).ok
    return kept


def delete_elsewhere(ws: Workspace, rel: str) -> str:
    """Delete ``rel`` as another tool does (boto3, the console): a delete marker;
    the working file goes too. Returns the marker's VersionId."""
    bucket = ws.settings.remote.removeprefix("s3://")
    client = s3_client(ws.settings.endpoint_url)
    marker = client.delete_object(Bucket=bucket, Key=ws.key(rel))
    assert marker["DeleteMarker"]
    (ws.root / rel).unlink()
    return marker["VersionId"]


def bucket_latest(ws: Workspace, rel: str) -> dict:
    bucket = ws.settings.remote.removeprefix("s3://")
    listing = s3_client(ws.settings.endpoint_url).list_object_versions(Bucket=bucket, Prefix=ws.key(rel))
    latest = [v for kind in ("Versions", "DeleteMarkers") for v in listing.get(kind, [])
              if v["Key"] == ws.key(rel) and v["IsLatest"]]
    assert len(latest) == 1
    return {**latest[0], "marker": "ETag" not in latest[0]}


def test_deleted_lists_a_notebook_another_tool_deleted(ws: Workspace) -> None:
    two_versions(ws)
    write_notebook(ws.root / "kept.ipynb", "kept")
    sync.push(ws)
    before = ws.index.last_save("a.ipynb")
    marker = delete_elsewhere(ws, "a.ipynb")
    answer = run_nbvc("deleted", "--json", cwd=ws.root)
    assert answer.returncode == 0, answer.stderr
    [record] = json.loads(answer.stdout)
    assert record["path"] == "a.ipynb" and record["key"] == ws.key("a.ipynb")
    assert record["delete_marker"] == marker
    assert record["deleted_by"] is None and record["deleted_at"]  # a console delete: unknown
    assert (record["last_version_id"], record["last_sha256"]) == (before["version_id"], before["sha256"])
    assert record["last_short"] == before["sha256"][:8] and record["working_file"] is False
    text = run_nbvc("deleted", cwd=ws.root)
    assert "a.ipynb" in text.stdout and "unknown" in text.stdout and before["version_id"] in text.stdout
    assert "kept.ipynb" not in text.stdout


def test_undelete_restores_the_bytes_and_pushes_a_new_latest_version(ws: Workspace) -> None:
    _first, second = two_versions(ws)
    before = ws.index.last_save("a.ipynb")
    delete_elsewhere(ws, "a.ipynb")
    answer = run_nbvc("undelete", "a.ipynb", "--json", cwd=ws.root)
    assert answer.returncode == 0, answer.stderr
    result = json.loads(answer.stdout)
    assert result["status"] == "undeleted" and result["written"] is True
    assert result["restored_version_id"] == before["version_id"]
    assert sha((ws.root / "a.ipynb").read_bytes()) == sha(second) == result["restored"]
    latest = bucket_latest(ws, "a.ipynb")
    assert not latest["marker"] and latest["VersionId"] == result["version_id"]
    assert sha(ws.store.get(ws.key("a.ipynb"))) == sha(second)
    meta = sync.read_metadata(ws.store.head(ws.key("a.ipynb")).metadata)
    assert meta["message"] == f"undeleted from {before['version_id']}"
    assert json.loads(run_nbvc("deleted", "--json", cwd=ws.root).stdout) == []
    assert run_nbvc("status", "--json", cwd=ws.root).stdout.count("clean") == 1


def test_undelete_an_older_version_with_a_ref(ws: Workspace) -> None:
    first, _second = two_versions(ws)
    delete_elsewhere(ws, "a.ipynb")
    answer = run_nbvc("undelete", "a.ipynb", "--version", "~1", "--json", cwd=ws.root)
    assert answer.returncode == 0, answer.stderr
    assert sha((ws.root / "a.ipynb").read_bytes()) == sha(first)
    assert sha(ws.store.get(ws.key("a.ipynb"))) == sha(first)


def test_a_file_in_the_way_is_refused_and_untouched(ws: Workspace) -> None:
    two_versions(ws)
    delete_elsewhere(ws, "a.ipynb")
    write_notebook(ws.root / "a.ipynb", "new work, never saved")
    mine = (ws.root / "a.ipynb").read_bytes()
    answer = run_nbvc("undelete", "a.ipynb", cwd=ws.root)
    assert answer.returncode == 4, answer.stderr
    assert "a different file is already there; not overwritten" in answer.stderr
    assert (ws.root / "a.ipynb").read_bytes() == mine
    assert bucket_latest(ws, "a.ipynb")["marker"]
    with pytest.raises(ConflictError):  # the Python API says the same
        undelete(ws, str(ws.root / "a.ipynb"))


def test_identical_bytes_in_place_are_recorded_and_pushed(ws: Workspace) -> None:
    _first, second = two_versions(ws)
    delete_elsewhere(ws, "a.ipynb")
    (ws.root / "a.ipynb").write_bytes(second)
    result = undelete(ws, str(ws.root / "a.ipynb"))
    assert result["status"] == "undeleted" and result["written"] is False
    assert not bucket_latest(ws, "a.ipynb")["marker"]


def test_a_push_that_fails_leaves_the_undelete_saved_here(ws: Workspace, monkeypatch) -> None:
    from nbvc.core import undelete as module
    from nbvc.errors import RemoteError

    _first, second = two_versions(ws)
    delete_elsewhere(ws, "a.ipynb")

    def unreachable(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RemoteError("the bucket is unreachable")

    monkeypatch.setattr(module, "push", unreachable)
    result = undelete(ws, str(ws.root / "a.ipynb"))
    assert (result["status"], result["push_status"], result["version_id"]) == ("pending", "failed", None)
    assert "'nbvc push a.ipynb' sends it" in result["detail"]
    assert (ws.root / "a.ipynb").read_bytes() == second
    monkeypatch.undo()
    assert sync.push(ws).count("uploaded") == 1  # the ordinary push sends it over the marker
    assert not bucket_latest(ws, "a.ipynb")["marker"]


def test_an_undelete_while_another_push_runs_is_saved_here_and_exits_6(ws: Workspace) -> None:
    two_versions(ws)
    delete_elsewhere(ws, "a.ipynb")
    with sync.workspace_lock(ws, "push"):  # another push holds the workspace
        answer = run_nbvc("undelete", "a.ipynb", "--json", cwd=ws.root,
                          env={"NBVC_LOCK_TIMEOUT": "0"})
    assert answer.returncode == 6, answer.stderr
    result = json.loads(answer.stdout)
    assert (result["status"], result["push_status"]) == ("pending", "busy")
    assert sync.push(ws).count("uploaded") == 1


def test_not_deleted_and_unknown_notebooks_are_refused(ws: Workspace) -> None:
    two_versions(ws)
    answer = run_nbvc("undelete", "a.ipynb", cwd=ws.root)
    assert answer.returncode == 2 and "a.ipynb is not deleted" in answer.stderr
    assert answer.stderr.count("\n") <= 2  # one line, and its hint
    unknown = run_nbvc("undelete", "never.ipynb", cwd=ws.root)
    assert unknown.returncode == 3 and "no such notebook" in unknown.stderr
    inside = run_nbvc("undelete", ".nbvc/a.ipynb", cwd=ws.root)
    assert inside.returncode == 2
    with pytest.raises(UsageError):
        undelete(ws, str(ws.root / "a.ipynb"))
    with pytest.raises(NotFound):
        undelete(ws, str(ws.root / "never.ipynb"))


def test_a_delete_by_another_machine_is_seen_and_undone(ws: Workspace, other: Workspace) -> None:
    """The other machine deletes the way nbvc's Jupyter extension does (a marker,
    recorded with its author there): this machine sees it after fetching, by an
    author it cannot know; the machine that deleted knows who did."""
    _first, second = two_versions(ws)
    sync.pull(other)
    key = other.key("a.ipynb")
    marker = other.store.delete(key)
    other.index.insert_save({
        "uid": f"delete:{marker}", "path": "a.ipynb", "kind": "delete", "sha256": "", "md5": "",
        "size": 0, "saved_at": utcnow(), "author": "kylek", "host": "desktop", "parent_uid": None,
        "message": f"deleted {key}", "key": key, "version_id": marker, "etag": "", "pushed_at": utcnow()})
    (other.root / "a.ipynb").unlink()
    [theirs] = deleted(other)
    assert (theirs["deleted_by"], theirs["deleted_on"]) == ("kylek", "desktop")
    assert theirs["delete_marker"] == marker
    assert deleted(ws, fetch_first=False) == []  # as of this machine's last fetch: nothing
    [mine] = deleted(ws)
    assert mine["deleted_by"] is None and mine["delete_marker"] == marker
    assert mine["working_file"] is True  # this machine still has its copy
    (ws.root / "a.ipynb").unlink()
    assert undelete(ws, str(ws.root / "a.ipynb"))["status"] == "undeleted"
    _fetched, outcomes = sync.pull(other)
    assert [o.status for o in outcomes] == ["updated"]
    assert sha((other.root / "a.ipynb").read_bytes()) == sha(second)
    assert deleted(other) == []


def test_a_renamed_notebooks_old_name_is_listed_and_can_be_brought_back(ws: Workspace) -> None:
    """A rename in Jupyter moves the history to the new name and leaves a marker on the
    old key (as nbvc's extension does it): the old name is a deleted notebook whose
    last version lives in the new name's history; undeleting it copies it back."""
    _first, second = two_versions(ws)
    old_key = ws.key("a.ipynb")
    (ws.root / "a.ipynb").rename(ws.root / "b.ipynb")
    ws.index.rename_path("a.ipynb", "b.ipynb")
    ws.save([str(ws.root / "b.ipynb")], "renamed from a.ipynb")
    marker = ws.store.delete(old_key)
    ws.index.insert_save({
        "uid": f"delete:{marker}", "path": "b.ipynb", "kind": "delete", "sha256": "", "md5": "",
        "size": 0, "saved_at": utcnow(), "author": "kylek", "host": "laptop", "parent_uid": None,
        "message": f"deleted {old_key}", "key": old_key, "version_id": marker, "etag": "",
        "pushed_at": utcnow()})
    assert sync.push(ws).ok
    [record] = deleted(ws)
    assert (record["path"], record["deleted_by"], record["last_sha256"]) == ("a.ipynb", "kylek", sha(second))
    assert undelete(ws, str(ws.root / "a.ipynb"))["status"] == "undeleted"
    assert (ws.root / "a.ipynb").read_bytes() == second == (ws.root / "b.ipynb").read_bytes()
    assert deleted(ws) == []


def test_the_embedded_store_undeletes_too(tmp_path: Path) -> None:
    root = tmp_path / "embedded"
    root.mkdir()
    ws, _ = Workspace.init(root, {"user": "ana"})
    write_notebook(root / "a.ipynb", "only")
    data = (root / "a.ipynb").read_bytes()
    assert sync.push(ws).ok
    ws.store.delete(ws.key("a.ipynb"))
    (root / "a.ipynb").unlink()
    [record] = json.loads(run_nbvc("deleted", "--json", cwd=root, check=True).stdout)
    assert record["last_sha256"] == sha(data)
    result = json.loads(run_nbvc("undelete", "a.ipynb", "--json", cwd=root, check=True).stdout)
    assert result["status"] == "undeleted" and (root / "a.ipynb").read_bytes() == data
    latest = ws.store.head(ws.key("a.ipynb"))
    assert latest.version_id == result["version_id"]
    assert json.loads(run_nbvc("deleted", "--json", cwd=root, check=True).stdout) == []
