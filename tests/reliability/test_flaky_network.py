"""A fault-injecting proxy between nbvc and the S3 server: 503 SlowDown, 500,
connection resets (before and after the server did the work) and stalls."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nbvc.core import publish as pub
from nbvc.core import sync
from nbvc.errors import RemoteError

from ..conftest import write_notebook
from ..faultproxy import FaultProxy, random_faults
from .conftest import repetitions
from .helpers import audit, fresh_workspace

FAULTS = ["503", "500", "reset", "reset-before", "stall"]


@pytest.fixture
def flaky(moto_server):  # noqa: ANN201
    with FaultProxy(moto_server.port, random_faults(0.25, FAULTS, seed=7), stall_s=0.3) as proxy:
        yield proxy


def test_push_fetch_pull_and_publish_all_finish_through_faults(tmp_path: Path, moto_server, flaky,
                                                                  figures, request) -> None:  # noqa: ANN001
    count = repetitions(request.config, 12, 30)  # notebooks; a third of them saved twice
    ws = fresh_workspace(tmp_path / "a", moto_server.url, endpoint=flaky.url)
    ws.update_settings({"retries": 10})
    for i in range(count):
        write_notebook(ws.root / f"n{i}.ipynb", str(i))
    assert sync.push(ws).ok
    for i in range(0, count, 3):
        write_notebook(ws.root / f"n{i}.ipynb", f"second {i}")
    assert sync.push(ws).ok
    published = pub.publish(ws, str(ws.root / "n0.ipynb"), "~1")
    other = fresh_workspace(tmp_path / "b", moto_server.url, endpoint=flaky.url,
                            bucket=ws.store.bucket, host="desktop")
    other.update_settings({"retries": 10})
    fetched, outcomes = sync.pull(other)
    assert fetched.learned == count + count // 3 and all(o.status == "updated" for o in outcomes)
    for i in range(count):
        assert (other.root / f"n{i}.ipynb").read_bytes() == (ws.root / f"n{i}.ipynb").read_bytes()
    data = ws.store.get(published["published_key"], published["published_version_id"])
    assert hashlib.sha256(data).hexdigest() == published["sha256"]
    figures["faults injected"] += sum(flaky.faults.values())
    figures["requests through the faulty proxy"] += sum(flaky.counts.values())
    audit(ws, figures)


def test_a_server_that_stays_down_gives_a_clear_error_and_keeps_the_saves(tmp_path: Path,
                                                                           moto_server) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    with FaultProxy(moto_server.port, lambda method, path: "503") as down:
        ws.update_settings({"endpoint_url": down.url, "retries": 3})
        write_notebook(ws.root / "a.ipynb", "kept")
        started = time.monotonic()
        report = sync.push(ws)
        assert time.monotonic() - started < 30  # bounded retries
    assert [o.status for o in report.outcomes] == ["failed"]
    assert "SlowDown" in report.outcomes[0].detail
    assert len(ws.index.pending()) == 1
    ws.update_settings({"endpoint_url": moto_server.url})
    assert sync.push(ws).ok


def test_the_cli_says_what_failed_in_one_line_when_the_server_is_down(tmp_path: Path,
                                                                       moto_server) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    with FaultProxy(moto_server.port, lambda method, path: "500") as down:
        ws.update_settings({"endpoint_url": down.url, "retries": 2})
        write_notebook(ws.root / "a.ipynb", "1")
        result = subprocess.run([sys.executable, "-m", "nbvc", "push"], cwd=ws.root,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 5
    assert "failed a.ipynb" in result.stderr and "Traceback" not in result.stderr


def test_fetch_fails_cleanly_when_listing_keeps_failing(tmp_path: Path, moto_server) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    with FaultProxy(moto_server.port, lambda method, path: "503") as down:
        ws.update_settings({"endpoint_url": down.url, "retries": 2})
        with pytest.raises(RemoteError, match="listing"):
            sync.fetch(ws)


def test_the_jupyter_hook_uploads_every_save_through_faults(tmp_path: Path, moto_server,
                                                            figures) -> None:
    from ..jupyterserver import JupyterServer, wait_until

    ws = fresh_workspace(tmp_path / "root", moto_server.url)
    bucket = ws.store.bucket
    ws.close()
    with FaultProxy(moto_server.port, random_faults(0.3, FAULTS, seed=3), stall_s=0.2) as proxy:
        config = f"""
c.FileContentsManager.post_save_hook = "nbvc.jupyter.post_save_hook"
c.NbvcSettings.s3_endpoint_url = "{proxy.url}"
c.NbvcSettings.retry_delay_max = 1
"""
        jupyter = JupyterServer(ws.root, config).start()
        try:
            for n in range(15):
                nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": f"save {n}",
                                 "id": f"c{n}"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                assert jupyter.save("flaky.ipynb", nb).status_code in (200, 201)
            key = "workspace/kylek/flaky.ipynb"
            client = ws.store.client

            def all_pushed() -> bool:
                found = client.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
                return len(found) == 15
            wait_until(all_pushed, timeout=90, what="15 versions through the faulty proxy")
            latest = json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())
            assert "".join(latest["cells"][0]["source"]) == "save 14"
        finally:
            jupyter.stop()
        figures["faults injected"] += sum(proxy.faults.values())
