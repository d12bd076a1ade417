"""Shared checks of the reliability suite."""

from __future__ import annotations

import contextlib
import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from nbvc.core.workspace import Workspace

from ..conftest import make_bucket, s3_client


def fresh_workspace(root: Path, server_url: str, *, endpoint: str | None = None,
                    bucket: str | None = None, host: str = "laptop") -> Workspace:
    root.mkdir(parents=True, exist_ok=True)
    bucket = bucket or make_bucket(s3_client(server_url))
    ws, _ = Workspace.init(root, {"remote": f"s3://{bucket}", "endpoint_url": endpoint or server_url,
                                  "user": "kylek", "host": host})
    return ws


def audit(ws: Workspace, figures: Counter[str] | None = None) -> None:
    """Every save is in the bucket exactly once with its sha256; the index equals the bucket."""
    saves = ws.index.rows("SELECT * FROM saves WHERE kind='save'")
    unpushed = [r for r in saves if r["version_id"] is None]
    bucket: dict[str, list[str]] = {}
    for version in ws.store.list_versions(ws.settings.workspace_prefix + "/"):
        if not version.is_delete_marker:
            bucket.setdefault(version.key, []).append(version.version_id)
    duplicates = 0
    for key, ids in bucket.items():
        mine = [r["version_id"] for r in saves if r["key"] == key]
        duplicates += len(ids) - len(set(mine) & set(ids))
        assert sorted(ids) == sorted(mine), f"{key}: bucket {len(ids)} versions, index {len(mine)}"
    for row in saves:
        data = ws.store.get(row["key"], row["version_id"])
        assert hashlib.sha256(data).hexdigest() == row["sha256"], f"{row['path']}: wrong bytes"
    assert ws.index.integrity_ok()
    if figures is not None:
        figures["saves made"] += len(saves)
        figures["saves lost"] += len(unpushed)
        figures["duplicate versions"] += duplicates
    assert not unpushed, f"{len(unpushed)} saves never reached the bucket"


STAGES = {"saving": "SELECT count(*) FROM saves",
          "uploading": "SELECT count(*) FROM saves WHERE version_id IS NOT NULL"}


def kill_mid_push(root: Path, stage: str, after: int) -> None:
    """Start ``nbvc push`` in ``root`` and kill -9 it in the middle of its work: once its
    index holds ``after`` more saves (``stage`` "saving") or pushed saves
    ("uploading") than when it started, while it still runs. A push that finished
    before that moment fails the test: it would prove nothing about a crash."""
    db = root / ".nbvc" / "index.db"

    def done() -> int:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as conn:
            return int(conn.execute(STAGES[stage]).fetchone()[0])

    start = done()
    process = subprocess.Popen([sys.executable, "-m", "nbvc", "push", "--jobs", "8"], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while done() < start + after:
        assert process.poll() is None, f"push finished before {after} {stage}: nothing to kill"
        assert time.monotonic() < deadline, f"push did not reach {after} {stage} in 120 s"
        time.sleep(0.002)  # polling the condition, not waiting a fixed time
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "push had finished before the kill"
