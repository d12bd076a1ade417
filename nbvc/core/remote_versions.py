"""Remote versions as index rows: described from their metadata, or sketched from a
listing alone and described on first use.

Every pushed save carries its metadata (content hash, save id, parent, time,
author, host, message), so the bucket alone can rebuild history. Reading it costs
one HEAD per version; a listing gives a thousand versions per request. So
``fetch`` describes what it must at once (each notebook's latest version, delete
markers, and versions that may be this workspace's own saves) and records the
rest as *sketches*: VersionId, ETag, size and time, no hash yet. History is then
complete in order and VersionIds; a sketch's metadata is read (one HEAD, in
parallel) the first time a command needs it, like a partial clone in git.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from .. import metadata
from ..digest import digest_bytes
from ..store import ObjectVersion

if TYPE_CHECKING:
    from ..index.rows import SaveRow
    from .workspace import Workspace

#: the sha256 of a sketch: not known until its metadata is read
UNKNOWN = ""
#: what a version's ``origin`` may say (see :data:`nbvc.index.KINDS`); anything else
#: another tool wrote there is ignored
ORIGINS = ("checkpoint", "restore", "rename", "run")


def save_metadata(row: SaveRow) -> dict[str, str]:
    """Object metadata of a pushed save (see :mod:`nbvc.metadata`)."""
    return metadata.encode({
        "sha256": row["sha256"],
        "save-id": row["uid"],
        "parent": row["parent_uid"] or "",
        "merge-parent": row.get("merge_parent_uid") or "",
        "saved-at": row["saved_at"],
        "author": row["author"],
        "host": row["host"],
        "message": row["message"] or "",
        "origin": row.get("origin") or "",
    })


read_metadata = metadata.decode


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def listed_row(rel: str, version: ObjectVersion) -> SaveRow:
    """What the listing alone says of a version: a sketch (or a delete marker)."""
    modified = iso(version.last_modified)
    row = {"path": rel, "key": version.key, "version_id": version.version_id,
           "etag": version.etag, "pushed_at": modified, "saved_at": modified,
           "size": version.size, "parent_uid": None, "message": None}
    if version.is_delete_marker:
        return {**row, "uid": f"delete:{version.version_id}", "kind": "delete", "sha256": "",
                "md5": "", "size": 0, "author": "", "host": ""}
    return {**row, "uid": f"s3:{version.version_id}", "kind": "save", "sha256": UNKNOWN,
            "md5": version.etag, "author": "", "host": ""}


def describe(workspace: Workspace, row: SaveRow) -> None:
    """Complete a sketch, in place, from its version's metadata (one HEAD). A version
    written by another tool has no hash in its metadata: its bytes are fetched once
    and kept."""
    meta = read_metadata(workspace.store.head(row["key"], row["version_id"]).metadata)
    row.update({
        "uid": meta.get("save-id") or f"s3:{row['version_id']}",
        "sha256": meta.get("sha256") or _download_and_hash(workspace, row),
        "saved_at": meta.get("saved-at") or row["saved_at"],
        "author": meta.get("author", "unknown"),
        "host": meta.get("host", "unknown"),
        "parent_uid": meta.get("parent") or None,
        "merge_parent_uid": meta.get("merge-parent") or None,
        "message": meta.get("message") or None,
        "origin": meta.get("origin") if meta.get("origin") in ORIGINS else None,
    })


def _download_and_hash(workspace: Workspace, row: SaveRow) -> str:
    """The sha256 of a version nbvc did not write, from its bytes, which are kept only
    when the store's ETag or checksums verified them on the way; a version nothing
    could verify is recorded as ``unverified`` (the log says so)."""
    download = workspace.store.read(row["key"], row["version_id"])
    digest = digest_bytes(download.data)
    workspace.objects.ingest_bytes(download.data, digest)
    row["unverified"] = int(not download.verified_by)
    return digest.sha256


def describe_all(workspace: Workspace, rows: list[dict[str, Any]], jobs: int | None = None) -> None:
    """:func:`describe` each sketch, in parallel."""
    if not rows:
        return
    workers = max(1, min(jobs or workspace.settings.jobs, len(rows)))
    with ThreadPoolExecutor(workers, thread_name_prefix="nbvc-describe") as pool:
        list(pool.map(lambda row: describe(workspace, row), rows))


def nudged(when: str, microseconds: int) -> str:
    """An index time moved by a few microseconds (to order two versions)."""
    moved = datetime.fromisoformat(when) + timedelta(microseconds=microseconds)
    return moved.isoformat(timespec="microseconds")


def keep_order(rows: list[dict[str, Any]]) -> None:
    """Keep each sketch of one key (listed newest first, timed by the server) older
    than the version listed above it, whose time may come from the saving machine's
    clock: history is ordered by time."""
    newer: str | None = None
    for row in rows:
        if row["sha256"] == UNKNOWN and newer is not None and row["saved_at"] >= newer:
            row["saved_at"] = nudged(newer, -1)
        newer = row["saved_at"]


def complete(workspace: Workspace, rel: str | None = None, jobs: int | None = None) -> int:
    """Read the metadata of every sketch (of one notebook, or all); returns how many."""
    sketches = workspace.index.sketches(rel)
    if not sketches:
        return 0
    describe_all(workspace, sketches, jobs)
    for row in sketches:
        workspace.index.complete_sketch(row)
    return len(sketches)
