"""A contents manager that archives every notebook save, with nbvc-backed checkpoints.

``c.ServerApp.contents_manager_class = "nbvc.jupyter.NbvcContentsArchiver"`` (or
bookstore's name, ``BookstoreContentsArchiver``). JupyterLab's "Revert Notebook to
Checkpoint" then lists the notebook's nbvc versions and restores any of them.
"""

from __future__ import annotations

import asyncio
import os
import re
from datetime import datetime, timezone
from typing import Any

from jupyter_server.services.contents.checkpoints import AsyncCheckpoints, AsyncGenericCheckpointsMixin
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError
from traitlets import Integer, default

from ...core.versions import restore
from ...errors import NbvcError, NotFound
from .archive import Archive, post_save_hook, pre_save_hook

ROUTE_SAFE = re.compile(r"[\w-]+")
UNARCHIVED = "unarchived"  # the checkpoint of a notebook none of whose saves could be archived yet


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


class NbvcCheckpoints(AsyncGenericCheckpointsMixin, AsyncCheckpoints):
    """Checkpoints are nbvc versions: created by saving, restored by ``nbvc restore``.

    Listed as Jupyter lists checkpoints, oldest to newest (JupyterLab's revert dialog
    and Notebook 7 show the list reversed, newest first and preselected; "Last
    Checkpoint" is the last entry). The generic interface lets nbdime read a
    checkpoint's notebook for its checkpoint diff.
    """

    limit = Integer(50, help="How many versions JupyterLab's revert dialog lists").tag(config=True)

    def _archive(self) -> Archive:
        return Archive.for_manager(self.parent)

    def _os_path(self, path: str) -> str:
        return str(self._archive().workspace.root / path.strip("/"))

    async def create_checkpoint(self, contents_mgr: Any, path: str) -> dict[str, Any]:
        """Record the saved file as a version. Jupyter calls this inside the first save
        of every notebook, so it never fails that save: bytes that cannot be archived
        (a torn read while another client writes) leave the newest version as the
        checkpoint."""
        archive = Archive.for_manager(contents_mgr)
        rel = path.strip("/")
        first = archive.workspace.index.last_save(rel) is None
        result = archive.record(self._os_path(path), None if first else "checkpoint",
                                origin=None if first else "checkpoint")
        if result is not None and result.status == "saved":
            return _model(result.version)
        latest = archive.workspace.index.last_save(rel)
        if latest is not None:  # the save just made holds these bytes: it is the checkpoint
            if not first and latest["kind"] == "save":
                archive.workspace.index.mark_origin(latest["uid"], "checkpoint")
            return _model(latest)
        if not os.path.isfile(self._os_path(path)):
            raise HTTPError(404, f"{path}: no such notebook")
        return {"id": UNARCHIVED, "last_modified": datetime.now(timezone.utc)}

    async def list_checkpoints(self, path: str) -> list[dict[str, Any]]:
        if not path.endswith(".ipynb"):
            return []
        index = self._archive().workspace.index
        rows = index.checkpoints(path.strip("/"), self.limit)
        return [_model(r) for r in reversed(rows)]

    async def get_notebook_checkpoint(self, checkpoint_id: Any, path: str) -> dict[str, Any]:
        """The notebook of one version (nbdime passes the listed model, others its id)."""
        import nbformat

        from ...core.versions import show

        uid = save_uid(checkpoint_id["id"] if isinstance(checkpoint_id, dict) else checkpoint_id)
        workspace = self._archive().workspace
        try:
            _row, data = await asyncio.to_thread(show, workspace, self._os_path(path), uid)
        except NbvcError as exc:
            raise HTTPError(404, exc.message) from None
        return {"type": "notebook", "content": nbformat.reads(data.decode("utf-8"), as_version=4)}

    async def get_file_checkpoint(self, checkpoint_id: Any, path: str) -> dict[str, Any]:
        raise HTTPError(400, "nbvc keeps versions of notebooks only")

    async def create_notebook_checkpoint(self, nb: Any, path: str) -> dict[str, Any]:
        raise HTTPError(400, "nbvc records a checkpoint from the saved file")

    create_file_checkpoint = create_notebook_checkpoint  # type: ignore[assignment]

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
        self.register_pre_save_hook(pre_save_hook)
        self.register_post_save_hook(post_save_hook)
        try:
            Archive.for_manager(self)  # start the uploader: drain saves left pending
        except Exception:
            self.log.exception("nbvc: archiving is off; saves still work")


class BookstoreContentsArchiver(NbvcContentsArchiver):
    """bookstore's name for the archiver: its configuration works unchanged."""
