"""The documented JSON shapes nbvc hands to scripts and to the Jupyter extension."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..index.rows import SaveRow


def version_record(row: SaveRow) -> dict[str, Any]:
    """One version, with the stable field names documented in docs/cli.md."""
    return {
        "path": row["path"],
        "short": row["sha256"][:8] or None,  # None: fetched, metadata not read yet
        "sha256": row["sha256"] or None,
        "size": row["size"],
        "saved_at": row["saved_at"],
        "author": row["author"],
        "host": row["host"],
        "message": row["message"],
        "kind": "merge" if row.get("merge_parent_uid") else row["kind"],
        "save_id": row["uid"],
        "parent_save_id": row["parent_uid"],
        "merge_parent_save_id": row.get("merge_parent_uid"),
        "pushed": row["version_id"] is not None,
        "key": row["key"],
        "version_id": row["version_id"],
        "pushed_at": row["pushed_at"],
        "verified": not row.get("unverified"),
    }
