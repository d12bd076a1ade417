"""Publishing: a server-side copy of one exact version into the published prefix.

Nothing is downloaded or re-uploaded: CopyObject names the source VersionId. The
published object's metadata records where it came from, so ``published`` can say
which version every published notebook is, from the bucket alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import metadata
from ..errors import ConflictError, NotFound, UsageError
from ..store import ObjectNotFound
from .refs import resolve_ref
from .remote_versions import iso
from .retention import pin
from .sync import push
from .workspace import Workspace, utcnow

if TYPE_CHECKING:
    from ..index.rows import SaveRow

MAX_URL_EXPIRY = 7 * 24 * 3600  # S3's own limit for SigV4 presigned URLs
DEFAULT_URL_EXPIRY = 3600


def pushed_version(workspace: Workspace, rel: str, ref: str | None) -> SaveRow:
    """The index row of the version ``ref`` names (default: the newest), pushing it
    first when it is not yet (publish and tag need a VersionId)."""
    row = resolve_ref(workspace, rel, ref or "latest")
    if row["version_id"] is None:
        report = push(workspace, [str(workspace.abspath(rel))], save_first=False, wait=120)
        if not report.ok:
            details = "; ".join(o.detail for o in report.outcomes if o.detail)
            raise ConflictError(f"{rel}: could not push the version first: {details}")
        row = workspace.index.by_uid(row["uid"]) or row
    return row


def publish(workspace: Workspace, user_path: str, ref: str | None = None) -> dict[str, Any]:
    """Copy one exact version to ``published_prefix/<path>``; unchanged if already there."""
    rel = workspace.relpath(user_path)
    row = pushed_version(workspace, rel, ref)
    target = workspace.published_key(rel)
    store = workspace.store
    result = {
        "path": rel, "sha256": row["sha256"], "source_key": row["key"],
        "source_version_id": row["version_id"], "published_key": target,
        "published_url": store.display_url(target),
    }
    try:
        current = store.head(target)
    except ObjectNotFound:
        current = None
    if current is not None and (meta := metadata.decode(current.metadata)).get("sha256") == row["sha256"]:
        # recorded here if it is not yet: a publish stopped after its copy landed
        workspace.index.insert_publish({
            "path": rel, "sha256": row["sha256"],
            "source_key": meta.get("source-key") or row["key"],
            "source_version_id": meta.get("source-version-id") or row["version_id"],
            "published_key": target, "published_version_id": current.version_id,
            "published_at": meta.get("published-at") or iso(current.last_modified),
            "author": meta.get("published-by") or workspace.settings.user, "state": "published",
        }, once=True)
        return {**result, "status": "unchanged", "published_version_id": current.version_id}
    when = utcnow()
    fields = {"sha256": row["sha256"], "source-key": row["key"],
              "source-version-id": row["version_id"], "published-at": when,
              "published-by": workspace.settings.user}
    pinned = pin(workspace, row["key"], row["version_id"])  # spared by retention
    copied = store.copy(row["key"], row["version_id"], target, metadata=metadata.encode(fields))
    workspace.index.insert_publish({
        "path": rel, "sha256": row["sha256"], "source_key": row["key"],
        "source_version_id": row["version_id"], "published_key": target,
        "published_version_id": copied.version_id, "published_at": when,
        "author": workspace.settings.user, "state": "published",
    })
    return {**result, "status": "published", "published_version_id": copied.version_id,
            "pinned": pinned}


def unpublish(workspace: Workspace, user_path: str) -> dict[str, Any]:
    """Hide the published copy behind a delete marker; its versions stay in the bucket."""
    rel = workspace.relpath(user_path)
    target = workspace.published_key(rel)
    try:
        workspace.store.head(target)
    except ObjectNotFound:
        raise NotFound(f"{rel} is not published ({workspace.store.display_url(target)})") from None
    marker = workspace.store.delete(target)
    workspace.index.insert_publish({
        "path": rel, "sha256": "", "source_key": "", "source_version_id": "",
        "published_key": target, "published_version_id": marker, "published_at": utcnow(),
        "author": workspace.settings.user, "state": "unpublished",
    })
    return {"path": rel, "published_key": target, "delete_marker": marker}


def published(workspace: Workspace) -> list[dict[str, Any]]:
    """Every notebook currently published under the published prefix, from the bucket."""
    store = workspace.store
    prefix = workspace.settings.published_prefix
    found = []
    for version in store.list_versions(f"{prefix}/" if prefix else ""):
        if not version.is_latest or version.is_delete_marker:
            continue
        meta = metadata.decode(store.head(version.key, version.version_id).metadata)
        found.append({
            "published_key": version.key,
            "published_url": store.display_url(version.key),
            "published_version_id": version.version_id,
            "source_key": meta.get("source-key", ""),
            "source_version_id": meta.get("source-version-id", ""),
            "sha256": meta.get("sha256", ""),
            "published_at": meta.get("published-at") or version.last_modified.isoformat(),
            "published_by": meta.get("published-by", ""),
        })
    return found


def presigned_url(workspace: Workspace, user_path: str, ref: str | None = None, *,
                  published_copy: bool = False, expires: int = DEFAULT_URL_EXPIRY) -> dict[str, Any]:
    """A time-limited GET URL of one exact version (of the draft, or the published copy)."""
    if not 1 <= expires <= MAX_URL_EXPIRY:
        raise UsageError(f"--expires must be between 1 and {MAX_URL_EXPIRY} seconds, not {expires}")
    rel = workspace.relpath(user_path)
    if published_copy:
        key = workspace.published_key(rel)
        version_id = ref or workspace.store.head(key).version_id
    else:
        row = resolve_ref(workspace, rel, ref or "latest")
        if row["version_id"] is None:
            raise UsageError(f"{rel}: version {row['sha256'][:8]} is not pushed",
                             hint=f"run 'nbvc push {rel}' first")
        key, version_id = row["key"], row["version_id"]
    url = workspace.store.presign(key, version_id, expires)
    return {"path": rel, "key": key, "version_id": version_id, "expires_in": expires, "url": url}
