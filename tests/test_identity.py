"""A workspace's identity (user, prefixes) is pinned when it is made, and moving it
to another place (embedded store -> S3, bucket -> bucket, another user) carries
its whole history there on the next push. Through the real command line against
the real S3 server."""

from __future__ import annotations

import json
from pathlib import Path

from nbvc.config import read_toml

from .conftest import make_bucket, run_nbvc, s3_client, write_notebook
from .test_sync import source_of


def nbvc(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    answer = run_nbvc(*args, cwd=root, env=env)
    assert answer.returncode == 0, f"nbvc {' '.join(args)}: {answer.stderr}"
    return answer.stdout


def bucket_bodies(client, bucket: str, key: str) -> list[bytes]:  # noqa: ANN001
    """The bodies of a key's versions, oldest first."""
    listed = client.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    ordered = [v for v in listed if v["Key"] == key][::-1]  # S3 lists a key's newest first
    return [client.get_object(Bucket=bucket, Key=key, VersionId=v["VersionId"])["Body"].read()
            for v in ordered]


def test_init_pins_the_user_and_prefixes_for_every_later_process(tmp_path: Path, moto_server) -> None:  # noqa: ANN001
    client = s3_client(moto_server.url)
    bucket = make_bucket(client)
    nbvc(tmp_path, "init", "--remote", f"s3://{bucket}", "--endpoint-url", moto_server.url,
         env={"JUPYTERHUB_USER": "alice"})  # e.g. made by the Jupyter server of a hub
    pinned = read_toml(tmp_path / ".nbvc" / "config.toml")
    assert (pinned["user"], pinned["workspace_prefix"], pinned["published_prefix"]) == (
        "alice", "workspace/alice", "published/alice")
    write_notebook(tmp_path / "cron.ipynb", "a scheduled job's edit")
    nbvc(tmp_path, "push", env={"JUPYTERHUB_USER": ""})  # a cron job or an ssh shell: no hub user
    keys = [v["Key"] for v in client.list_object_versions(Bucket=bucket).get("Versions", [])]
    assert keys == ["workspace/alice/cron.ipynb"]


def test_moving_from_the_embedded_store_to_s3_brings_every_version_in_order(
        tmp_path: Path, moto_server) -> None:  # noqa: ANN001
    nb = tmp_path / "a.ipynb"
    sources = ["draft", "better", "final"]
    nbvc(tmp_path, "init", "--user", "kylek")
    for source in sources:
        write_notebook(nb, source)
        nbvc(tmp_path, "save", "a.ipynb")
    write_notebook(tmp_path / "b.ipynb", "other")
    nbvc(tmp_path, "push")  # to the embedded store
    client = s3_client(moto_server.url)
    bucket = make_bucket(client)
    nbvc(tmp_path, "remote", "set", f"s3://{bucket}", "--endpoint-url", moto_server.url)
    report = json.loads(nbvc(tmp_path, "push", "--json"))
    assert report["uploaded"] == 4 and report["conflicts"] == 0, report
    bodies = bucket_bodies(client, bucket, "workspace/kylek/a.ipynb")
    assert [source_of(b) for b in bodies] == sources
    assert json.loads(nbvc(tmp_path, "push", "--json"))["uploaded"] == 0  # once
    shown = nbvc(tmp_path, "show", "a.ipynb", "--version", "latest~2")
    assert source_of(shown) == "draft"
    write_notebook(nb, "edited after the move")
    assert json.loads(nbvc(tmp_path, "push", "--json"))["conflicts"] == 0
    assert "deleted" not in nbvc(tmp_path, "status")


def test_a_new_user_moves_the_prefixes_and_carries_the_history(tmp_path: Path, moto_server) -> None:  # noqa: ANN001
    client = s3_client(moto_server.url)
    bucket = make_bucket(client)
    nbvc(tmp_path, "init", "--remote", f"s3://{bucket}", "--endpoint-url", moto_server.url,
         "--user", "ana")
    write_notebook(tmp_path / "n.ipynb", "v1")
    nbvc(tmp_path, "push")
    nbvc(tmp_path, "remote", "set", f"s3://{bucket}", "--user", "bob")
    pinned = read_toml(tmp_path / ".nbvc" / "config.toml")
    assert pinned["workspace_prefix"] == "workspace/bob" and pinned["published_prefix"] == "published/bob"
    assert json.loads(nbvc(tmp_path, "push", "--json"))["uploaded"] == 1
    assert bucket_bodies(client, bucket, "workspace/bob/n.ipynb") == bucket_bodies(
        client, bucket, "workspace/ana/n.ipynb")


def test_versions_only_the_old_bucket_had_are_brought_along(tmp_path: Path, moto_server) -> None:  # noqa: ANN001
    client = s3_client(moto_server.url)
    old, new = make_bucket(client), make_bucket(client)
    here, there = tmp_path / "here", tmp_path / "there"
    for root in (here, there):
        root.mkdir()
        nbvc(root, "init", "--remote", f"s3://{old}", "--endpoint-url", moto_server.url, "--user", "kylek")
    write_notebook(there / "n.ipynb", "from the other machine")
    nbvc(there, "push")
    nbvc(here, "fetch")  # listed only: the bytes stay in the old bucket
    nbvc(here, "remote", "set", f"s3://{new}")
    assert json.loads(nbvc(here, "push", "--json"))["uploaded"] == 1
    assert bucket_bodies(client, new, "workspace/kylek/n.ipynb") == bucket_bodies(
        client, old, "workspace/kylek/n.ipynb")
