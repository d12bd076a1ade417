"""Retention in the bucket: nbvc's lifecycle rule, written as S3 takes it, expires old
workspace versions and never a named or published one. moto stores lifecycle rules
and does not run them, so the rule is tested as written, with the tags it relies on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbvc.core import publish as pub
from nbvc.core import sync
from nbvc.core.workspace import Workspace

from .conftest import run_nbvc, s3_client, write_notebook


@pytest.fixture
def ws(tmp_path: Path, moto_server, bucket_url: str) -> Workspace:  # noqa: ANN001
    root = tmp_path / "ws"
    root.mkdir()
    return Workspace.init(root, {"remote": bucket_url, "endpoint_url": moto_server.url,
                                 "user": "kylek"})[0]


def tags(ws: Workspace, version: dict) -> dict[str, str]:
    client = s3_client(ws.settings.endpoint_url)
    answer = client.get_object_tagging(Bucket=ws.settings.remote[5:], Key=version["key"],
                                       VersionId=version["version_id"])
    return {t["Key"]: t["Value"] for t in answer["TagSet"]}


def three_versions(ws: Workspace) -> list[dict]:
    for n in range(3):
        write_notebook(ws.root / "a.ipynb", f"v{n}")
        assert sync.push(ws).ok
    return ws.log(str(ws.root / "a.ipynb"))


def test_pushed_versions_are_expirable_and_named_or_published_ones_are_not(ws: Workspace) -> None:
    [before] = three_versions(ws)[:1]
    assert tags(ws, before) == {}  # no rule yet: nothing tagged (and so nothing expires)
    run_nbvc("retention", "set", "--noncurrent-days", "30", cwd=ws.root, check=True)
    newest, middle, oldest = three_versions(ws)[:3]  # the three pushed under the rule
    assert tags(ws, newest) == {"nbvc-expirable": "true"}
    run_nbvc("tag", "a.ipynb", "keep", "--version", oldest["version_id"], cwd=ws.root, check=True)
    pub.publish(ws, str(ws.root / "a.ipynb"), middle["version_id"])
    assert tags(ws, oldest) == {"nbvc-expirable": "false"}
    assert tags(ws, middle) == {"nbvc-expirable": "false"}
    assert tags(ws, newest) == {"nbvc-expirable": "true"}


def test_retention_set_writes_one_rule_scoped_to_expirable_workspace_versions(ws: Workspace) -> None:
    three_versions(ws)
    client = s3_client(ws.settings.endpoint_url)
    bucket = ws.settings.remote[5:]
    other = {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
             "Expiration": {"Days": 7}}
    client.put_bucket_lifecycle_configuration(Bucket=bucket,
                                              LifecycleConfiguration={"Rules": [other]})
    answer = run_nbvc("retention", "set", "--noncurrent-days", "30", "--keep-newer", "5", "--json",
                      cwd=ws.root, check=True)
    rule = json.loads(answer.stdout)
    assert rule == {"ID": "nbvc workspace/kylek/", "Status": "Enabled",
                    "Filter": {"And": {"Prefix": "workspace/kylek/",
                                       "Tags": [{"Key": "nbvc-expirable", "Value": "true"}]}},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 5}}
    run_nbvc("retention", "set", "--noncurrent-days", "60", cwd=ws.root, check=True)  # replaces it
    stored = client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert sorted(r["ID"] for r in stored) == ["logs", "nbvc workspace/kylek/"]
    [ours] = [r for r in stored if r["ID"] == "nbvc workspace/kylek/"]
    assert ours["NoncurrentVersionExpiration"]["NoncurrentDays"] == 60
    assert ours["Filter"]["And"]["Tags"] == [{"Key": "nbvc-expirable", "Value": "true"}]
    shown = json.loads(run_nbvc("retention", "show", "--json", cwd=ws.root, check=True).stdout)
    assert [(r["ID"], r["nbvc"], r["risky"]) for r in shown] == [("nbvc workspace/kylek/", True, False)]


def test_doctor_warns_of_a_rule_that_could_expire_named_or_published_versions(ws: Workspace) -> None:
    three_versions(ws)
    client = s3_client(ws.settings.endpoint_url)
    everything = {"ID": "tidy", "Status": "Enabled", "Filter": {"Prefix": ""},
                  "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}
    client.put_bucket_lifecycle_configuration(Bucket=ws.settings.remote[5:],
                                              LifecycleConfiguration={"Rules": [everything]})
    checks = {c["name"]: c for c in json.loads(run_nbvc("doctor", "--json", cwd=ws.root).stdout)}
    assert checks["retention"]["status"] == "warn"
    assert "'tidy' could expire named or published versions" in checks["retention"]["detail"]
    shown = run_nbvc("retention", "show", cwd=ws.root, check=True).stdout
    assert "tidy: Enabled; NoncurrentDays 1; could expire named or published versions" in shown


def test_the_embedded_store_has_no_retention_rules(tmp_path: Path) -> None:
    assert run_nbvc("init", cwd=tmp_path).returncode == 0
    refused = run_nbvc("retention", "set", "--noncurrent-days", "30", cwd=tmp_path)
    assert refused.returncode == 2 and refused.stderr.startswith("error: retention rules need an S3")


def test_credentials_that_may_not_tag_still_push_and_publish(ws: Workspace, monkeypatch) -> None:
    """A policy with s3:PutObject but not the tagging actions: versions go up untagged
    (the rule spares them), and a publish says its source could not be marked kept."""
    from botocore.exceptions import ClientError

    store = ws.store
    put_object = store.client.put_object

    def no_tagging(**args):  # noqa: ANN003, ANN202
        if "Tagging" in args:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "tagging"},
                               "ResponseMetadata": {"HTTPStatusCode": 403}}, "PutObject")
        return put_object(**args)

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "tagging"},
                           "ResponseMetadata": {"HTTPStatusCode": 403}}, "PutObjectTagging")

    run_nbvc("retention", "set", "--noncurrent-days", "30", cwd=ws.root, check=True)
    monkeypatch.setattr(store.client, "put_object", no_tagging)
    monkeypatch.setattr(store.client, "put_object_tagging", refuse)
    newest, *_ = three_versions(ws)
    assert tags(ws, newest) == {}  # untagged: nbvc's rule never matches it
    assert pub.publish(ws, str(ws.root / "a.ipynb"))["pinned"] is False


def test_another_workspace_learns_the_rule_from_retention_show(ws: Workspace, tmp_path: Path,
                                                                moto_server) -> None:  # noqa: ANN001
    run_nbvc("retention", "set", "--noncurrent-days", "30", cwd=ws.root, check=True)
    other_root = tmp_path / "other"
    other_root.mkdir()
    other = Workspace.init(other_root, {"remote": ws.settings.remote, "user": "kylek",
                                        "endpoint_url": moto_server.url})[0]
    write_notebook(other_root / "b.ipynb", "before")
    assert sync.push(other).ok
    [untagged] = other.log(str(other_root / "b.ipynb"))
    assert tags(other, untagged) == {}  # it had not seen the rule: spared
    run_nbvc("retention", "show", cwd=other_root, check=True)
    write_notebook(other_root / "b.ipynb", "after")
    assert sync.push(Workspace(other_root)).ok
    assert tags(other, Workspace(other_root).log(str(other_root / "b.ipynb"))[0]) == {
        "nbvc-expirable": "true"}
