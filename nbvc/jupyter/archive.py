"""Archiving inside a Jupyter server: record each save at once, upload in the background.

The post-save hook runs on the server's event loop, so it only hashes the file,
keeps its bytes as a local object and inserts one row (milliseconds), then wakes
the uploader thread. The uploader pushes every pending save, oldest first per
notebook; when the bucket is slow or down it retries with backoff, and saves keep
succeeding meanwhile. Nothing here raises into Jupyter.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import sync
from ..errors import NbvcError
from ..notebook import SUFFIX
from ..workspace import SaveResult, Workspace, utcnow
from .settings import overrides_from

log = logging.getLogger("nbvc.jupyter")


def open_workspace(root: Path, overrides: dict[str, Any]) -> Workspace:
    """The workspace at a server's root_dir, created (``nbvc init``) when missing."""
    Workspace.init(root, overrides, check_remote=False)  # no network on the event loop
    return Workspace(root, overrides)


class Uploader(threading.Thread):
    """Pushes pending saves and queued remote deletes; retries with backoff."""

    def __init__(self, root: Path, overrides: dict[str, Any], retry_delay_max: float) -> None:
        super().__init__(name="nbvc-uploader", daemon=True)
        self.root, self.overrides = root, overrides
        self.retry_delay_max = retry_delay_max
        self.wake = threading.Event()
        self.tasks: queue.SimpleQueue[Callable[[Workspace], None]] = queue.SimpleQueue()
        self.failures = 0
        self.last_error = ""
        self.stopping = False

    def notify(self) -> None:
        self.wake.set()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()

    def run(self) -> None:
        workspace = Workspace(self.root, self.overrides)  # its own index connection
        delay: float | None = 0.0  # drain what an earlier server left pending
        while not self.stopping:
            self.wake.wait(delay)
            self.wake.clear()
            if self.stopping:
                break
            delay = self._round(workspace)

    def _round(self, workspace: Workspace) -> float | None:
        """One drain; returns how long to wait before the next try (None: until woken)."""
        try:
            self._run_tasks(workspace)
            report = sync.push(workspace, save_first=False)
            for outcome in report.outcomes:
                if outcome.status == "conflict":
                    log.warning("nbvc: %s not uploaded: %s", outcome.path, outcome.detail)
            if report.count("failed"):
                raise NbvcError(next(o.detail for o in report.outcomes if o.status == "failed"))
        except Exception as exc:  # the bucket is down, the push lock is held, ...
            self.failures += 1
            self.last_error = str(exc)
            wait = min(self.retry_delay_max, 0.5 * 2 ** min(self.failures, 10))
            log.warning("nbvc: upload failed (%s); retrying in %.1fs", exc, wait)
            return wait
        self.failures, self.last_error = 0, ""
        return None

    def _run_tasks(self, workspace: Workspace) -> None:
        while True:
            try:
                task = self.tasks.get_nowait()
            except queue.Empty:
                return
            try:
                task(workspace)
            except Exception:
                self.tasks.put(task)  # keep it for the next round
                raise


class Archive:
    """One archived workspace per server root_dir, shared by the hook, the contents
    manager, its checkpoints and the server extension."""

    _by_root: dict[str, Archive] = {}
    _lock = threading.Lock()

    def __init__(self, root: Path, overrides: dict[str, Any], retry_delay_max: float = 30) -> None:
        self.workspace = open_workspace(root, overrides)
        self.uploader = Uploader(root, overrides, retry_delay_max)
        self.uploader.start()

    @classmethod
    def for_manager(cls, contents_manager: Any) -> Archive:
        root = Path(os.path.abspath(contents_manager.root_dir))
        with cls._lock:
            archive = cls._by_root.get(str(root))
            if archive is None:
                from .settings import NbvcSettings

                config = contents_manager.config
                archive = cls(root, overrides_from(config), NbvcSettings(config=config).retry_delay_max)
                cls._by_root[str(root)] = archive
            return archive

    def record(self, os_path: str, message: str | None = None, *,
               force: bool = False) -> SaveResult | None:
        """Record one notebook save (no network), then wake the uploader."""
        rel = self.workspace.relpath(os_path)
        result = self.workspace.preserve(rel, message, force=force)
        if result is not None and result.status == "saved":
            self.uploader.notify()
        return result

    def follow_rename(self, old: str, new: str) -> None:
        """History follows a renamed notebook (or folder): the new key's first
        version is the file as renamed; the old key gets a delete marker."""
        ws = self.workspace
        new_abs = ws.root / new
        moved = [(old, new)] if not new_abs.is_dir() else [
            (p, new + p[len(old):]) for p in ws.index.paths() if p.startswith(old.rstrip("/") + "/")]
        for old_rel, new_rel in moved:
            if not new_rel.endswith(SUFFIX):
                continue
            pushed = ws.index.one("SELECT 1 AS x FROM saves WHERE path=? AND version_id IS NOT NULL",
                                  [old_rel])
            ws.index.rename_path(old_rel, new_rel)
            self.record(str(ws.root / new_rel), f"renamed from {old_rel}", force=True)
            if pushed:
                self._delete_remote(ws.key(old_rel), old_rel)
        self.uploader.notify()

    def follow_delete(self, path: str) -> None:
        """A deleted notebook gets a delete marker; its versions stay in the bucket."""
        ws = self.workspace
        targets = [p for p in ws.index.paths() if p == path or p.startswith(path.rstrip("/") + "/")]
        for rel in targets:
            if ws.index.one("SELECT 1 AS x FROM saves WHERE path=? AND version_id IS NOT NULL", [rel]):
                self._delete_remote(ws.key(rel), rel)
        self.uploader.notify()

    def _delete_remote(self, key: str, history_path: str) -> None:
        def task(workspace: Workspace) -> None:
            marker = workspace.store.delete(key)
            workspace.index.insert_save({
                "uid": f"delete:{marker}", "path": history_path, "kind": "delete", "sha256": "",
                "md5": "", "size": 0, "saved_at": utcnow(), "author": workspace.settings.user,
                "host": workspace.settings.host, "parent_uid": None, "message": f"deleted {key}",
                "key": key, "version_id": marker, "etag": "", "pushed_at": utcnow(),
            })
        self.uploader.tasks.put(task)


def post_save_hook(model: dict[str, Any] | None = None, os_path: str | None = None,
                   contents_manager: Any = None, **kwargs: Any) -> None:
    """Jupyter post-save hook: ``c.FileContentsManager.post_save_hook = "nbvc.jupyter.post_save_hook"``.

    Records notebook saves; never raises (an exception would turn the user's save
    into an HTTP 500 although the file was written) and never touches the network.
    """
    try:
        if not model or model.get("type") != "notebook" or not os_path or contents_manager is None:
            return
        Archive.for_manager(contents_manager).record(os_path)
    except Exception:
        log.exception("nbvc: could not record the save of %s (the file itself is saved)", os_path)
