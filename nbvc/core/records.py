"""The documented JSON shapes nbvc hands to scripts and to the Jupyter extension."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..index import version_kind

if TYPE_CHECKING:
    from ..index.rows import NameRow, PublishRow, SaveRow


def version_record(row: SaveRow, names: dict[tuple[str, str], list[str]] | None = None
                   ) -> dict[str, Any]:
    """One version, with the stable field names documented in docs/cli.md; ``names``:
    the index's names of versions (:meth:`nbvc.index.Index.version_names`)."""
    return {
        "path": row["path"],
        "short": row["sha256"][:8] or None,  # None: fetched, metadata not read yet
        "sha256": row["sha256"] or None,
        "size": row["size"],
        "saved_at": row["saved_at"],
        "author": row["author"],
        "host": row["host"],
        "message": row["message"],
        "kind": version_kind(row),
        "save_id": row["uid"],
        "parent_save_id": row["parent_uid"],
        "merge_parent_save_id": row.get("merge_parent_uid"),
        "pushed": row["version_id"] is not None,
        "key": row["key"],
        "version_id": row["version_id"],
        "pushed_at": row["pushed_at"],
        "verified": not row.get("unverified"),
        "names": (names or {}).get((row["key"], row["version_id"]), []),
    }


def name_record(row: NameRow) -> dict[str, Any]:
    """One named version (``nbvc tags --json``), as documented in docs/cli.md."""
    return {
        "path": row["path"],
        "name": row["name"],
        "short": row["sha256"][:8] or None,
        "sha256": row["sha256"] or None,
        "key": row["key"],
        "version_id": row["version_id"],
        "tagged_at": row["tagged_at"],
        "tagged_by": row["tagged_by"],
    }


def publishes_by_version(rows: list[PublishRow]) -> dict[str, list[dict[str, Any]]]:
    """The publishes made from each version (by VersionId), as ``nbvc log --json``'s
    ``published`` field lists them."""
    found: dict[str, list[dict[str, Any]]] = {}
    for p in rows:
        if p["state"] == "published":
            found.setdefault(p["source_version_id"], []).append(
                {"published_key": p["published_key"],
                 "published_version_id": p["published_version_id"],
                 "published_at": p["published_at"]})
    return found
