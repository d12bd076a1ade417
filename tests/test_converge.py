"""The bucket is the truth: fetch records every listed version, whoever wrote it, and
"latest" is the bucket's latest. Against the real S3 server."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbvc.core import sync
from nbvc.core.versions import show
from nbvc.core.workspace import Workspace

from .conftest import run_nbvc, s3_client, write_notebook
from .test_sync import new_workspace, source_of


def two_versions(ws: Workspace) -> list[str]:
    for text in ("v1", "v2"):
        write_notebook(ws.root / "a.ipynb", text)
        sync.push(ws)
    return [r["version_id"] for r in reversed(ws.log(str(ws.root / "a.ipynb")))]


def test_a_copyobject_restore_is_fetched_as_the_latest_and_pull_takes_it(
        tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    ws = new_workspace(tmp_path / "a", bucket_url, moto_server.url)
    v1, _v2 = two_versions(ws)
    bucket, key = bucket_url[len("s3://"):], ws.key("a.ipynb")
    copied = s3_client(moto_server.url).copy_object(  # how AWS documents restoring a version
        Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key, "VersionId": v1})["VersionId"]
    report = sync.fetch(ws)
    assert report.learned == 1
    newest = ws.log(str(ws.root / "a.ipynb"))[0]
    assert newest["version_id"] == copied
    row, data = show(ws, str(ws.root / "a.ipynb"))
    assert row["version_id"] == copied and source_of(data) == "v1"
    pulled = run_nbvc("pull", cwd=ws.root)
    assert pulled.returncode == 0, pulled.stderr
    assert source_of((ws.root / "a.ipynb").read_text()) == "v1"
    assert run_nbvc("pull", cwd=ws.root).returncode == 0


def test_a_recorded_versionid_the_bucket_does_not_have_is_corrected_by_fetch(
        tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    ws = new_workspace(tmp_path / "a", bucket_url, moto_server.url)
    _v1, v2 = two_versions(ws)
    with ws.index.transaction():  # as if the PUT had been answered with a wrong VersionId
        ws.index.conn.execute("UPDATE saves SET version_id='no-such-version' WHERE version_id=?", [v2])
    report = sync.fetch(ws)
    assert report.learned == 0 and report.adopted == 1
    assert [r["version_id"] for r in ws.log(str(ws.root / "a.ipynb"))][0] == v2
    assert run_nbvc("pull", cwd=ws.root).returncode == 0


def doctor_checks(root: Path, *args: str) -> dict[str, dict]:
    import json

    answer = run_nbvc("doctor", "--json", *args, cwd=root)
    return {c["name"]: c for c in json.loads(answer.stdout)}


def test_doctor_compares_the_index_with_the_bucket_and_repair_makes_them_agree(
        tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    ws = new_workspace(tmp_path / "a", bucket_url, moto_server.url)
    other = new_workspace(tmp_path / "b", bucket_url, moto_server.url, host="desktop")
    v1, v2 = two_versions(ws)
    assert doctor_checks(ws.root)["index vs bucket"]["status"] == "ok"
    write_notebook(other.root / "theirs.ipynb", "pushed elsewhere")
    sync.push(other)
    bucket = bucket_url[len("s3://"):]
    s3_client(moto_server.url).delete_object(Bucket=bucket, Key=ws.key("a.ipynb"), VersionId=v2)
    found = doctor_checks(ws.root)["index vs bucket"]
    assert found["status"] == "warn"
    assert "1 version(s) in the bucket not in the index" in found["detail"]
    assert "1 recorded version(s) not in the bucket" in found["detail"]
    repaired = doctor_checks(ws.root, "--repair")
    assert repaired["index vs bucket"]["status"] == "warn" and "1 will be pushed" in repaired[
        "index vs bucket"]["detail"]
    assert sync.push(ws).count("uploaded") == 1  # v2's bytes back in the bucket, as a new version
    assert doctor_checks(ws.root)["index vs bucket"]["status"] == "ok"
    assert v1 in [r["version_id"] for r in ws.log(str(ws.root / "a.ipynb"))]


def test_the_workspace_log_lists_fetched_versions_without_asking_the_bucket(
        tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    import json

    ws = new_workspace(tmp_path / "a", bucket_url, moto_server.url)
    other = new_workspace(tmp_path / "b", bucket_url, moto_server.url, host="desktop")
    two_versions(other)
    sync.fetch(ws)  # the latest described; the older one listed only
    records = json.loads(run_nbvc("log", "--json", cwd=ws.root, env={"NBVC_RETRIES": "1",
                                  "NBVC_ENDPOINT_URL": "http://127.0.0.1:9"}).stdout)
    assert [r["path"] for r in records] == ["a.ipynb", "a.ipynb"]
    assert records[0]["short"] and records[1]["short"] is None  # offline: nothing was asked


def busy_bucket(ws: Workspace, moto_server, bucket_url: str) -> int:  # noqa: ANN001
    """Three notebooks with three pushed versions each, one of them deleted on the
    remote: 10 versions and markers in the bucket."""
    for n in range(3):
        for text in ("one", "two", "three"):
            write_notebook(ws.root / f"n{n}.ipynb", text)
            sync.push(ws)
    s3_client(moto_server.url).delete_object(Bucket=bucket_url[len("s3://"):], Key=ws.key("n1.ipynb"))
    return 10


def test_fetch_records_a_long_listing_in_batches_that_keep_each_notebook_whole(
        tmp_path: Path, moto_server, bucket_url: str, monkeypatch) -> None:  # noqa: ANN001
    total = busy_bucket(new_workspace(tmp_path / "a", bucket_url, moto_server.url), moto_server, bucket_url)
    whole = new_workspace(tmp_path / "whole", bucket_url, moto_server.url)
    sync.fetch(whole)  # one batch
    batched = new_workspace(tmp_path / "batched", bucket_url, moto_server.url)
    monkeypatch.setattr(sync, "FETCH_BATCH", 2)
    batches: list[list[str]] = []
    record = sync._fetch_batch
    monkeypatch.setattr(sync, "_fetch_batch", lambda ws, batch, *rest: (
        batches.append([version.key for _, version in batch]), record(ws, batch, *rest)))
    report = sync.fetch(batched)
    assert report.learned + report.deleted == total and len(batches) == 3
    assert all(len(set(b) & set(other)) == 0 for b in batches for other in batches if other is not b)
    # the same versions, times and kinds (versions with the same time may be listed in
    # another order: they were recorded in another order)
    assert sorted(batched.index.log_rows(None)) == sorted(whole.index.log_rows(None))
    latest = "SELECT path, key, version_id, etag, deleted FROM remote_latest ORDER BY path"
    assert batched.index.rows(latest) == whole.index.rows(latest)


def test_an_interrupted_fetch_keeps_the_batches_it_recorded_and_the_next_one_lists_the_rest(
        tmp_path: Path, moto_server, bucket_url: str, monkeypatch) -> None:  # noqa: ANN001
    from nbvc.errors import RemoteError

    total = busy_bucket(new_workspace(tmp_path / "a", bucket_url, moto_server.url), moto_server, bucket_url)
    ws = new_workspace(tmp_path / "b", bucket_url, moto_server.url)
    monkeypatch.setattr(sync, "FETCH_BATCH", 2)
    listing = ws.store.list_versions

    def cut_off(prefix: str = ""):  # noqa: ANN202
        for n, version in enumerate(listing(prefix)):
            if n == 7:
                raise RemoteError("the connection was reset")
            yield version
    monkeypatch.setattr(ws.store, "list_versions", cut_off)
    with pytest.raises(RemoteError):
        sync.fetch(ws)
    recorded = len(ws.index.log_rows(None))
    assert 0 < recorded < total
    monkeypatch.setattr(ws.store, "list_versions", listing)
    report = sync.fetch(ws)
    assert report.learned + report.deleted == total - recorded
    assert len(ws.index.log_rows(None)) == total
