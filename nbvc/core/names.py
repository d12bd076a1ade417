"""Named versions: ``nbvc tag`` gives one pushed version of a notebook a name,
``nbvc tag --delete`` takes it away, ``nbvc tags`` lists them. A name is a version
ref everywhere a ref is taken (:mod:`nbvc.core.refs`); it lives in the bucket (see
:mod:`nbvc.core.name_records`), so another machine sees it after ``nbvc fetch``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..digest import digest_bytes
from ..errors import ConflictError, NotFound, UsageError
from ..keys import name_key
from ..store import ObjectNotFound, PreconditionFailed
from .name_records import NAME_RULES, check_name, looks_like_name, parse_record, record_body
from .publish import pushed_version
from .records import name_record
from .retention import pin
from .workspace import Workspace, utcnow

if TYPE_CHECKING:
    from ..index.rows import NameRow
    from ..store import ObjectVersion


def _current(workspace: Workspace, record_key: str) -> tuple[ObjectVersion | None, dict[str, Any] | None]:
    """The record's current version in the bucket and its fields (None, None: no record)."""
    store = workspace.store
    try:
        current = store.head(record_key)
        return current, parse_record(store.get(record_key, current.version_id))
    except ObjectNotFound:
        return None, None


def tag(workspace: Workspace, user_path: str, name: str, ref: str | None = None, *,
        force: bool = False) -> dict[str, Any]:
    """Name the version ``ref`` names (default: the newest) ``name``, pushing it first
    if it is not yet. A name that names another version moves only with ``force``."""
    check_name(name)
    rel = workspace.relpath(user_path)
    row = pushed_version(workspace, rel, ref)
    index = workspace.index
    mine = index.by_uid(name)
    if index.version_of(rel, name) is not None or (mine is not None and mine["path"] == rel):
        raise UsageError(f"bad name {name!r}: it is a VersionId of {rel} already",
                         hint=NAME_RULES)
    record_key = name_key(row["key"], name)
    current, previous = _current(workspace, record_key)
    fields: NameRow = {
        "path": rel, "name": name, "key": row["key"], "version_id": row["version_id"],
        "sha256": row["sha256"], "tagged_at": utcnow(), "tagged_by": workspace.settings.user,
        "record_key": record_key, "record_version_id": "",
    }
    result = {"path": rel, "name": name, "short": row["sha256"][:8], "previous_version_id": None,
              "record_url": workspace.store.display_url(record_key)}
    if current is not None:
        if previous is not None and previous["version_id"] == row["version_id"]:
            kept: NameRow = {**fields, "tagged_at": str(previous.get("tagged_at") or ""),
                             "tagged_by": str(previous.get("tagged_by") or ""),
                             "record_version_id": current.version_id}
            index.set_name(kept)
            return {**result, **_public(kept), "status": "unchanged"}
        if not force:
            hint = f"add --force to move it to {row['sha256'][:8]}, or choose another name"
            if previous is None:
                raise UsageError(f"{rel}: the name {name!r} has a record nbvc cannot read "
                                 f"({workspace.store.display_url(record_key)})", hint=hint)
            was = str(previous.get("sha256") or "")[:8] or previous["version_id"]
            raise UsageError(
                f"{rel}: the name {name!r} names version {was} ({previous['version_id']}) already",
                hint=hint)
        result["previous_version_id"] = previous["version_id"] if previous else None
    body = record_body(fields)
    store = workspace.store
    result["pinned"] = pin(workspace, row["key"], row["version_id"])  # spared by retention
    condition: dict[str, Any] = {}
    if store.conditional_writes:
        condition = {"if_match": current.etag} if current is not None else {"if_none_match": True}
    try:
        written = store.put(record_key, body, sha256=digest_bytes(body).sha256, **condition)
    except (PreconditionFailed, ObjectNotFound):
        raise ConflictError(f"{rel}: the name {name!r} changed in the bucket meanwhile",
                            hint="run 'nbvc fetch', then tag again") from None
    fields["record_version_id"] = written.version_id
    index.set_name(fields)
    status = "moved" if current is not None else "tagged"
    return {**result, **_public(fields), "status": status}


def _public(row: NameRow) -> dict[str, Any]:
    return {**name_record(row), "record_key": row["record_key"]}


def untag(workspace: Workspace, user_path: str, name: str) -> dict[str, Any]:
    """Take ``name`` away: its record is hidden behind a delete marker (the bucket's
    versioning keeps its history); the version it named is untouched."""
    if not looks_like_name(name):
        check_name(name)  # says what is wrong with it
    rel = workspace.relpath(user_path)
    index = workspace.index
    known = index.name(rel, name)
    record_key = known["record_key"] if known else name_key(workspace.key(rel), name)
    current, previous = _current(workspace, record_key)
    if current is None:
        index.delete_name(rel, name)
        raise NotFound(f"{rel}: no version is named {name!r}",
                       hint=f"see 'nbvc tags {rel}' (after 'nbvc fetch' for other machines' names)")
    marker = workspace.store.delete(record_key)
    index.delete_name(rel, name)
    previous = previous or {}
    return {"path": rel, "name": name, "status": "deleted",
            "version_id": previous.get("version_id") or (known or {}).get("version_id"),
            "sha256": previous.get("sha256") or (known or {}).get("sha256"),
            "record_key": record_key, "delete_marker": marker}


def tags(workspace: Workspace, user_path: str | None = None) -> list[dict[str, Any]]:
    """Every name this workspace knows (written here, or learned by ``nbvc fetch``),
    of one notebook or all, by path and name; the index alone is read."""
    rel = workspace.relpath(user_path) if user_path is not None else None
    return [name_record(row) for row in workspace.index.names(rel)]

