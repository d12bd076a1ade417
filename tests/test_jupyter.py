"""Jupyter integration with a real ``jupyter server`` process and the real moto server,
driven through the REST API as a browser would."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from .conftest import TEST_ENV, make_bucket, s3_client
from .jupyterserver import JupyterServer, saves_through_an_outage, wait_until
from .s3server import MotoServer

FAST_RETRIES = "c.NbvcSettings.retry_delay_max = 1\n"  # a documented setting: tests wait less


def notebook(*sources: str) -> dict:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return json.loads(nbformat.writes(nb))


def text(source: str | list[str]) -> str:
    """A cell's source as one string (a notebook file may keep it as lines)."""
    return "".join(source)


def versions(client, bucket: str, key: str) -> list[dict]:  # noqa: ANN001
    answer = client.list_object_versions(Bucket=bucket, Prefix=key)
    return [v for v in answer.get("Versions", []) if v["Key"] == key]


def body(client, bucket: str, key: str, version_id: str | None = None) -> bytes:  # noqa: ANN001
    args = {"VersionId": version_id} if version_id else {}
    return client.get_object(Bucket=bucket, Key=key, **args)["Body"].read()


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MotoServer, object]]:
    os.environ.update(TEST_ENV)
    server = MotoServer(log_path=tmp_path_factory.mktemp("moto-j") / "log").start()
    yield server, s3_client(server.url)
    server.stop()


def workspace_server(root: Path, bucket: str, endpoint: str, app: str = "server",
                     config: str = FAST_RETRIES) -> JupyterServer:
    """docs/jupyter.md's set-up: ``nbvc init --remote ...`` in a folder, then Jupyter there."""
    jupyter = JupyterServer(root, config, app=app)
    made = jupyter.command("nbvc", "init", "--remote", f"s3://{bucket}", "--endpoint-url", endpoint,
                           "--user", "kylek")
    assert made.returncode == 0, made.stderr
    return jupyter


@pytest.fixture(scope="module")
def lab(s3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JupyterServer, str]]:
    server, client = s3
    bucket = make_bucket(client)
    jupyter = workspace_server(tmp_path_factory.mktemp("lab-root"), bucket, server.url).start()
    yield jupyter, bucket
    jupyter.stop()


def test_two_saves_make_two_s3_versions_with_the_right_bytes(lab, s3) -> None:
    jupyter, bucket = lab
    client = s3[1]
    assert jupyter.api("PUT", "/api/contents/two", json={"type": "directory"}).status_code == 201
    assert jupyter.save("two/a.ipynb", notebook("1")).status_code == 201
    assert jupyter.save("two/a.ipynb", notebook("2")).status_code == 200
    key = "workspace/kylek/two/a.ipynb"
    found = wait_until(lambda: len(versions(client, bucket, key)) == 2 and versions(client, bucket, key),
                       what="two versions in the bucket")
    on_disk = (jupyter.root / "two" / "a.ipynb").read_bytes()
    assert body(client, bucket, key) == on_disk
    assert {hashlib.sha256(body(client, bucket, key, v["VersionId"])).hexdigest() for v in found} == {
        r["sha256"] for r in jupyter.api("GET", "/api/nbvc/log/two/a.ipynb").json()["versions"]}


def test_rapid_saves_are_all_logged_and_the_last_reaches_the_bucket(lab, s3) -> None:
    jupyter, bucket = lab
    client = s3[1]
    for n in range(4):
        assert jupyter.save("rapid.ipynb", notebook(f"save {n}")).status_code in (200, 201)
        time.sleep(0.1)  # the scenario: saves 100 ms apart
    log = jupyter.api("GET", "/api/nbvc/log/rapid.ipynb").json()
    assert log["total"] == 4
    last = (jupyter.root / "rapid.ipynb").read_bytes()
    wait_until(lambda: versions(client, bucket, "workspace/kylek/rapid.ipynb")
               and body(client, bucket, "workspace/kylek/rapid.ipynb") == last,
               what="the last save in the bucket")


def test_non_notebook_files_are_ignored(lab) -> None:
    jupyter, _ = lab
    jupyter.api("PUT", "/api/contents/notes.txt", json={"type": "file", "format": "text", "content": "x"})
    assert jupyter.api("GET", "/api/nbvc/log/notes.txt").status_code == 415


def test_info_endpoint_reports_version_and_features(lab) -> None:
    jupyter, bucket = lab
    info = jupyter.api("GET", "/api/nbvc").json()
    assert info["features"]["publish"] and info["remote"] == f"s3://{bucket}/workspace/kylek/"


def test_routes_require_authentication(lab) -> None:
    jupyter, _ = lab
    for method, path in [("GET", "/api/nbvc"), ("GET", "/api/nbvc/log/a.ipynb"),
                         ("POST", "/api/nbvc/publish/a.ipynb"), ("POST", "/api/nbvc/clone"),
                         ("GET", "/api/nbvc/show/a.ipynb"), ("GET", "/api/nbvc/diff/a.ipynb"),
                         ("POST", "/api/nbvc/restore/a.ipynb"), ("GET", "/api/nbvc/deleted"),
                         ("POST", "/api/nbvc/undelete/a.ipynb")]:
        assert jupyter.api(method, path, token=None).status_code == 403, path


def test_log_endpoint_pages_and_errors(lab) -> None:
    jupyter, _ = lab
    for n in range(3):
        jupyter.save("paged.ipynb", notebook(str(n)))
    page = jupyter.api("GET", "/api/nbvc/log/paged.ipynb?limit=2&offset=1").json()
    assert (page["total"], len(page["versions"]), page["offset"]) == (3, 2, 1)
    assert jupyter.api("GET", "/api/nbvc/log/never.ipynb").status_code == 404
    assert jupyter.api("GET", "/api/nbvc/log/paged.ipynb?limit=x").status_code == 400


def test_publish_endpoint_copies_that_version(lab, s3) -> None:
    jupyter, bucket = lab
    client = s3[1]
    jupyter.save("pub.ipynb", notebook("first"))
    jupyter.save("pub.ipynb", notebook("second"))
    answer = jupyter.api("POST", "/api/nbvc/publish/pub.ipynb", json={"version": "~1"})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    published = body(client, bucket, "published/kylek/pub.ipynb", result["published_version_id"])
    assert b"first" in published and result["published_key"] == "published/kylek/pub.ipynb"
    # the log marks the published version with the VersionId of its copy (the History panel)
    log = jupyter.api("GET", "/api/nbvc/log/pub.ipynb").json()["versions"]
    assert [[p["published_version_id"] for p in v["published"]] for v in log] == [
        [], [result["published_version_id"]]]


@pytest.mark.parametrize(("path", "payload", "status"), [
    ("", {}, 400),
    ("script.py", {}, 415),
    ("missing.ipynb", {}, 404),
    ("pub.ipynb", {"version": "no-such"}, 404),
    ("pub.ipynb", {"version": 3}, 400),
])
def test_publish_endpoint_error_codes(lab, path: str, payload: dict, status: int) -> None:
    jupyter, _ = lab
    jupyter.save("pub.ipynb", notebook("x"))
    assert jupyter.api("POST", f"/api/nbvc/publish/{path}", json=payload).status_code == status


def test_publish_endpoint_refuses_an_invalid_notebook_with_422(lab) -> None:
    jupyter, _ = lab
    (jupyter.root / "broken.ipynb").write_text('{"nbformat": 4, "nbformat_minor": 5, "cells": 1}')
    from nbvc.core.workspace import Workspace

    Workspace(jupyter.root).preserve("broken.ipynb", None)
    assert jupyter.api("POST", "/api/nbvc/publish/broken.ipynb", json={}).status_code == 422


def test_clone_writes_a_new_name_unless_overwrite(lab, s3) -> None:
    jupyter, bucket = lab
    client = s3[1]
    data = json.dumps(notebook("cloned")).encode()
    first = client.put_object(Bucket=bucket, Key="shared/team.ipynb", Body=data)["VersionId"]
    client.put_object(Bucket=bucket, Key="shared/team.ipynb", Body=json.dumps(notebook("v2")).encode())
    made = jupyter.api("POST", "/api/nbvc/clone", json={"key": "shared/team.ipynb", "version": first})
    assert made.status_code == 201 and made.json()["path"] == "team.ipynb"
    assert (jupyter.root / "team.ipynb").read_bytes() == data
    again = jupyter.api("POST", "/api/nbvc/clone", json={"key": "shared/team.ipynb"})
    assert again.json()["path"] == "team-1.ipynb"
    over = jupyter.api("POST", "/api/nbvc/clone",
                       json={"key": "shared/team.ipynb", "overwrite": True, "target_path": "team.ipynb"})
    assert over.json()["path"] == "team.ipynb" and b"v2" in (jupyter.root / "team.ipynb").read_bytes()
    kept = jupyter.api("GET", "/api/nbvc/log/team.ipynb").json()["versions"]
    assert len(kept) == 2  # the overwritten file is still in the history


def test_names_are_refs_for_publish_and_clone_and_show_in_the_log(lab, s3) -> None:
    """A name given with ``nbvc tag`` works where the REST API takes a version."""
    jupyter, bucket = lab
    client = s3[1]
    jupyter.save("named.ipynb", notebook("first"))
    jupyter.save("named.ipynb", notebook("second"))
    from nbvc.core.names import tag
    from nbvc.core.workspace import Workspace

    ws = Workspace(jupyter.root)
    tagged = tag(ws, str(jupyter.root / "named.ipynb"), "reviewed", "~1")
    ws.close()
    answer = jupyter.api("POST", "/api/nbvc/publish/named.ipynb", json={"version": "reviewed"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["source_version_id"] == tagged["version_id"]
    logged = jupyter.api("GET", "/api/nbvc/log/named.ipynb").json()["versions"]
    assert [v["names"] for v in logged] == [[], ["reviewed"]]
    data = json.dumps(notebook("pinned")).encode()
    pinned = client.put_object(Bucket=bucket, Key="shared/pinned.ipynb", Body=data)["VersionId"]
    client.put_object(Bucket=bucket, Key="shared/pinned.ipynb", Body=json.dumps(notebook("x")).encode())
    client.put_object(Bucket=bucket, Key="nbvc-names/shared/pinned.ipynb/prod.json",
                      Body=json.dumps({"version_id": pinned}).encode())
    made = jupyter.api("POST", "/api/nbvc/clone", json={"key": "shared/pinned.ipynb", "version": "prod"})
    assert made.status_code == 201, made.text
    assert made.json()["version_id"] == pinned
    assert (jupyter.root / made.json()["path"]).read_bytes() == data


@pytest.mark.parametrize(("payload", "status"), [
    ({}, 400),
    ({"key": "shared/data.csv"}, 415),
    ({"key": "shared/nothing.ipynb"}, 404),
    ({"key": "shared/team.ipynb", "target_path": "../escape.ipynb"}, 400),
    ({"key": "shared/bad.ipynb"}, 422),
])
def test_clone_error_codes(lab, s3, payload: dict, status: int) -> None:
    jupyter, bucket = lab
    client = s3[1]
    client.put_object(Bucket=bucket, Key="shared/team.ipynb", Body=json.dumps(notebook("t")).encode())
    client.put_object(Bucket=bucket, Key="shared/bad.ipynb", Body=b"not json")
    answer = jupyter.api("POST", "/api/nbvc/clone", json=payload)
    assert answer.status_code == status, answer.text
    assert not (jupyter.root.parent / "escape.ipynb").exists()


def test_checkpoints_are_versions_listed_oldest_to_newest_as_jupyter_expects(lab) -> None:
    """Jupyter's convention: the front ends reverse the list, so the revert dialog shows
    the newest first (preselected) and "Last Checkpoint" is the last entry."""
    jupyter, _ = lab
    jupyter.save("cp.ipynb", notebook("original"))
    jupyter.save("cp.ipynb", notebook("edited"))
    made = jupyter.api("POST", "/api/contents/cp.ipynb/checkpoints")
    assert made.status_code == 201
    listed = jupyter.api("GET", "/api/contents/cp.ipynb/checkpoints").json()
    assert len(listed) == 2 and listed[-1]["id"] == made.json()["id"]
    assert listed[0]["last_modified"] < listed[-1]["last_modified"]
    oldest = listed[0]["id"]
    assert jupyter.api("POST", f"/api/contents/cp.ipynb/checkpoints/{oldest}").status_code == 204
    assert b"original" in (jupyter.root / "cp.ipynb").read_bytes()
    after = jupyter.api("GET", "/api/contents/cp.ipynb/checkpoints").json()
    assert len(after) == 3 and after[:2] == listed  # the restore is a new version on top


def test_show_returns_one_versions_notebook_and_record(lab) -> None:
    jupyter, _ = lab
    jupyter.save("shown.ipynb", notebook("first"))
    jupyter.save("shown.ipynb", notebook("second"))
    older = jupyter.api("GET", "/api/nbvc/show/shown.ipynb?version=~1")
    assert older.status_code == 200, older.text
    answer = older.json()
    assert text(answer["notebook"]["cells"][0]["source"]) == "first"
    assert answer["version"]["short"] and answer["version"]["sha256"].startswith(answer["version"]["short"])
    newest = jupyter.api("GET", "/api/nbvc/show/shown.ipynb").json()
    assert text(newest["notebook"]["cells"][0]["source"]) == "second"


def test_diff_of_two_versions_and_of_a_version_against_the_notebook(lab) -> None:
    jupyter, _ = lab
    jupyter.save("diffed.ipynb", notebook("a = 1\nc = 3"))
    jupyter.save("diffed.ipynb", notebook("a = 1\nc = 3", "b = 2"))
    answer = jupyter.api("GET", "/api/nbvc/diff/diffed.ipynb?a=~1&b=latest")
    assert answer.status_code == 200, answer.text
    result = answer.json()
    # nbdime's web shape: the base as nbdime diffed it, multi-line sources as one string
    assert [c["source"] for c in result["base"]["cells"]] == ["a = 1\nc = 3"]
    cells = [e for e in result["diff"] if e["key"] == "cells"][0]["diff"]
    [added] = [e for e in cells if e["op"] == "addrange"]
    assert text(added["valuelist"][0]["source"]) == "b = 2"
    against_file = jupyter.api("GET", "/api/nbvc/diff/diffed.ipynb?a=~1").json()
    assert against_file["b"] == "diffed.ipynb (working file)" and against_file["diff"]


def test_diff_against_a_working_file_that_is_no_notebook_is_422(lab) -> None:
    jupyter, _ = lab
    jupyter.save("torn.ipynb", notebook("fine"))
    (jupyter.root / "torn.ipynb").write_bytes(b'{"cells": [')  # written by another program
    answer = jupyter.api("GET", "/api/nbvc/diff/torn.ipynb")
    assert answer.status_code == 422 and "working file" in answer.json()["message"]


def test_restore_puts_an_older_version_on_top_and_can_be_undone(lab) -> None:
    jupyter, _ = lab
    jupyter.save("restored.ipynb", notebook("good"))
    jupyter.save("restored.ipynb", notebook("oops"))
    answer = jupyter.api("POST", "/api/nbvc/restore/restored.ipynb", json={"version": "~1"})
    assert answer.status_code == 200, answer.text
    assert b"good" in (jupyter.root / "restored.ipynb").read_bytes()
    log = jupyter.api("GET", "/api/nbvc/log/restored.ipynb").json()
    assert log["total"] == 3 and log["versions"][0]["sha256"] == answer.json()["restored"]
    undo = jupyter.api("POST", "/api/nbvc/restore/restored.ipynb", json={"version": "~1"})
    assert undo.status_code == 200 and b"oops" in (jupyter.root / "restored.ipynb").read_bytes()


@pytest.mark.parametrize(("method", "path", "payload", "status"), [
    ("GET", "/api/nbvc/show/never.ipynb", None, 404),
    ("GET", "/api/nbvc/show/shown.ipynb?version=no-such", None, 404),
    ("GET", "/api/nbvc/show/notes.txt", None, 415),
    ("GET", "/api/nbvc/diff/shown.ipynb?a=no-such", None, 404),
    ("POST", "/api/nbvc/restore/shown.ipynb", {}, 400),
    ("POST", "/api/nbvc/restore/shown.ipynb", {"version": "~9"}, 404),
    ("POST", "/api/nbvc/restore/sub/%2E%2E/%2E%2E/escape.ipynb", {"version": "~1"}, 400),
])
def test_show_diff_and_restore_errors_are_json_with_their_status(
        lab, method: str, path: str, payload: dict | None, status: int) -> None:
    jupyter, _ = lab
    jupyter.save("shown.ipynb", notebook("x"))
    answer = jupyter.api(method, path, json=payload)
    assert answer.status_code == status, answer.text
    assert answer.json()["message"]


def test_tag_endpoint_names_a_version_and_the_log_shows_it(lab) -> None:
    jupyter, _ = lab
    jupyter.save("tagged-here.ipynb", notebook("first"))
    jupyter.save("tagged-here.ipynb", notebook("second"))
    answer = jupyter.api("POST", "/api/nbvc/tag/tagged-here.ipynb", json={"name": "draft", "version": "~1"})
    assert answer.status_code == 200, answer.text
    versions_ = jupyter.api("GET", "/api/nbvc/log/tagged-here.ipynb").json()["versions"]
    assert [v["names"] for v in versions_] == [[], ["draft"]]
    again = jupyter.api("POST", "/api/nbvc/tag/tagged-here.ipynb", json={"name": "draft"})
    assert again.status_code == 400 and "already" in again.json()["message"]
    moved = jupyter.api("POST", "/api/nbvc/tag/tagged-here.ipynb", json={"name": "draft", "force": True})
    assert moved.status_code == 200, moved.text
    for payload in ({}, {"name": "no spaces allowed"}, {"name": "ok", "force": "yes"}):
        assert jupyter.api("POST", "/api/nbvc/tag/tagged-here.ipynb", json=payload).status_code == 400


def test_save_and_create_checkpoint_marks_the_version_a_checkpoint(lab) -> None:
    """Lab's "Save and Create Checkpoint": the save, then POST .../checkpoints."""
    jupyter, _ = lab
    jupyter.save("marked.ipynb", notebook("draft"))
    jupyter.save("marked.ipynb", notebook("ready"))
    assert jupyter.api("POST", "/api/contents/marked.ipynb/checkpoints").status_code == 201
    kinds = [v["kind"] for v in jupyter.api("GET", "/api/nbvc/log/marked.ipynb").json()["versions"]]
    assert kinds == ["checkpoint", "save"]


def test_rename_keeps_history_under_the_new_key(lab, s3) -> None:
    jupyter, bucket = lab
    client = s3[1]
    jupyter.save("old.ipynb", notebook("r1"))
    wait_until(lambda: versions(client, bucket, "workspace/kylek/old.ipynb"), what="old key pushed")
    answer = jupyter.api("PATCH", "/api/contents/old.ipynb", json={"path": "new.ipynb"})
    assert answer.status_code == 200
    wait_until(lambda: versions(client, bucket, "workspace/kylek/new.ipynb"), what="new key pushed")
    log = jupyter.api("GET", "/api/nbvc/log/new.ipynb").json()["versions"]
    assert log[0]["message"] == "renamed from old.ipynb" and log[-1]["key"].endswith("old.ipynb")
    assert log[0]["kind"] == "rename"
    markers = wait_until(lambda: client.list_object_versions(
        Bucket=bucket, Prefix="workspace/kylek/old.ipynb").get("DeleteMarkers"), what="marker")
    assert markers[0]["IsLatest"]


def test_delete_leaves_a_marker_and_keeps_versions(lab, s3) -> None:
    jupyter, bucket = lab
    client = s3[1]
    key = "workspace/kylek/doomed.ipynb"
    jupyter.save("doomed.ipynb", notebook("d"))
    wait_until(lambda: versions(client, bucket, key), what="pushed")
    assert jupyter.api("DELETE", "/api/contents/doomed.ipynb").status_code == 204
    listing = wait_until(lambda: (r := client.list_object_versions(Bucket=bucket, Prefix=key))
                         .get("DeleteMarkers") and r, what="delete marker")
    assert len(listing["Versions"]) == 1


def test_a_notebook_deleted_in_jupyter_is_listed_and_undeleted(lab, s3) -> None:
    jupyter, bucket = lab
    client = s3[1]
    key = "workspace/kylek/gone.ipynb"
    jupyter.save("gone.ipynb", notebook("g"))
    last = wait_until(lambda: versions(client, bucket, key), what="pushed")[0]
    data = (jupyter.root / "gone.ipynb").read_bytes()
    assert jupyter.api("DELETE", "/api/contents/gone.ipynb").status_code == 204

    def listed() -> dict | None:
        answer = jupyter.api("GET", "/api/nbvc/deleted")
        assert answer.status_code == 200, answer.text
        found = [r for r in answer.json()["deleted"] if r["path"] == "gone.ipynb"]
        return found[0] if found and found[0]["deleted_by"] else None

    record = wait_until(listed, what="gone.ipynb listed as deleted by kylek")
    assert record["deleted_by"] == "kylek" and record["last_version_id"] == last["VersionId"]
    answer = jupyter.api("POST", "/api/nbvc/undelete/gone.ipynb", json={})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["status"] == "undeleted" and result["restored_version_id"] == last["VersionId"]
    assert (jupyter.root / "gone.ipynb").read_bytes() == data
    listing = client.list_object_versions(Bucket=bucket, Prefix=key)
    [latest] = [v for v in listing["Versions"] if v["IsLatest"] and v["Key"] == key]
    assert latest["VersionId"] == result["version_id"]
    assert jupyter.api("GET", "/api/nbvc").json()["features"]["undelete"] is True


def test_undelete_errors_are_json_with_their_status(lab, s3) -> None:
    jupyter, bucket = lab
    client = s3[1]
    key = "workspace/kylek/blocked.ipynb"
    jupyter.save("blocked.ipynb", notebook("b"))
    wait_until(lambda: versions(client, bucket, key), what="pushed")
    not_deleted = jupyter.api("POST", "/api/nbvc/undelete/blocked.ipynb", json={})
    assert not_deleted.status_code == 400 and "is not deleted" in not_deleted.json()["message"]
    client.delete_object(Bucket=bucket, Key=key)  # deleted by another tool
    other = json.dumps(notebook("other work, not saved in Jupyter")).encode()
    (jupyter.root / "blocked.ipynb").write_bytes(other)
    in_the_way = jupyter.api("POST", "/api/nbvc/undelete/blocked.ipynb", json={"version": "latest"})
    assert in_the_way.status_code == 409, in_the_way.text
    assert "not overwritten" in in_the_way.json()["message"]
    assert (jupyter.root / "blocked.ipynb").read_bytes() == other
    assert jupyter.api("POST", "/api/nbvc/undelete/never-was.ipynb").status_code == 404
    assert jupyter.api("POST", "/api/nbvc/undelete/blocked.ipynb", json={"version": 3}).status_code == 400


def test_bookstore_configuration_works_unchanged(s3, tmp_path: Path) -> None:
    server, client = s3
    bucket = make_bucket(client)
    config = f"""
from nbvc.jupyter import BookstoreContentsArchiver
c.ServerApp.contents_manager_class = BookstoreContentsArchiver
c.BookstoreSettings.workspace_prefix = "/workspace/kylek/notebooks"
c.BookstoreSettings.published_prefix = "/published/kylek/notebooks"
c.BookstoreSettings.s3_bucket = "{bucket}"
c.BookstoreSettings.s3_access_key_id = "testing"
c.BookstoreSettings.s3_secret_access_key = "testing"
c.BookstoreSettings.s3_endpoint_url = "{server.url}"
"""
    jupyter = JupyterServer(tmp_path, config, env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    jupyter.start()
    try:
        assert jupyter.save("mine.ipynb", notebook("bookstore")).status_code == 201
        key = "workspace/kylek/notebooks/mine.ipynb"
        wait_until(lambda: versions(client, bucket, key), what="the save under bookstore's prefix")
        assert body(client, bucket, key) == (tmp_path / "mine.ipynb").read_bytes()
    finally:
        jupyter.stop()
    config_written = (tmp_path / ".nbvc" / "config.toml").read_text()
    assert "testing" not in config_written.replace("nbvc-test", "")


def test_saves_succeed_while_s3_is_down_and_are_pushed_when_it_is_back(tmp_path: Path) -> None:
    hook = 'c.FileContentsManager.post_save_hook = "nbvc.jupyter.post_save_hook"'
    assert saves_through_an_outage(tmp_path, hook, 20) == [f"save {n}" for n in range(20)]


def test_a_failing_archive_never_fails_the_save(tmp_path: Path) -> None:
    (tmp_path / ".nbvc").mkdir()
    (tmp_path / ".nbvc" / "config.toml").write_text("this is not toml = = =\n")
    config = 'c.FileContentsManager.post_save_hook = "nbvc.jupyter.post_save_hook"\n'
    jupyter = JupyterServer(tmp_path, config).start()
    try:
        assert jupyter.save("fine.ipynb", notebook("x")).status_code == 201
        assert "could not record the save" in jupyter.log()
    finally:
        jupyter.stop()
