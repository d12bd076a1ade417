"""Shared fixtures: a real moto S3 server over HTTP, buckets, stores, workspaces."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from nbvc.store.base import Store

from .s3server import MotoServer

TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true", help="also run the slow, exhaustive tests")
    parser.addoption("--localstack", action="store_true",
                     help="also run the tests that install and start LocalStack (scripts/test.sh "
                          "runs them after the suite)")


def pytest_configure(config: pytest.Config) -> None:
    """Commands and Jupyter servers under test run the installed nbvc (a regular install,
    as users get it); stop at once if it is not the code in this folder."""
    stale = installed_but_changed()
    if stale:
        raise pytest.UsageError(
            f"the installed nbvc differs from this folder ({', '.join(stale[:3])}"
            f"{' ...' if len(stale) > 3 else ''}): run 'bash scripts/setup.sh' or 'bash scripts/test.sh'")


def installed_but_changed() -> list[str]:
    """Source files of nbvc whose installed copy differs (by the wheel's RECORD hashes)."""
    import base64
    import hashlib
    import sysconfig
    from importlib import metadata

    source = Path(__file__).resolve().parent.parent
    installed = [d for d in metadata.distributions(path=[sysconfig.get_paths()["purelib"]])
                 if d.metadata["Name"] == "nbvc"]  # not the build's nbvc.egg-info in this folder
    if not installed:
        return ["nbvc is not installed"]
    files = installed[0].files or []
    recorded = {str(f): f.hash.value for f in files if f.hash and str(f).startswith("nbvc/")}
    # nbvc/labextension/ is installed as data files, not in the package: its installed copy
    # is compared by test_lab_history.py
    ours = {str(p.relative_to(source)) for p in (source / "nbvc").rglob("*") if p.is_file()
            and "__pycache__" not in p.parts and p.parts[len(source.parts) + 1] != "labextension"}
    changed = sorted(recorded.keys() ^ ours)
    for name in sorted(recorded.keys() & ours):
        digest = hashlib.sha256((source / name).read_bytes()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != recorded[name]:
            changed.append(name)
    return changed


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Marks a test whose body failed (``item.failed``): fixtures keep evidence of it."""
    outcome = yield
    if outcome.get_result().when == "call" and outcome.get_result().failed:
        item.failed = True  # type: ignore[attr-defined]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skips = {"slow": (not config.getoption("--full"), "slow: run with --full"),
             "localstack": (not config.getoption("--localstack"),
                            "installs LocalStack: run with --localstack (scripts/test.sh does, "
                            "after the suite)")}
    for item in items:
        for marker, (skipped, reason) in skips.items():
            if skipped and marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the developer's AWS profile, nbvc config or NBVC_* settings."""
    for name in list(os.environ):
        if name.startswith(("NBVC_", "AWS_")) or name == "JUPYTERHUB_USER":
            monkeypatch.delenv(name)
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """One moto server process for the session; tests use their own buckets."""
    server = MotoServer(log_path=tmp_path_factory.mktemp("moto") / "server.log")
    os.environ.update({k: v for k, v in TEST_ENV.items() if k not in os.environ})
    server.start()
    yield server
    server.stop()


def s3_client(endpoint_url: str | None = None):  # noqa: ANN201 - boto3 client
    """The tests' own client, with the tests' credentials: a module's client is made
    before its first test's environment, and older botocore reads them when it makes one."""
    from nbvc.store.s3 import make_client

    return make_client(endpoint_url or "", "us-east-1", TEST_ENV["AWS_ACCESS_KEY_ID"],
                       TEST_ENV["AWS_SECRET_ACCESS_KEY"], pool_size=16)


def make_bucket(client, versioning: str | None = "Enabled") -> str:  # noqa: ANN001
    bucket = f"nbvc-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    if versioning:
        client.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": versioning}
        )
    return bucket


@pytest.fixture
def bucket_url(moto_server: MotoServer) -> str:
    """A fresh versioned bucket on the moto server, as an ``s3://`` remote URL."""
    return f"s3://{make_bucket(s3_client(moto_server.url))}"


@pytest.fixture(params=["local", "moto-mock", "moto-server"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path):  # noqa: ANN201
    """Builds a store of the parametrised backend: ``factory(versioning="Enabled")``."""
    from nbvc.store.local import LocalStore
    from nbvc.store.s3 import S3Store

    if request.param == "local":
        def local(versioning: str | None = "Enabled") -> Store:
            root = tmp_path / f"store-{uuid.uuid4().hex[:6]}"
            return LocalStore.create(root, versioning or "Disabled")
        return local
    if request.param == "moto-mock":
        from moto import mock_aws

        mock = mock_aws()
        mock.start()
        request.addfinalizer(mock.stop)
        client = s3_client()
    else:
        client = s3_client(request.getfixturevalue("moto_server").url)

    def s3(versioning: str | None = "Enabled") -> Store:
        return S3Store(make_bucket(client, versioning), client)
    return s3


def write_notebook(path: Path, *sources: str) -> Path:
    """A small valid notebook with one code cell per source."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def run_nbvc(*args: str, cwd: Path, env: dict[str, str] | None = None,
             check: bool = False) -> subprocess.CompletedProcess[str]:
    """The real command line, in a subprocess, as a user would run it."""
    result = subprocess.run(
        [sys.executable, "-m", "nbvc", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"nbvc {' '.join(args)} failed: {result.stderr}")
    return result


#: the stores a test runs on with :func:`workspace_on`
STORES = ["embedded", "moto-server"]


def workspace_on(request: pytest.FixtureRequest, tmp_path: Path, workspace_class: Any = None) -> Any:
    """A workspace of user kylek on the store ``request.param`` names (one of
    :data:`STORES`): the embedded store, or a bucket on the real S3 server."""
    from nbvc.core.workspace import Workspace

    overrides = {"user": "kylek"}
    if request.param == "moto-server":
        server = request.getfixturevalue("moto_server")
        overrides.update(remote=request.getfixturevalue("bucket_url"), endpoint_url=server.url)
    root = tmp_path / "ws"
    root.mkdir()
    return (workspace_class or Workspace).init(root, overrides)[0]
