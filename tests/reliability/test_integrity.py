"""Verification: bytes from the bucket are checked before they touch the workspace or
its objects. nbvc's own versions by the SHA-256 they were uploaded with; versions
other tools wrote by their ETag (an MD5 when single-part) or the checksums S3 keeps;
what nothing can check is marked unverified. A body that arrives damaged or cut off
is fetched again; one that stays damaged is a one-line error and nothing is written."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import pytest
from botocore.config import Config

from nbvc.core import sync
from nbvc.core.workspace import Workspace

from ..conftest import s3_client, write_notebook
from ..faultproxy import FaultProxy
from .helpers import fresh_workspace


def nbvc(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nbvc", *args], cwd=root, capture_output=True,
                          text=True, timeout=300)


def notebook_gets(fault: str, times: int | None) -> Callable[[str, str], str | None]:
    """A proxy policy: ``fault`` on the first ``times`` GETs of a notebook's bytes
    (every one when ``times`` is None); listings and HEADs pass."""
    done = [0]

    def policy(method: str, path: str) -> str | None:
        if method != "GET" or ".ipynb" not in path:
            return None
        done[0] += 1
        return fault if times is None or done[0] <= times else None
    return policy


@pytest.fixture
def proxy(moto_server) -> Iterator[FaultProxy]:  # noqa: ANN001
    with FaultProxy(moto_server.port) as running:
        yield running


def two_machines(tmp_path: Path, moto_server, proxy: FaultProxy) -> tuple[Workspace, Workspace]:  # noqa: ANN001
    """A laptop that pushes straight to the server, and a desktop on the same bucket
    whose requests go through the proxy."""
    laptop = fresh_workspace(tmp_path / "laptop", moto_server.url)
    desktop = fresh_workspace(tmp_path / "desktop", moto_server.url, endpoint=proxy.url,
                              bucket=laptop.store.bucket, host="desktop")
    desktop.update_settings({"retries": 3})
    return laptop, desktop


def objects_in(ws: Workspace) -> set[str]:
    return {p.parent.name + p.name for p in (ws.root / ".nbvc" / "objects").glob("*/*")}


@pytest.mark.parametrize("fault", ["corrupt", "cut"])
def test_a_damaged_or_cut_download_is_fetched_again(tmp_path: Path, moto_server, proxy,
                                                    fault: str, figures) -> None:
    laptop, desktop = two_machines(tmp_path, moto_server, proxy)
    write_notebook(laptop.root / "n.ipynb", "from the laptop")
    assert sync.push(laptop).ok
    proxy.fault = notebook_gets(fault, times=1)

    result = nbvc(desktop.root, "pull")

    assert result.returncode == 0, result.stderr
    assert (desktop.root / "n.ipynb").read_bytes() == (laptop.root / "n.ipynb").read_bytes()
    assert proxy.faults[fault] == 1
    figures[f"downloads {fault} once, fetched again"] += 1


def test_a_download_that_stays_damaged_writes_nothing(tmp_path: Path, moto_server, proxy,
                                                      figures) -> None:
    laptop, desktop = two_machines(tmp_path, moto_server, proxy)
    write_notebook(laptop.root / "n.ipynb", "first")
    assert sync.push(laptop).ok
    assert nbvc(desktop.root, "pull").returncode == 0
    write_notebook(laptop.root / "n.ipynb", "second")
    assert sync.push(laptop).ok
    before, objects = (desktop.root / "n.ipynb").read_bytes(), objects_in(desktop)
    proxy.fault = notebook_gets("corrupt", times=None)

    result = nbvc(desktop.root, "pull")

    assert result.returncode == 5
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if "n.ipynb" in x]
    assert line.startswith("failed") and "do not match" in line
    assert (desktop.root / "n.ipynb").read_bytes() == before
    assert objects_in(desktop) == objects
    assert proxy.faults["corrupt"] == 3  # each of the 3 attempts
    figures["downloads damaged on every attempt, nothing written"] += 1


def plain_client(url: str):  # noqa: ANN201
    """A client like another tool's that sends no checksum: the version then has only
    its ETag to be checked by."""
    import boto3

    return boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(request_checksum_calculation="when_required"))


def notebook_bytes(text: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(text)]
    return nbformat.writes(nb).encode()


def test_a_version_another_tool_wrote_is_checked_by_its_etag(tmp_path: Path, moto_server,
                                                              proxy) -> None:
    laptop, desktop = two_machines(tmp_path, moto_server, proxy)
    key = f"{desktop.settings.workspace_prefix}/foreign.ipynb"
    data = notebook_bytes("written by the console")
    plain_client(moto_server.url).put_object(Bucket=desktop.store.bucket, Key=key, Body=data)
    proxy.fault = notebook_gets("corrupt", times=None)

    damaged = nbvc(desktop.root, "fetch")

    assert damaged.returncode == 5 and "do not match the md5" in damaged.stderr
    assert objects_in(desktop) == set()
    assert desktop.index.rows("SELECT * FROM saves") == []

    proxy.fault = notebook_gets("corrupt", times=0)
    assert nbvc(desktop.root, "pull").returncode == 0
    assert (desktop.root / "foreign.ipynb").read_bytes() == data
    [record] = json.loads(nbvc(desktop.root, "log", "foreign.ipynb", "--json").stdout)
    assert record["verified"] is True


def test_a_version_nothing_can_check_is_marked_unverified(tmp_path: Path, moto_server) -> None:
    """A multipart upload without checksums: its ETag is not an MD5 of the bytes."""
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    key = f"{ws.settings.workspace_prefix}/big.ipynb"
    data = notebook_bytes("x" * (6 << 20))
    client = plain_client(moto_server.url)
    upload = client.create_multipart_upload(Bucket=ws.store.bucket, Key=key)["UploadId"]
    parts = []
    for number, piece in enumerate((data[:5 << 20], data[5 << 20:]), start=1):
        etag = client.upload_part(Bucket=ws.store.bucket, Key=key, UploadId=upload,
                                  PartNumber=number, Body=piece)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    client.complete_multipart_upload(Bucket=ws.store.bucket, Key=key, UploadId=upload,
                                     MultipartUpload={"Parts": parts})

    assert nbvc(ws.root, "pull").returncode == 0

    assert (ws.root / "big.ipynb").read_bytes() == data
    [record] = json.loads(nbvc(ws.root, "log", "big.ipynb", "--json").stdout)
    assert record["verified"] is False
    assert "(unverified)" in nbvc(ws.root, "log", "big.ipynb").stdout


def test_s3_client_sees_the_proxy_faults(moto_server, proxy) -> None:
    """The proxy's faults reach a plain client too: the tests above test nbvc, not the proxy."""
    client = s3_client(proxy.url)
    client.create_bucket(Bucket="plain")
    client.put_object(Bucket="plain", Key="a.ipynb", Body=b"0123456789")
    proxy.fault = notebook_gets("corrupt", times=1)
    assert client.get_object(Bucket="plain", Key="a.ipynb")["Body"].read() != b"0123456789"
