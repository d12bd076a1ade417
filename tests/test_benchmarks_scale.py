"""The scale scenario's rig: LocalStack's S3 installed from the pinned requirements,
on loopback only, and the scenario as benchmarks/README.md runs it, end to end on a
small bucket (no timings are asserted).

Installing LocalStack takes about a minute, so these run with ``--localstack``:
scripts/test.sh runs them after the suite."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.localstack import S3_BODIES, VERSION, LocalStackServer

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.localstack


def listening_addresses(port: int) -> set[str]:
    """The IPv4 and IPv6 addresses a socket listens on at ``port`` (from /proc/net)."""
    found = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            _, local, _, state = line.split()[:4]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_localstack_serves_versioned_s3_on_loopback_only(tmp_path: Path) -> None:
    from nbvc.store.s3 import make_client

    bodies_before = S3_BODIES.exists()
    server = LocalStackServer(tmp_path / "work").start()
    try:
        assert listening_addresses(server.port) == {"0100007F"}  # 127.0.0.1, nothing else
        client = make_client(server.url, "us-east-1")
        client.create_bucket(Bucket="kept")
        client.put_bucket_versioning(Bucket="kept", VersioningConfiguration={"Status": "Enabled"})
        ids = [client.put_object(Bucket="kept", Key="n.ipynb", Body=b"v%d" % n)["VersionId"]
               for n in range(3)]
        listed = client.list_object_versions(Bucket="kept")["Versions"]
        assert [v["VersionId"] for v in listed] == ids[::-1]  # newest first
        assert client.get_object(Bucket="kept", Key="n.ipynb", VersionId=ids[0])["Body"].read() == b"v0"
    finally:
        server.stop()
    assert server.process is None and not listening_addresses(server.port)
    assert S3_BODIES.exists() == bodies_before  # the bodies it kept went with it


def test_the_scale_scenario_runs_on_localstack(tmp_path: Path) -> None:
    bodies_before = S3_BODIES.exists()
    out = tmp_path / "scale.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--only", "scale",
         "--scale-versions", "300", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(out.with_suffix(".json").read_text())
    scenario = "scale, 300 remote versions of 3 notebooks"
    timed = {row["tool"] for row in report["rows"] if row["scenario"] == scenario and row["seconds"]}
    assert {"nbvc fetch", "nbvc log (workspace)"} <= timed
    if shutil.which("aws"):
        assert "aws s3api list-object-versions" in timed
        assert [c["target"] for c in report["ratios"]] == ["<= 1.5 x list-object-versions"]
    assert report["facts"]["scale server"].startswith(f"LocalStack {VERSION}")
    assert f"{scenario}: fetch peak RSS MB" in report["facts"]
    assert S3_BODIES.exists() == bodies_before


def test_the_documented_check_of_the_server_starts_and_stops_it() -> None:
    result = subprocess.run([sys.executable, "-m", "benchmarks.localstack"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"LocalStack {VERSION} answered on http://127.0.0.1:" in result.stdout
    port = int(result.stdout.rsplit(":", 1)[1].split(";")[0])
    assert not listening_addresses(port)
