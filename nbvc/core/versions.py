"""Reading versions back: show, restore, and the two sides of a diff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..digest import Digest
from ..errors import NotFound
from .refs import resolve_ref
from .workspace import Workspace


@dataclass(frozen=True)
class Side:
    """One side of a diff: a label people can read and the notebook's bytes."""

    label: str
    data: bytes


def show(workspace: Workspace, user_path: str, ref: str | None = None) -> tuple[dict[str, Any], bytes]:
    """A version's row and exact bytes (default: the newest version)."""
    rel = workspace.relpath(user_path)
    row = resolve_ref(workspace, rel, ref or "latest")
    return row, workspace.version_bytes(row)


def restore(workspace: Workspace, user_path: str, ref: str, message: str | None = None
            ) -> dict[str, Any]:
    """Bring an old version back as the working file, itself recorded as a new save.

    The current working file is saved first (even if it is not a valid notebook),
    so restoring never loses it.
    """
    rel = workspace.relpath(user_path)
    target = resolve_ref(workspace, rel, ref)
    kept = workspace.preserve(rel, f"saved by nbvc before restoring {target['sha256'][:8]}")
    workspace.replace_working_file(rel, target)  # verified: its bytes are the target's
    digest = Digest(target["sha256"], target["md5"], target["size"])
    result = workspace.record_digest(rel, digest, message or f"restored {target['sha256'][:8]}",
                                     stat=workspace.abspath(rel).stat(), origin="restore")
    return {
        "path": rel,
        "restored": target["sha256"],
        "restored_version_id": target["version_id"],
        "status": result.status,
        "saved_first": kept.version["sha256"] if kept and kept.status == "saved" else None,
    }


def diff_sides(workspace: Workspace, user_path: str, ref_a: str | None = None,
               ref_b: str | None = None) -> tuple[Side, Side]:
    """What to compare: by default the newest version against the working file."""
    rel = workspace.relpath(user_path)

    def version(ref: str) -> Side:
        row = resolve_ref(workspace, rel, ref)
        return Side(f"{rel}@{row['sha256'][:8]}", workspace.version_bytes(row))

    a = version(ref_a or "latest")
    if ref_b is not None:
        return a, version(ref_b)
    path = workspace.abspath(rel)
    if not path.is_file():
        raise NotFound(f"{rel}: no working file to compare with", hint="name two versions")
    return a, Side(f"{rel} (working file)", path.read_bytes())
