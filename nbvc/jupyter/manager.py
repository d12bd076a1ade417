"""A contents manager that archives every notebook save, with nbvc-backed checkpoints.

``c.ServerApp.contents_manager_class = "nbvc.jupyter.NbvcContentsArchiver"`` (or
bookstore's name, ``BookstoreContentsArchiver``). JupyterLab's "Revert Notebook to
Checkpoint" then lists the notebook's nbvc versions and restores any of them.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any

from jupyter_server.services.contents.checkpoints import AsyncCheckpoints
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError
from traitlets import Integer, default

from ..errors import NbvcError, NotFound
from ..versions import restore
from .archive import Archive, post_save_hook

ROUTE_SAFE = re.compile(r"[\w-]+")


def checkpoint_id(save_uid: str) -> str:
    """Checkpoint ids must match ``[\\w-]+`` in the REST routes; save ids mostly do."""
    return save_uid if ROUTE_SAFE.fullmatch(save_uid) else "x" + save_uid.encode().hex()


def save_uid(checkpoint: str) -> str:
    if checkpoint.startswith("x") and re.fullmatch(r"x[0-9a-f]+", checkpoint) and len(checkpoint) % 2:
        try:
            return bytes.fromhex(checkpoint[1:]).decode()
        except (ValueError, UnicodeDecodeError):
            pass
    return checkpoint


def _model(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": checkpoint_id(row["uid"]), "last_modified": datetime.fromisoformat(row["saved_at"])}


class NbvcCheckpoints(AsyncCheckpoints):
    """Checkpoints are nbvc versions: created by saving, restored by ``nbvc restore``."""

    limit = Integer(50, help="How many versions JupyterLab's revert dialog lists").tag(config=True)

    def _archive(self) -> Archive:
        return Archive.for_manager(self.parent)

    def _os_path(self, path: str) -> str:
        return str(self._archive().workspace.root / path.strip("/"))

    async def create_checkpoint(self, contents_mgr: Any, path: str) -> dict[str, Any]:
        archive = Archive.for_manager(contents_mgr)
        result = archive.record(self._os_path(path), "checkpoint")
        if result is None or not result.version:
            raise HTTPError(404, f"{path}: no such notebook")
        return _model(result.version)

    async def list_checkpoints(self, path: str) -> list[dict[str, Any]]:
        if not path.endswith(".ipynb"):
            return []
        index = self._archive().workspace.index
        rows = index.rows("SELECT * FROM saves WHERE path=? AND kind != 'delete' "
                          "ORDER BY saved_at DESC, id DESC LIMIT ?", [path.strip("/"), self.limit])
        return [_model(r) for r in rows]

    async def restore_checkpoint(self, contents_mgr: Any, checkpoint_id: str, path: str) -> None:
        archive = Archive.for_manager(contents_mgr)
        try:
            await asyncio.to_thread(restore, archive.workspace, self._os_path(path),
                                    save_uid(checkpoint_id))
        except NotFound as exc:
            raise HTTPError(404, exc.message) from None
        except NbvcError as exc:
            raise HTTPError(400, exc.message) from None
        archive.uploader.notify()

    async def rename_checkpoint(self, checkpoint_id: str, old_path: str, new_path: str) -> None:
        await self.rename_all_checkpoints(old_path, new_path)

    async def rename_all_checkpoints(self, old_path: str, new_path: str) -> None:
        self._archive().follow_rename(old_path.strip("/"), new_path.strip("/"))

    async def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        raise HTTPError(400, "nbvc versions are immutable: a checkpoint cannot be deleted")

    async def delete_all_checkpoints(self, path: str) -> None:
        self._archive().follow_delete(path.strip("/"))


class NbvcContentsArchiver(AsyncLargeFileManager):
    """Jupyter's own async file manager, plus nbvc: every notebook save is a version."""

    @default("checkpoints_class")
    def _nbvc_checkpoints(self) -> type:
        return NbvcCheckpoints

    @default("checkpoints_kwargs")
    def _nbvc_checkpoints_kwargs(self) -> dict[str, Any]:
        return {"parent": self, "log": self.log}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register_post_save_hook(post_save_hook)
        try:
            Archive.for_manager(self)  # start the uploader: drain saves left pending
        except Exception:
            self.log.exception("nbvc: archiving is off; saves still work")


class BookstoreContentsArchiver(NbvcContentsArchiver):
    """bookstore's name for the archiver: its configuration works unchanged."""
