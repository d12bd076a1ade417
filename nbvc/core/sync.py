"""The sync engine: push, fetch and pull between a workspace and its bucket.

push decides what to send from the index alone and spends one request per save:
conflicts ride on the PUT as S3 conditional writes (``If-Match`` the ETag last seen,
``If-None-Match: *`` for a new key). Only a 412 makes it look at the remote, and
a save the remote already holds (a killed push that had landed it) is adopted by
the save id in its metadata, never uploaded twice.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConflictError, NbvcError, NotFound, UsageError, WorkspaceError
from ..index import Landed
from ..keys import UnsafeKey, relpath_for
from ..notebook import digest_file
from ..store import NULL_VERSION, ObjectNotFound, ObjectVersion, PreconditionFailed
from .name_records import fetch_names
from .remote_versions import (
    UNKNOWN,
    describe_all,
    keep_order,
    listed_row,
    nudged,
    read_metadata,
    save_metadata,
)
from .retention import retention_tags
from .workspace import VERSIONING_FACT, SaveResult, Workspace, ensure_versioned, utcnow

if TYPE_CHECKING:
    from ..index.rows import HeadRow, SaveRow

Progress = Callable[[int], None]


# -- push ------------------------------------------------------------------------------


@dataclass
class PushOutcome:
    """What happened to one pending save."""

    path: str
    sha256: str
    size: int
    status: str  # uploaded | adopted | conflict | failed | would-upload
    version_id: str = ""
    detail: str = ""


@dataclass
class PushReport:
    """Everything a push did, for the summary line and ``--json``."""

    saved: list[SaveResult] = field(default_factory=list)
    outcomes: list[PushOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def invalid(self) -> list[SaveResult]:
        return [r for r in self.saved if r.status == "invalid"]

    @property
    def bytes_sent(self) -> int:
        return sum(o.size for o in self.outcomes if o.status == "uploaded")

    @property
    def ok(self) -> bool:
        return not any(o.status in ("conflict", "failed") for o in self.outcomes)

    def summary(self) -> dict[str, Any]:
        return {
            "saved": sum(r.status == "saved" for r in self.saved),
            "invalid": len(self.invalid),
            "uploaded": self.count("uploaded"),
            "adopted": self.count("adopted"),
            "would_upload": self.count("would-upload"),
            # per notebook: a conflict holds back every pending save of that notebook
            "conflicts": len({o.path for o in self.outcomes if o.status == "conflict"}),
            "failed": self.count("failed"),
            "bytes": self.bytes_sent,
            "seconds": round(self.seconds, 3),
        }


#: names the process holding ``sync.lock`` ("pid N") while it holds it, for the refusal
#: a second push or pull prints. A file of its own: the lock file belongs to filelock,
#: and before filelock 3.30 a contender truncated it when opening it to try the lock.
HOLDER_FILE = "sync.holder"


@contextmanager
def workspace_lock(workspace: Workspace, what: str, wait: float = 0.0) -> Iterator[None]:
    """One push/pull at a time per workspace. A second one waits up to ``wait``
    seconds, then refuses cleanly, naming the holder; it never interleaves."""
    # imported here: fetch, prune and doctor import this module but never take the lock,
    # and need not import filelock
    from filelock import FileLock, Timeout

    path = workspace.nbvc_dir / "sync.lock"
    holder_file = workspace.nbvc_dir / HOLDER_FILE
    # A new lock object for every call, never a shared or singleton one: filelock counts
    # re-entry per object, and a shared one would let a second push in through the
    # same thread. Each object opens its own descriptor and flock(2) conflicts between
    # descriptors within one process too, so the Jupyter server's uploader thread and a
    # REST handler's push wait for each other exactly as two processes do.
    lock = FileLock(path)
    try:
        lock.acquire(timeout=wait)  # polls every 0.05 s; 0 makes exactly one attempt
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError, an OSError
        raise WorkspaceError(
            f"cannot {what}: another nbvc push or pull is running here ({_holder(holder_file)})",
            hint="wait for it to finish, then run the command again",
        ) from None
    except OSError as exc:
        raise WorkspaceError(f"cannot open {path}: {exc.strerror or exc}") from None
    try:
        with suppress(OSError):  # only a name for the refusal; the lock holds without it
            holder_file.write_text(f"pid {os.getpid()}")
        yield
    finally:
        # removed while the lock is still held, so it never takes away the next holder's name
        with suppress(OSError):
            holder_file.unlink()
        lock.release()


def _holder(holder_file: Path) -> str:
    """Who holds the sync lock, as its holder wrote it; one that has not written its name
    yet is "another process". (A killed holder's name stays behind, but the lock goes
    with the process, and the next holder writes over it.)"""
    try:
        return holder_file.read_text().strip() or "another process"
    except (OSError, ValueError):  # gone, unreadable, or not text
        return "another process"


class Pusher:
    """Uploads pending saves: parallel across notebooks, in order within one."""

    #: landed saves are written to the index this many at a time: one transaction
    #: per upload would serialise 16 threads on the index's lock. A push killed
    #: before a batch is written loses nothing: the next push's conditional PUT
    #: gets a 412 and adopts what the metadata shows had landed.
    BATCH = 64

    def __init__(self, workspace: Workspace, force: bool = False) -> None:
        self.ws = workspace
        self.store = workspace.store
        self.index = workspace.index
        self.force = force
        self._lock = threading.Lock()
        self._landed: list[Landed] = []
        # every head, read once, then kept up to date as saves land: no query (and no
        # wait on the index lock the saving thread holds) per upload. push and pull
        # hold the workspace lock; a concurrent fetch only adds a head where none was,
        # and a stale "none" costs a 412 and a HEAD, never a lost save.
        self._heads = self.index.heads()
        self.tags = retention_tags(workspace)

    def head(self, path: str) -> HeadRow | None:
        with self._lock:
            return self._heads.get(path)

    def landed(self, row: SaveRow, key: str, version_id: str, etag: str) -> None:
        with self._lock:
            self._heads[row["path"]] = {"path": row["path"], "key": key, "version_id": version_id,
                                        "etag": etag}
            self._landed.append(Landed(row["uid"], row["path"], key, version_id, etag, utcnow()))
            full = len(self._landed) >= self.BATCH
        if full:
            self.flush()

    def flush(self) -> None:
        """Write the landed saves still held in memory to the index."""
        with self._lock:
            batch, self._landed = self._landed, []
        if batch:
            self.index.mark_pushed(batch)

    def push_path(self, saves: list[dict[str, Any]], progress: Progress) -> list[PushOutcome]:
        outcomes = []
        for position, row in enumerate(saves):
            outcome = self.push_save(row)
            outcomes.append(outcome)
            progress(row["size"])
            if outcome.status in ("conflict", "failed"):
                for later in saves[position + 1:]:
                    outcomes.append(PushOutcome(later["path"], later["sha256"], later["size"],
                                                outcome.status, detail="an earlier save did not push"))
                    progress(later["size"])
                break
        return outcomes

    def push_save(self, row: SaveRow) -> PushOutcome:
        path, key = row["path"], self.ws.key(row["path"])
        head = self.head(path)
        try:
            body = self.ws.objects.path(row["sha256"])
            if not body.exists():
                raise NotFound(f"local copy of {path} {row['sha256'][:8]} is missing")
            condition = self._condition(key, head)
            result = self.store.put(key, body, sha256=row["sha256"], metadata=save_metadata(row),
                                    tags=self.tags, **condition)
        except PreconditionFailed:
            return self._after_412(row, key, head)
        except ObjectNotFound:
            return self._conflict(row, head, None, "the notebook was deleted on the remote")
        except ConflictError as exc:
            return self._conflict(row, head, None, exc.message)
        except NbvcError as exc:
            return PushOutcome(path, row["sha256"], row["size"], "failed", detail=exc.message)
        self.landed(row, key, result.version_id, result.etag)
        if result.version_id == NULL_VERSION:  # versioning was switched off under us
            self.index.set_fact(VERSIONING_FACT, "")
            return PushOutcome(path, row["sha256"], row["size"], "failed", result.version_id,
                               "the bucket stopped versioning: this upload replaced the "
                               "unversioned copy; enable versioning before pushing again")
        return PushOutcome(path, row["sha256"], row["size"], "uploaded", result.version_id)

    def _condition(self, key: str, head: HeadRow | None) -> dict[str, Any]:
        """The conditional-write arguments, or a HEAD check where the store has none."""
        if self.force:
            return {}
        if self.store.conditional_writes:
            return {"if_match": head["etag"]} if head else {"if_none_match": True}
        try:
            latest = self.store.head(key)
        except ObjectNotFound:
            if head is None:
                return {}
            raise
        if head is None or latest.version_id != head["version_id"]:
            raise PreconditionFailed(f"{key} moved")
        return {}

    def _after_412(self, row: SaveRow, key: str, head: HeadRow | None) -> PushOutcome:
        """The remote moved: adopt our own landed save, or report the conflict."""
        try:
            latest = self.store.head(key)
            mine = latest if self._is_mine(latest, row) else self._landed_below(row, key)
        except NbvcError as exc:
            return PushOutcome(row["path"], row["sha256"], row["size"], "failed", detail=exc.message)
        if mine is not None:
            self.landed(row, key, mine.version_id, mine.etag)
            return PushOutcome(row["path"], row["sha256"], row["size"], "adopted", mine.version_id)
        return self._conflict(row, head, latest, "")

    @staticmethod
    def _is_mine(version: ObjectVersion, row: SaveRow) -> bool:
        return read_metadata(version.metadata).get("save-id") == row["uid"]

    def _landed_below(self, row: SaveRow, key: str) -> ObjectVersion | None:
        """This save, landed under a newer version. A killed push may have landed a
        later save of the same notebook on top of it before recording either; or
        another machine pushed after it. Versions are matched by ETag and size, then
        confirmed by the save id in their metadata: a conflict is rare, this is too."""
        for version in self.store.list_versions(key):
            if (version.key == key and not version.is_delete_marker
                    and version.etag == row["md5"] and version.size == row["size"]):
                described = self.store.head(key, version.version_id)
                if self._is_mine(described, row):
                    return described
        return None

    def _conflict(self, row: SaveRow, head: HeadRow | None,
                  latest: ObjectVersion | None, why: str) -> PushOutcome:
        seen = head["version_id"] if head else "none (new notebook)"
        theirs = latest.version_id if latest else "unknown"
        detail = why or f"remote latest is {theirs}, this workspace last saw {seen}"
        return PushOutcome(
            row["path"], row["sha256"], row["size"], "conflict", theirs,
            f"{detail}; run 'nbvc pull {row['path']}' to merge theirs into yours "
            f"or 'nbvc push --force {row['path']}' to put yours on top",
        )


def push(
    workspace: Workspace,
    paths: list[str] | None = None,
    *,
    jobs: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    save_first: bool = True,
    progress: Callable[[int, int], Progress] | None = None,
    wait: float = 0.0,
) -> PushReport:
    """Save changed notebooks (unless ``save_first`` is off), then upload every pending save.

    Saving and uploading overlap: a notebook's upload starts as soon as it is saved,
    while later notebooks are still being hashed. ``progress(saves, bytes)`` (totals
    known so far; 0 when still unknown) may return a callback given each save's size.
    """
    started = time.perf_counter()
    return _push(workspace, paths, PushReport(), started, jobs=jobs, dry_run=dry_run, force=force,
                 save_first=save_first, progress=progress, wait=wait)


def _push(workspace: Workspace, paths: list[str] | None, report: PushReport, started: float, *,
          jobs: int | None, dry_run: bool, force: bool, save_first: bool,
          progress: Callable[[int, int], Progress] | None, wait: float) -> PushReport:
    with workspace_lock(workspace, "push", wait):
        selected = set(workspace.notebooks(paths)) | workspace.tracked(paths) if paths else None
        if dry_run:
            report.outcomes = _dry_run(workspace, paths, selected, save_first)
        else:
            uploads = Uploads(workspace, jobs, force)
            with uploads:
                earlier = workspace.index.pending(selected)
                uploads.start_progress(progress, 0 if save_first else len(earlier),
                                       0 if save_first else sum(r["size"] for r in earlier))
                uploads.submit(earlier)
                if save_first:
                    for result in workspace.save_each(paths):
                        report.saved.append(result)
                        if result.status == "saved":  # earlier saves of it went first
                            uploads.submit(uploads.behind(result.version))
            report.outcomes = uploads.outcomes()
    report.seconds = time.perf_counter() - started
    return report


class Uploads:
    """A pool of upload workers fed while saving goes on. Batches of one notebook
    run one after another (each waits for the one before), so order is kept."""

    def __init__(self, workspace: Workspace, jobs: int | None, force: bool) -> None:
        self.workspace = workspace
        self.pusher: Pusher | None = None
        self.force = force
        self.pool = ThreadPoolExecutor(jobs or workspace.settings.jobs, thread_name_prefix="nbvc-push")
        self.last: dict[str, Future[list[PushOutcome]]] = {}
        self.futures: list[Future[list[PushOutcome]]] = []
        self.sent: set[str] = set()
        self.advance: Progress = lambda _size: None

    def __enter__(self) -> Uploads:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True)
        if self.pusher is not None:
            self.pusher.flush()

    def start_progress(self, progress: Callable[[int, int], Progress] | None, saves: int,
                       size: int) -> None:
        if progress is not None:
            self.advance = progress(saves, size) or self.advance

    def submit(self, rows: list[dict[str, Any]]) -> None:
        rows = [r for r in rows if r["uid"] not in self.sent]
        if not rows:
            return
        if self.pusher is None:  # the first upload: check the bucket may take it
            ensure_versioned(self.workspace)
            self.pusher = Pusher(self.workspace, self.force)
        self.sent.update(r["uid"] for r in rows)
        by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_path[row["path"]].append(row)
        for path, saves in by_path.items():
            before = self.last.get(path)
            future = self.pool.submit(self._batch, before, saves)
            self.last[path] = future
            self.futures.append(future)

    def behind(self, row: SaveRow) -> list[SaveRow]:
        """A save this push just recorded, behind the pending saves of its notebook it
        has not sent: another process (``nbvc save``, the Jupyter hook) may have
        recorded one after this push read what was pending. Sent first, they keep the
        notebook's order (its latest version is its newest save). Looked up only when
        the save's parent is not one this push sent."""
        if row["parent_uid"] is None or row["parent_uid"] in self.sent:
            return [row]
        return self.workspace.index.pending_through(row["path"], row["id"]) or [row]

    def _batch(self, before: Future[list[PushOutcome]] | None,
               saves: list[dict[str, Any]]) -> list[PushOutcome]:
        """Upload one notebook's batch once its earlier batch is done; when a save of
        that batch did not push, neither do these (a newer save must never land on
        the bucket before an older one, which the next push would put on top)."""
        if before is not None:
            stopped = [o for o in before.result() if o.status in ("conflict", "failed")]
            if stopped:
                for row in saves:
                    self.advance(row["size"])
                return [PushOutcome(row["path"], row["sha256"], row["size"], stopped[0].status,
                                    detail="an earlier save did not push") for row in saves]
        assert self.pusher is not None
        return self.pusher.push_path(saves, self.advance)

    def outcomes(self) -> list[PushOutcome]:
        return [o for future in self.futures for o in future.result()]


def _dry_run(workspace: Workspace, paths: list[str] | None, selected: set[str] | None,
             save_first: bool) -> list[PushOutcome]:
    outcomes = [
        PushOutcome(r["path"], r["sha256"], r["size"], "would-upload")
        for r in workspace.index.pending(selected)
    ]
    if save_first:
        for rel in workspace.notebooks(paths):
            path = workspace.abspath(rel)
            if not workspace.stat_says_unchanged(rel, path):
                digest = digest_file(path)
                if digest.sha256 != workspace.index.base(rel):
                    outcomes.append(PushOutcome(rel, digest.sha256, digest.size, "would-upload",
                                                detail="changed since its last save"))
    return outcomes


# -- fetch -----------------------------------------------------------------------------


@dataclass
class FetchReport:
    """What fetch learned: new versions, delete markers, keys refused as unsafe."""

    listed: int = 0
    learned: int = 0
    sketched: int = 0  # learned from the listing alone: metadata read on first use
    adopted: int = 0
    deleted: int = 0
    refused: list[str] = field(default_factory=list)
    names: int = 0  # named versions in the bucket under the prefixes fetched
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {"listed": self.listed, "learned": self.learned, "sketched": self.sketched,
                "adopted": self.adopted, "deleted": self.deleted, "refused": self.refused,
                "names": self.names, "seconds": round(self.seconds, 3)}


def _prefixes(workspace: Workspace, paths: list[str] | None) -> list[str]:
    """Key prefixes to list: the whole workspace prefix, or one per given path."""
    base = workspace.settings.workspace_prefix
    if not paths:
        return [f"{base}/" if base else ""]
    prefixes = []
    for user_path in paths:
        target = Path(user_path)
        if target.is_dir() and target.resolve() == workspace.root:
            return [f"{base}/" if base else ""]
        rel = workspace.relpath(user_path)
        prefixes.append(workspace.key(rel) + ("/" if target.is_dir() else ""))
    return prefixes


#: listed versions recorded per transaction (whole keys, so a little more): fetch's
#: memory is that of one batch, however long the history
FETCH_BATCH = 5000


def fetch(workspace: Workspace, paths: list[str] | None = None, *, jobs: int | None = None,
          full: bool = False) -> FetchReport:
    """Learn every remote version under the workspace prefix into the index, and the
    names of versions (:func:`nbvc.core.name_records.fetch_names`).

    Versions this index knows are matched by VersionId at no cost. Of the rest, each
    notebook's latest version (and any that may be an unpushed save of this
    workspace) is described from its metadata at once, one HEAD each, in parallel;
    older ones are recorded from the listing and described on first use, or now
    with ``full`` (see :mod:`nbvc.core.remote_versions`).

    The listing is recorded as it comes, in batches of :data:`FETCH_BATCH` versions
    that hold every version of their keys, each in a transaction of its own: what one
    notebook's versions decide (their order, a save re-pointed to the VersionId the
    bucket holds) is decided within its batch. An interrupted fetch keeps the batches
    it recorded, and the next one lists the rest as new.
    """
    started = time.perf_counter()
    report = FetchReport()
    maybe_mine = {(r["path"], r["md5"], r["size"]) for r in workspace.index.pending()}
    for batch in _whole_keys(_listed(workspace, paths, report), FETCH_BATCH):
        _fetch_batch(workspace, batch, maybe_mine, full, jobs, report)
    report.names = fetch_names(workspace, _prefixes(workspace, paths))
    report.seconds = time.perf_counter() - started
    return report


def _whole_keys(listed: Iterable[tuple[str, ObjectVersion]],
                size: int) -> Iterator[list[tuple[str, ObjectVersion]]]:
    """``listed`` (keys sorted) in batches of about ``size``, each ending where a key does."""
    batch: list[tuple[str, ObjectVersion]] = []
    for entry in listed:
        if len(batch) >= size and entry[1].key != batch[-1][1].key:
            yield batch
            batch = []
        batch.append(entry)
    if batch:
        yield batch


def _fetch_batch(workspace: Workspace, batch: list[tuple[str, ObjectVersion]],
                 maybe_mine: set[tuple[str, str, int]], full: bool, jobs: int | None,
                 report: FetchReport) -> None:
    """Record one batch of the listing (see :func:`fetch`)."""
    known = workspace.index.known_versions({version.key for _, version in batch})
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    latest: dict[str, ObjectVersion] = {}
    to_describe: list[dict[str, Any]] = []
    listed: set[tuple[str, str]] = set()
    for rel, version in batch:
        listed.add((version.key, version.version_id))
        if version.is_latest:
            latest[rel] = version
        if (version.key, version.version_id) in known:
            continue
        row = listed_row(rel, version)
        by_key[version.key].append(row)
        if row["kind"] == "save" and (full or version.is_latest
                                      or (rel, version.etag, version.size) in maybe_mine):
            to_describe.append(row)
    describe_all(workspace, to_describe, jobs)
    rows = []
    for versions in by_key.values():
        keep_order(versions)
        rows.extend(versions)
    report.sketched += sum(r["sha256"] == UNKNOWN and r["kind"] == "save" for r in rows)
    _record_fetched(workspace, rows, latest, listed, report)
    _adopt_heads(workspace, latest)


def _listed(workspace: Workspace, paths: list[str] | None,
            report: FetchReport) -> Iterator[tuple[str, ObjectVersion]]:
    """Notebook versions under the prefixes, newest first per key; unsafe keys refused."""
    for prefix in _prefixes(workspace, paths):
        for version in workspace.store.list_versions(prefix):
            if not prefix.endswith("/") and version.key != prefix:
                continue
            report.listed += 1
            if not version.key.endswith(".ipynb"):
                continue  # not a notebook (e.g. doctor's probe objects)
            try:
                yield relpath_for(workspace.settings.workspace_prefix, version.key), version
            except UnsafeKey:
                if version.key not in report.refused:
                    report.refused.append(version.key)


def _record_fetched(workspace: Workspace, rows: list[dict[str, Any]],
                    latest: dict[str, ObjectVersion], listed: set[tuple[str, str]],
                    report: FetchReport) -> None:
    """Record every listed version this index did not know, whoever wrote it. A
    version whose metadata names a save already recorded under another VersionId is
    either that save's true VersionId (the one recorded is not in the bucket: re-
    pointed) or a copy of it (a CopyObject restore, another tool: a version of its
    own). A notebook's newest listed version is placed after every version known
    here, so "latest" is the bucket's latest."""
    index = workspace.index
    when = utcnow()
    newest = {(v.key, v.version_id) for v in latest.values()}
    with index.transaction():
        for row in reversed(rows):  # listed newest first: record oldest first
            mine = index.by_uid(row["uid"])
            if mine is not None and mine["version_id"] is None:  # our own save, landed by a killed push
                index.adopt(mine["id"], row)
                report.adopted += 1
                continue
            if mine is not None and (mine["key"], mine["version_id"]) not in listed \
                    and mine["key"] == row["key"]:
                index.adopt(mine["id"], row)  # the VersionId recorded at push is not in the bucket
                report.adopted += 1
                continue
            if mine is not None:
                row = {**row, "uid": f"s3:{row['version_id']}", "parent_uid": row["uid"],
                       "saved_at": row["pushed_at"]}  # a copy: made when the bucket says
            if row["kind"] == "delete" or (row["key"], row["version_id"]) in newest:
                row["saved_at"] = _after_last(index, row["path"], row["saved_at"])
            index.add_save(row)
            report.learned += row["kind"] == "save"
            report.deleted += row["kind"] == "delete"
        index.set_remote_latest([
            {"path": rel, "key": version.key, "version_id": version.version_id,
             "etag": version.etag, "deleted": int(version.is_delete_marker), "fetched_at": when}
            for rel, version in latest.items()])


def _after_last(index: Any, path: str, when: str) -> str:
    """A delete marker's time (S3 keeps whole seconds) placed after the version it hides."""
    last = index.last_save(path)
    if last is None or last["saved_at"] < when:
        return when
    return nudged(last["saved_at"], 1)


def _adopt_heads(workspace: Workspace, latest: dict[str, ObjectVersion]) -> None:
    """A notebook with no recorded base (a new or rebuilt index) whose working file
    holds exactly the remote latest is based on it: record that, as pull would."""
    index = workspace.index
    for rel, version in latest.items():
        path = workspace.abspath(rel)
        try:
            if version.is_delete_marker or index.head(rel) is not None or not path.is_file():
                continue
        except OSError:  # a name this file system cannot hold: pull reports it
            continue
        row = index.version(version.key, version.version_id)
        if row and digest_file(path).sha256 == row["sha256"]:
            index.set_head(rel, version.key, version.version_id, version.etag, utcnow())


# -- pull ------------------------------------------------------------------------------


@dataclass
class PullOutcome:
    path: str
    # updated | up-to-date | merged | ahead | removed | kept | conflict | refused | skipped | failed
    status: str
    version_id: str = ""
    detail: str = ""


def pull(
    workspace: Workspace,
    paths: list[str] | None = None,
    *,
    version: str | None = None,
    force: bool = False,
    strategy: str | None = None,
    wait: float = 0.0,
) -> tuple[FetchReport, list[PullOutcome]]:
    """Bring the remote's latest (or ``version``) of notebooks into the workspace.

    pull never takes bytes out of a working file that are not in the result:

    * changed only here: left alone (push uploads it);
    * changed only there: fast-forward to the remote's latest;
    * changed on both sides: a three-way merge by nbdime against the version this
      workspace last pushed or pulled. A clean merge is written and saved as a
      version with both parents, which push uploads without ``--force``; a cell
      changed on both sides is a conflict, listed cell by cell, and the working file
      stays as it is. ``strategy`` (``ours`` / ``theirs``) settles each conflicting
      part for one side; ``force`` takes theirs whole, keeping yours in history;
    * deleted there: an unmodified local copy is removed (its history stays), a
      modified one is kept.

    Local changes are saved as a version before anything is written.
    """
    from .merge import STRATEGIES

    if strategy is not None and strategy not in STRATEGIES:
        raise UsageError(f"--strategy must be ours or theirs, not {strategy!r}")
    with workspace_lock(workspace, "pull", wait):
        fetched = fetch(workspace, paths)
        targets = _pull_targets(workspace, paths)
        if version is not None and len(targets) != 1:
            raise NbvcError("--version needs exactly one notebook")
        outcomes = [PullOutcome(k, "refused", detail="unsafe key, never written") for k in fetched.refused]
        twins = _twins(workspace, targets)
        for rel in targets:
            if rel in twins:
                outcomes.append(PullOutcome(rel, "skipped", detail=(
                    f"its name differs from {twins[rel]} only in letter case or Unicode "
                    "normalisation: this file system cannot hold both")))
                continue
            try:
                outcomes.append(_pull_one(workspace, rel, version, force, strategy))
            except UnsafeKey as exc:  # one notebook that cannot be written stops no other
                outcomes.append(PullOutcome(rel, "refused", detail=exc.message))
            except NbvcError as exc:
                if version is not None:
                    raise
                outcomes.append(PullOutcome(rel, "failed", detail=exc.message))
            except OSError as exc:  # a name too long, a file where a folder must go
                outcomes.append(PullOutcome(rel, "skipped",
                                            detail=f"this file system cannot hold it: {exc.strerror}"))
        _sweep_folders(workspace, targets)
    return fetched, outcomes


def _twins(workspace: Workspace, targets: list[str]) -> dict[str, str]:
    """Targets this file system cannot hold beside another notebook, each with the
    one it would overwrite: where names fold (see :func:`nbvc.files.name_folding`),
    a notebook on disk here keeps its place, then the first in order."""
    from ..files import folded, name_folding

    case, forms = name_folding(str(workspace.root))
    if not (case or forms):
        return {}
    holder: dict[str, str] = {}
    for rel in [*workspace.notebooks(), *targets]:
        holder.setdefault(folded(rel, case, forms), rel)
    return {rel: holder[key] for rel in targets
            if holder[key := folded(rel, case, forms)] != rel}


def _sweep_folders(workspace: Workspace, targets: list[str]) -> None:
    """Remove what killed pulls left in the folders pull writes to (their temp files,
    see :func:`nbvc.files.sweep`)."""
    from ..files import sweep

    for folder in {os.path.dirname(os.path.join(workspace.root, rel)) for rel in targets}:
        try:
            workspace.swept += sweep(folder, os.listdir(folder))
        except OSError:  # a folder that is not there (or not one): nothing was left in it
            continue


def _pull_targets(workspace: Workspace, paths: list[str] | None) -> list[str]:
    known = workspace.index.remote_paths()
    if not paths:
        return known
    wanted = workspace.tracked(paths) | {workspace.relpath(p) for p in paths
                                         if not Path(p).is_dir()}
    return [p for p in known if p in wanted] or sorted(wanted)


def _pull_one(workspace: Workspace, rel: str, ref: str | None, force: bool,
              strategy: str | None) -> PullOutcome:
    if ref is not None:  # an older version: brought back as a new save, like restore
        from .versions import restore

        done = restore(workspace, str(workspace.abspath(rel)), ref, f"pulled {ref}")
        return PullOutcome(rel, "updated" if done["status"] == "saved" else "up-to-date",
                           done["restored_version_id"] or "",
                           "your unsaved changes were saved first" if done["saved_first"] else "")
    index = workspace.index
    remote = index.remote_latest(rel)
    if remote is None:
        return PullOutcome(rel, "failed", detail="not in the bucket (never pushed)")
    if remote["deleted"]:
        return _deleted_there(workspace, rel, remote)
    target = index.version_of(rel, remote["version_id"])
    if target is None:
        raise NotFound(f"{rel}: the remote latest version is not in the index; run 'nbvc fetch'")
    head = index.head(rel)
    saved_first, current = _save_local_changes(workspace, rel)
    if current == target["sha256"]:  # the same bytes here and there
        index.shelve_pending(rel)
        return _stand_on(workspace, rel, target, "up-to-date")
    changed_here = saved_first or bool(index.pending({rel}))
    if head is not None and head["version_id"] == remote["version_id"]:  # nothing new there
        if current is None:
            return PullOutcome(rel, "up-to-date", remote["version_id"], "deleted here, kept so")
        return PullOutcome(rel, "ahead" if changed_here else "up-to-date", remote["version_id"],
                           f"changed here, kept; 'nbvc push {rel}' uploads it" if changed_here else "")
    if current is None or not changed_here or force:  # fast-forward (or theirs over ours)
        shelved = index.shelve_pending(rel)
        workspace.replace_working_file(rel, target)
        kept = f"{shelved} save(s) of yours kept in history, not pushed" if shelved else ""
        return _stand_on(workspace, rel, target, "updated", kept)
    return _merge(workspace, rel, head, target, strategy)


def _stand_on(workspace: Workspace, rel: str, target: dict[str, Any], status: str,
              detail: str = "") -> PullOutcome:
    """The working file holds ``target``, the remote's latest: record it as the base."""
    index = workspace.index
    index.set_head(rel, target["key"], target["version_id"], target["etag"], utcnow())
    index.remember_stat(rel, workspace.abspath(rel).stat(), target["sha256"], target["md5"],
                        base=target["sha256"])
    return PullOutcome(rel, status, target["version_id"], detail)


def _merge(workspace: Workspace, rel: str, head: HeadRow | None, target: dict[str, Any],
           strategy: str | None) -> PullOutcome:
    """Changed on both sides: merge theirs into the working file (saved as a version already)."""
    from ..digest import digest_bytes
    from ..files import write_atomic
    from ..notebook import validate_bytes
    from .merge import merge

    index = workspace.index
    finish = (f"finish with 'nbvc pull --strategy ours|theirs {rel}' (conflicting cells from one "
              f"side), 'nbvc pull --force {rel}' (theirs) or 'nbvc push --force {rel}' (yours)")
    base = head and index.version(head["key"], head["version_id"])
    if not base:
        return PullOutcome(rel, "conflict", target["version_id"],
                           f"no version in common to merge from; {finish}")
    mine = workspace.abspath(rel).read_bytes()
    result = merge(workspace.version_bytes(base), mine, workspace.version_bytes(target), strategy)
    if result.data is None:
        return PullOutcome(rel, "conflict", target["version_id"],
                           "; ".join(result.conflicts) + f"; your file is unchanged; {finish}")
    validate_bytes(rel, result.data)
    digest = digest_bytes(result.data)
    workspace.objects.ingest_bytes(result.data, digest)
    write_atomic(workspace.abspath(rel), result.data, inside=workspace.root)
    workspace.record_digest(rel, digest, f"merged {target['version_id']}", force=True,
                            stat=workspace.abspath(rel).stat(), merged_from=target["uid"])
    index.set_head(rel, target["key"], target["version_id"], target["etag"], utcnow())
    return PullOutcome(rel, "merged", target["version_id"],
                       f"theirs merged into yours as {digest.sha256[:8]}; 'nbvc push {rel}' uploads it")


def _deleted_there(workspace: Workspace, rel: str, remote: dict[str, Any]) -> PullOutcome:
    """The remote's latest is a delete marker: remove an unmodified local copy."""
    from ..files import check_inside

    path = workspace.abspath(rel)
    if not path.is_file():
        return PullOutcome(rel, "up-to-date", remote["version_id"], "deleted on the remote and here")
    index = workspace.index
    if digest_file(path).sha256 != index.base(rel) or index.pending({rel}):
        index.forget_head(rel)  # so the next push recreates it rather than meeting the marker
        return PullOutcome(rel, "kept", remote["version_id"],
                           f"deleted on the remote, changed here: kept; 'nbvc push {rel}' brings it back")
    check_inside(path, workspace.root)  # never removes a file outside through a symlinked folder
    path.unlink()
    return PullOutcome(rel, "removed", remote["version_id"],
                       f"deleted on the remote; its history stays ('nbvc log {rel}')")


def _save_local_changes(workspace: Workspace, rel: str) -> tuple[bool, str | None]:
    """Save the working file if its bytes differ from its base (never lose work);
    returns whether it did, and the sha256 the working file holds (None: no file)."""
    path = workspace.abspath(rel)
    if not path.is_file():
        return False, None
    current = digest_file(path).sha256
    if current == workspace.index.base(rel):
        return False, current
    kept = workspace.preserve(rel, "saved by nbvc before pull")
    return kept is not None and kept.status == "saved", current
