"""Credentials come from boto3's chain as users configure it: variables, an AWS profile
(``AWS_PROFILE`` or the workspace's ``profile`` setting), or a ``boto3.Session`` handed
to the Python API. Tested against the real S3 server, which, like S3, refuses a
request that carries no credentials."""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest

import nbvc

from .conftest import run_nbvc, write_notebook

PROFILES = """[dev]
aws_access_key_id = dev-key
aws_secret_access_key = dev-secret
"""


@pytest.fixture
def no_default_credentials(monkeypatch: pytest.MonkeyPatch) -> Path:
    """No AWS_* keys in the environment; one profile, ``dev``, in the credentials file."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    credentials = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    credentials.write_text(PROFILES)
    return credentials


@pytest.fixture
def on_server(tmp_path: Path, moto_server, bucket_url: str) -> Path:  # noqa: ANN001
    root = tmp_path / "ws"
    root.mkdir()
    made = run_nbvc("init", "--remote", bucket_url, "--endpoint-url", moto_server.url, cwd=root)
    assert made.returncode == 0, made.stderr
    write_notebook(root / "a.ipynb", "one")
    return root


def test_without_credentials_push_says_so(on_server: Path, no_default_credentials: Path) -> None:
    pushed = run_nbvc("push", cwd=on_server)
    assert pushed.returncode != 0
    assert "no AWS credentials found" in pushed.stderr and "Traceback" not in pushed.stderr


@pytest.mark.parametrize("how", ["AWS_PROFILE", "NBVC_PROFILE", "config"])
def test_a_profile_gives_the_credentials(on_server: Path, no_default_credentials: Path,
                                         how: str) -> None:
    env = {}
    if how == "config":
        with (on_server / ".nbvc" / "config.toml").open("a") as config:
            config.write('profile = "dev"\n')
    else:
        env[how] = "dev"
    pushed = run_nbvc("push", cwd=on_server, env=env)
    assert pushed.returncode == 0 and pushed.stdout.startswith("1 uploaded"), pushed.stderr


def test_remote_set_pins_a_profile(tmp_path: Path, moto_server, bucket_url: str,  # noqa: ANN001
                                   no_default_credentials: Path) -> None:
    assert run_nbvc("init", cwd=tmp_path).returncode == 0  # the embedded store first
    write_notebook(tmp_path / "a.ipynb", "one")
    assert run_nbvc("save", cwd=tmp_path).returncode == 0
    moved = run_nbvc("remote", "set", bucket_url, "--endpoint-url", moto_server.url,
                     "--profile", "dev", cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    shown = json.loads(run_nbvc("remote", "show", "--json", cwd=tmp_path).stdout)
    assert shown["profile"] == "dev"
    pushed = run_nbvc("push", cwd=tmp_path)
    assert pushed.returncode == 0 and pushed.stdout.startswith("1 uploaded"), pushed.stderr


def test_a_profile_that_is_not_configured_is_one_line_and_exit_2(
        on_server: Path, no_default_credentials: Path) -> None:
    pushed = run_nbvc("push", cwd=on_server, env={"NBVC_PROFILE": "nosuch"})
    assert pushed.returncode == 2
    assert pushed.stderr.splitlines()[0] == "error: the AWS profile 'nosuch' is not configured"


def test_the_python_api_takes_a_boto3_session(tmp_path: Path, moto_server, bucket_url: str,  # noqa: ANN001
                                              no_default_credentials: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    session = boto3.Session(aws_access_key_id="session-key", aws_secret_access_key="secret",
                            region_name="us-east-1")
    nbvc.Workspace.init(tmp_path, {"remote": bucket_url, "endpoint_url": moto_server.url},
                        session=session)
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "a.ipynb", "one")
    report = nbvc.Workspace.find(session=session).push()
    assert report.ok and report.count("uploaded") == 1
    write_notebook(tmp_path / "a.ipynb", "two")
    report = nbvc.Workspace.find().push()  # no session, and no credentials in the chain
    assert not report.ok and "no AWS credentials found" in report.outcomes[0].detail


def test_a_sessions_region_comes_before_the_region_setting(
        tmp_path: Path, bucket_url: str, moto_server, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    nbvc.Workspace.init(tmp_path, {"remote": bucket_url, "endpoint_url": moto_server.url,
                                   "region": "ap-south-1"}, check_remote=False)
    with_region = boto3.Session(region_name="eu-west-1")
    assert nbvc.Workspace(tmp_path, session=with_region).store.client.meta.region_name == "eu-west-1"
    without = boto3.Session()
    assert without.region_name is None
    assert nbvc.Workspace(tmp_path, session=without).store.client.meta.region_name == "ap-south-1"
