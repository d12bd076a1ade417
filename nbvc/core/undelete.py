"""Deleted notebooks: ``nbvc deleted`` lists the notebooks whose latest version in the
bucket is a delete marker (deleted in Jupyter, on another machine, in the console);
``nbvc undelete`` brings one back.

A delete marker hides a notebook's versions; it removes none. Undeleting writes the
version the marker hides (or any version named) into the working file, records it
as a new save and pushes it, so the bucket's latest is a real version again. It
never writes over a file that is there: a different file at that path is refused,
identical bytes are only recorded.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import digest_bytes
from ..errors import ConflictError, NbvcError, NotFound, UsageError, WorkspaceError
from ..notebook import SUFFIX, digest_file
from .records import version_record
from .refs import resolve_ref
from .remote_versions import UNKNOWN, describe
from .sync import fetch, push
from .workspace import Workspace

if TYPE_CHECKING:
    from ..index.rows import SaveRow


def _described(workspace: Workspace, row: SaveRow | None) -> SaveRow | None:
    """``row`` with its metadata read, when fetch listed it without (one HEAD)."""
    if row is None or row["sha256"] != UNKNOWN:
        return row
    filled = dict(row)
    describe(workspace, filled)  # type: ignore[arg-type]
    workspace.index.complete_sketch(filled)
    return workspace.index.version(row["key"], row["version_id"]) or row  # type: ignore[arg-type]


def _record(workspace: Workspace, entry: dict[str, Any]) -> dict[str, Any]:
    """One deleted notebook, as ``nbvc deleted --json`` documents it (docs/cli.md)."""
    remote, marker, last = entry["remote"], entry["marker"], entry["last"]
    try:
        here = os.path.lexists(workspace.abspath(remote["path"]))
    except NbvcError:  # a key no file here may hold (fetch refuses those): nothing is there
        here = False
    return {
        "path": remote["path"],
        "key": remote["key"],
        "deleted_at": marker["saved_at"] if marker else None,
        "deleted_by": (marker["author"] or None) if marker else None,  # None: unknown
        "deleted_on": (marker["host"] or None) if marker else None,
        "delete_marker": remote["version_id"],
        "last_short": (last["sha256"][:8] or None) if last else None,
        "last_sha256": (last["sha256"] or None) if last else None,
        "last_version_id": last["version_id"] if last else None,
        "last_saved_at": last["saved_at"] if last else None,
        "last_author": (last["author"] or None) if last else None,
        "working_file": here,
        "fetched_at": remote["fetched_at"],
    }


def deleted(workspace: Workspace, *, fetch_first: bool = True) -> list[dict[str, Any]]:
    """Every notebook whose latest version in the bucket is a delete marker, by path.

    ``fetch_first`` (the default) lists the bucket first, so the answer is the
    bucket's; off, it is the last fetch's (each record's ``fetched_at`` says when),
    and nothing touches the network.
    """
    if fetch_first:
        fetch(workspace)
    entries = workspace.index.deleted_remotely()
    if fetch_first:
        for entry in entries:
            entry["last"] = _described(workspace, entry["last"])
    return [_record(workspace, entry) for entry in entries]


def undelete(workspace: Workspace, user_path: str, ref: str | None = None, *,
             wait: float = 0.0) -> dict[str, Any]:
    """Bring a deleted notebook back: the version its delete marker hides (or the
    version ``ref`` names) is written to the working file, recorded as a new save and
    pushed, so the bucket's latest is a real version again.

    Raises :class:`UsageError` for a notebook that is not deleted in the bucket,
    :class:`NotFound` for one the bucket never had, :class:`ConflictError` when a
    different file is at the path (never overwritten). A push that cannot land (the
    bucket is down, someone recreated the notebook meanwhile) leaves the save pending
    here: the result's ``status`` is then ``pending`` and ``detail`` says why.
    """
    rel = workspace.relpath(user_path)
    if not rel.endswith(SUFFIX):
        raise UsageError(f"{rel}: not a notebook (nbvc versions .ipynb files)")
    dest = workspace.abspath(rel)  # refuses paths into .nbvc/, .ipynb_checkpoints/, outside
    fetch(workspace, [str(dest)])
    index = workspace.index
    entries = index.deleted_remotely(rel)
    if not entries:
        remote = index.remote_latest(rel)
        if remote is not None:
            raise UsageError(f"{rel} is not deleted: its latest version in the bucket is "
                             f"{remote['version_id']}", hint=f"see 'nbvc log {rel}'")
        if index.count_saves(rel):
            raise UsageError(f"{rel} is not deleted: it was never pushed",
                             hint=f"see 'nbvc log {rel}'")
        raise NotFound(f"{rel}: the bucket has no such notebook, nothing to undelete",
                       hint="see 'nbvc deleted'")
    entry = entries[0]
    marker = entry["remote"]["version_id"]
    target = resolve_ref(workspace, rel, ref) if ref is not None else _described(workspace, entry["last"])
    if target is None:
        raise NotFound(f"{rel}: no version before its delete marker {marker} is known",
                       hint=f"name one with --version (see 'nbvc log {rel}')")
    data = workspace.version_bytes(target)  # verified by its sha256; kept as an object
    digest = digest_bytes(data)
    written = _write_new(workspace, rel, dest, data, digest.sha256)
    index.shelve_pending(rel)  # older unpushed saves stay in history, never pushed over it
    index.forget_head(rel)  # the key's latest is a marker: pushed as a new key's first version
    from_what = target["version_id"] or target["sha256"][:8]
    saved = workspace.record_digest(rel, digest, f"undeleted from {from_what}", force=True,
                                    stat=dest.stat(), origin="restore")
    try:
        report = push(workspace, [str(dest)], save_first=False, wait=wait)
        outcome = next((o for o in report.outcomes if o.path == rel and o.sha256 == digest.sha256),
                       None)
        status, detail = (outcome.status, outcome.detail) if outcome else ("failed", "not pushed")
    except NbvcError as exc:  # the bucket is down, another push holds the lock: the save waits
        status, detail = ("busy" if isinstance(exc, WorkspaceError) else "failed"), exc.message
    row = index.by_uid(saved.version["uid"]) or saved.version
    pushed = status in ("uploaded", "adopted")
    return {
        "path": rel,
        "status": "undeleted" if pushed else "pending",
        "restored": target["sha256"],
        "short": target["sha256"][:8],
        "restored_version_id": target["version_id"],
        "delete_marker": marker,
        "written": written,
        "version_id": row["version_id"],
        "version": version_record(row, index.version_names()),
        "detail": "" if pushed else detail if status == "conflict" else
                  f"{detail}; 'nbvc push {rel}' sends it",
        "push_status": status,
    }


def _write_new(workspace: Workspace, rel: str, dest: Path, data: bytes, sha256: str) -> bool:
    """Write the version where no file is (True); identical bytes there: nothing to write
    (False); anything else there is refused, untouched."""
    from ..files import write_atomic

    in_the_way = ConflictError(
        f"{rel}: a different file is already there; not overwritten",
        hint=f"move it away and undelete again, or 'nbvc push --force {rel}' to make it "
             "the latest version in the bucket")
    if dest.is_symlink() or dest.exists():
        if dest.is_file() and not dest.is_symlink() and digest_file(dest).sha256 == sha256:
            return False
        raise in_the_way
    try:
        write_atomic(dest, data, inside=workspace.root, replace=False)
    except FileExistsError:  # one appeared meanwhile: it stays as it is
        raise in_the_way from None
    return True
