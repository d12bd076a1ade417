"""Shared checks of the reliability suite."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from nbvc.workspace import Workspace

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
