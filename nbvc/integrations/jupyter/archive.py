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
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import config
from ...core import sync
from ...core.workspace import SaveResult, Workspace, utcnow
from ...digest import digest_bytes
from ...errors import NbvcError
from ...notebook import SUFFIX, read_bytes, validate_bytes
from .settings import overrides_from

# named for the stable config path (nbvc.jupyter), not this module: the name in its log lines
# and in logging configs written for it stays
log = logging.getLogger("nbvc.jupyter")


def open_workspace(root: Path, overrides: dict[str, Any]) -> Workspace:
    """The workspace at a server's root_dir, created (``nbvc init``) when missing."""
    # no network on the event loop
    Workspace.init(root, overrides, check_remote=False, given_by=config.JUPYTER)
    return Workspace(root, overrides, given_by=config.JUPYTER)


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
        # per notebook, what the last round could not upload: {"state": "conflict" |
        # "failed", "detail", "remote_version_id"}; every other notebook goes on
        self.problems: dict[str, dict[str, str]] = {}
        self.stopping = False

    def notify(self) -> None:
        self.wake.set()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()

    def run(self) -> None:
        workspace = Workspace(self.root, self.overrides, given_by=config.JUPYTER)  # its own index
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
        except Exception as exc:  # the bucket is down, the push lock is held, ...
            return self._failed(str(exc))
        problems: dict[str, dict[str, str]] = {}
        for o in report.outcomes:  # a notebook's first refused save says why; later ones follow it
            if o.status in ("conflict", "failed"):
                problems.setdefault(o.path, {"state": o.status, "detail": o.detail,
                                             "remote_version_id": o.version_id if o.status == "conflict"
                                             else ""})
        self.problems = problems
        for path, problem in self.problems.items():
            log.warning("nbvc: %s not uploaded (%s): %s", path, problem["state"], problem["detail"])
        failed = [o.detail for o in report.outcomes if o.status == "failed"]
        if failed:  # retried with backoff; a conflict waits for the user
            return self._failed(failed[0])
        self.failures, self.last_error = 0, ""
        return None

    def _failed(self, error: str) -> float:
        self.failures += 1
        self.last_error = error
        wait = min(self.retry_delay_max, 0.5 * 2 ** min(self.failures, 10))
        log.warning("nbvc: upload failed (%s); retrying in %.1fs", error, wait)
        return wait

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


#: a save of which no post-save hook came (it failed) stops counting as under way
STALE_SAVE_S = 120.0


@dataclass
class Saving:
    """One notebook save under way in this server (between its pre- and post-save hooks)."""

    path: str
    model: dict[str, Any]
    started: float
    overlapped: bool

    def intended_bytes(self) -> bytes:
        """The notebook this save sent, as Jupyter writes it (``nbformat.write`` with
        ``NO_CONVERT``: its text and a final newline)."""
        import nbformat

        text = nbformat.writes(nbformat.from_dict(self.model["content"]), version=nbformat.NO_CONVERT)
        return (text if text.endswith("\n") else text + "\n").encode("utf-8")


#: the save the current request is making: Jupyter calls the pre-save hook, writes,
#: may create a checkpoint and calls the post-save hook in one task, which this follows
SAVING: ContextVar[Saving | None] = ContextVar("nbvc_saving", default=None)


class Archive:
    """One archived workspace per server root_dir, shared by the hook, the contents
    manager, its checkpoints and the server extension."""

    _by_root: dict[str, Archive] = {}
    _lock = threading.Lock()

    def __init__(self, root: Path, overrides: dict[str, Any], retry_delay_max: float = 30) -> None:
        self._saving: dict[str, list[Saving]] = {}  # touched on the server's event loop only
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
               force: bool = False, origin: str | None = None) -> SaveResult | None:
        """Record one notebook save (no network), then wake the uploader.

        Jupyter writes a notebook in place, so while another client saves the same
        file the file can be torn, or a mix of both saves that still parses. So the
        file is read once, and those very bytes are validated, hashed and kept; and a
        save that overlapped another save of the same notebook (seen by the pre-save
        hook) is archived from the notebook it sent, serialised as Jupyter writes it,
        not from the disk. Bytes that are not a valid notebook are never archived. A
        new notebook is archived from its first save with cells, not as the empty
        file Jupyter creates for "New Notebook". Returns None when nothing was archived.
        """
        ws = self.workspace
        rel = ws.relpath(os_path)
        saving = SAVING.get()
        try:
            if saving is not None and saving.overlapped and saving in self._saving.get(rel, []):
                data, stat = saving.intended_bytes(), None  # the working file may hold another's
            else:
                data, stat = read_bytes(os_path, rel)
            validate_bytes(rel, data)
        except NbvcError as exc:
            log.warning("nbvc: not archived: %s", exc.message)
            return None
        if ws.index.last_save(rel) is None and _no_cells(data):
            return None  # Jupyter's new, empty notebook: history starts with its first content
        digest = digest_bytes(data)
        ws.objects.ingest_bytes(data, digest)
        result = ws.record_digest(rel, digest, message, force=force, stat=stat, origin=origin)
        if result.status == "saved":
            self.uploader.notify()
        return result

    def save_started(self, rel: str, model: dict[str, Any]) -> None:
        """A save of ``rel`` begins (pre-save hook, on the event loop): remember the
        notebook it sends, and whether another save of the same notebook is under way."""
        now = time.monotonic()
        saves = [s for s in self._saving.get(rel, []) if now - s.started < STALE_SAVE_S]
        current = Saving(rel, model, now, overlapped=bool(saves))
        for other in saves:
            other.overlapped = True
        self._saving[rel] = [*saves, current]
        SAVING.set(current)

    def save_finished(self, rel: str) -> None:
        """The save of this task is written and recorded (post-save hook)."""
        current = SAVING.get()
        if current is not None and current.path == rel:
            self._saving[rel] = [s for s in self._saving.get(rel, []) if s is not current]
            if not self._saving[rel]:
                del self._saving[rel]
            SAVING.set(None)

    def follow_rename(self, old: str, new: str) -> None:
        """History follows a renamed notebook (or folder): the new key's first
        version is the file as renamed; the old key gets a delete marker, recorded in
        the moved history, so a new notebook under the old name starts afresh."""
        ws = self.workspace
        new_abs = ws.root / new
        moved = [(old, new)] if not new_abs.is_dir() else [
            (p, new + p[len(old):]) for p in ws.index.paths() if p.startswith(old.rstrip("/") + "/")]
        for old_rel, new_rel in moved:
            if not new_rel.endswith(SUFFIX):
                continue
            pushed = ws.index.was_pushed(old_rel)
            moved_at = utcnow()
            ws.index.rename_path(old_rel, new_rel)
            self.record(str(ws.root / new_rel), f"renamed from {old_rel}", force=True,
                        origin="rename")
            if pushed:  # the marker ends the old name in the moved history, before the rename
                self._delete_remote(ws.key(old_rel), new_rel, moved_at)
        self.uploader.notify()

    def follow_delete(self, path: str) -> None:
        """A deleted notebook gets a delete marker; its versions stay in the bucket."""
        ws = self.workspace
        targets = [p for p in ws.index.paths() if p == path or p.startswith(path.rstrip("/") + "/")]
        for rel in targets:
            if ws.index.was_pushed(rel):
                self._delete_remote(ws.key(rel), rel, utcnow())
        self.uploader.notify()

    def _delete_remote(self, key: str, history_path: str, when: str) -> None:
        """Queue a delete marker for ``key``, recorded in ``history_path``'s history at ``when``."""
        def task(workspace: Workspace) -> None:
            marker = workspace.store.delete(key)
            workspace.index.insert_save({
                "uid": f"delete:{marker}", "path": history_path, "kind": "delete", "sha256": "",
                "md5": "", "size": 0, "saved_at": when, "author": workspace.settings.user,
                "host": workspace.settings.host, "parent_uid": None, "message": f"deleted {key}",
                "key": key, "version_id": marker, "etag": "", "pushed_at": utcnow(),
            })
        self.uploader.tasks.put(task)


def _no_cells(data: bytes) -> bool:
    """True for a (validated) nbformat 4 notebook without a cell."""
    import json

    import orjson

    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:  # NaN and the like, which json reads
        document = json.loads(data)
    return document.get("nbformat") == 4 and not document.get("cells")


def pre_save_hook(model: dict[str, Any] | None = None, path: str | None = None,
                  contents_manager: Any = None, **kwargs: Any) -> None:
    """Jupyter pre-save hook (the extension registers it): notes a notebook save under
    way, so that saves of one notebook that overlap are each archived as sent. Never
    raises, never blocks."""
    try:
        if (not model or model.get("type") != "notebook" or "content" not in model
                or path is None or contents_manager is None):
            return
        Archive.for_manager(contents_manager).save_started(path.strip("/"), model)
    except Exception:
        log.exception("nbvc: could not note the save of %s (the save goes on)", path)


def post_save_hook(model: dict[str, Any] | None = None, os_path: str | None = None,
                   contents_manager: Any = None, **kwargs: Any) -> None:
    """Jupyter post-save hook: ``c.FileContentsManager.post_save_hook = "nbvc.jupyter.post_save_hook"``.

    Records notebook saves; never raises (an exception would turn the user's save
    into an HTTP 500 although the file was written) and never touches the network.
    """
    try:
        if not model or model.get("type") != "notebook" or not os_path or contents_manager is None:
            return
        archive = Archive.for_manager(contents_manager)
        try:
            archive.record(os_path)
        finally:
            archive.save_finished(model.get("path", "").strip("/"))
    except Exception:
        log.exception("nbvc: could not record the save of %s (the file itself is saved)", os_path)
