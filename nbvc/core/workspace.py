"""The core: a workspace of notebooks and the verbs that act on it, as a Python API.

``Workspace`` joins the config, the index, the local objects and (lazily) the remote
store. Nothing here prints or exits; errors are :mod:`nbvc.errors` exceptions and
results are plain data the CLI, the Jupyter extension or a script can render.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import config
from ..errors import NbvcError, NotFound, RemoteError, WorkspaceError
from ..index import Index
from ..keys import SUFFIX, check_relpath, key_for, normalize_prefix
from ..tree import NBVC_DIR, SKIPPED_DIRS, find_root, relpath

if TYPE_CHECKING:  # the rest is imported where used: a save of unchanged files needs none of it
    from ..digest import Digest
    from ..index.rows import SaveRow
    from ..objects import ObjectStore
    from ..store import Store


def new_uid() -> str:
    """A save's id: random, 32 hex digits (uuid imported late: start-up is a feature)."""
    import uuid

    return uuid.uuid4().hex


def utcnow() -> str:
    """Timestamps are ISO 8601 in UTC with microseconds: they sort as text."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


#: changed notebooks recorded per index transaction while scanning (push starts
#: uploading each batch as soon as it is recorded)
SAVE_BATCH = 32


@dataclass(frozen=True)
class SaveResult:
    """What ``save`` did to one notebook (``saved``, ``unchanged``, ``invalid``)."""

    path: str
    status: str
    version: dict[str, Any]
    error: str = ""


@dataclass(frozen=True)
class Candidate:
    """A changed notebook, validated and kept as an object, not yet recorded."""

    path: str
    digest: Digest
    stat: os.stat_result | None  # None: the bytes did not come from the file (Jupyter)
    last: dict[str, Any] | None


def _place(settings: config.Settings) -> tuple[str, str]:
    """Where a workspace's versions live: the remote and the prefix. (Another endpoint
    for the same bucket name is taken as another way to the same bucket: a proxy, a
    private endpoint.)"""
    return settings.remote, settings.workspace_prefix


class Workspace:
    """A directory tree of notebooks with ``.nbvc/`` at its root."""

    def __init__(self, root: str | os.PathLike[str], overrides: dict[str, Any] | None = None, *,
                 given_by: str = config.COMMAND_LINE, session: Any = None) -> None:
        """``given_by``: who gave ``overrides`` (errors about them say so); ``session``: a
        ``boto3.Session`` to reach an S3 remote with (its credentials, profile and
        region), instead of the settings' and boto3's chain."""
        self.root = Path(root).resolve()
        self.nbvc_dir = self.root / NBVC_DIR
        if not (self.nbvc_dir / config.CONFIG_FILE).exists():
            raise WorkspaceError(
                f"{self.root} is not an nbvc workspace", hint="run 'nbvc init' there first"
            )
        self.overrides = dict(overrides or {})
        self.given_by = given_by
        self.session = session
        self.settings = config.resolve(self.nbvc_dir, self.overrides, given_by=given_by)
        #: temp files of killed writes removed by this workspace's walks
        self.swept = 0

    # -- finding and creating --------------------------------------------------

    @classmethod
    def find(cls, start: Path | None = None, overrides: dict[str, Any] | None = None, *,
             session: Any = None) -> Workspace:
        """The workspace containing ``start`` (default: the current directory), like git."""
        return cls(Path(find_root(str(start) if start else None)), overrides, session=session)

    @classmethod
    def init(cls, root: str | os.PathLike[str], overrides: dict[str, Any] | None = None, *,
             check_remote: bool = True, given_by: str = config.COMMAND_LINE,
             session: Any = None) -> tuple[Workspace, bool]:
        """Create ``.nbvc/`` (or update its settings); returns (workspace, created).

        ``check_remote`` asks an S3 bucket about its versioning now; off where no
        network call may block (the Jupyter hook), push asks when it first uploads.
        """
        root = Path(root).resolve()
        nbvc_dir = root / NBVC_DIR
        created = not (nbvc_dir / config.CONFIG_FILE).exists()
        given = {k: v for k, v in (overrides or {}).items() if v not in (None, "")}
        if not created:  # settings of an existing workspace change as with `remote set`
            workspace = cls(root, session=session)
            workspace.update_settings(given, check_remote=check_remote, given_by=given_by)
            return workspace, False
        settings = config.resolve(nbvc_dir, saved=given, given_by=given_by, saved_given=given)
        try:
            (nbvc_dir / "objects").mkdir(parents=True, exist_ok=True)
            config.write_toml(nbvc_dir / config.CONFIG_FILE, config.with_identity(given, settings))
        except PermissionError as exc:
            raise WorkspaceError(f"cannot create {nbvc_dir}: {exc.strerror}") from None
        workspace = cls(root, session=session)
        workspace.index  # noqa: B018 - creates the database and its schema
        workspace.prepare_remote(check_remote)
        return workspace, True

    def prepare_remote(self, check: bool = True) -> None:
        """Create the embedded/local store if needed; check an S3 bucket's versioning
        now, while the user is looking (push then spends no request on it)."""
        from ..store import open_store, parse_remote

        if parse_remote(self.settings.remote, self.nbvc_dir).kind == "local":
            open_store(self.settings, self.nbvc_dir, create=True)
        if not check:
            return
        with contextlib.suppress(NbvcError):  # unreachable or unversioned yet: push asks again
            ensure_versioned(self, open_store(replace(self.settings, retries=1), self.nbvc_dir,
                                              session=self.session))

    def update_settings(self, values: dict[str, Any], *, check_remote: bool = True,
                        given_by: str = config.COMMAND_LINE) -> config.Settings:
        """Persist settings to ``.nbvc/config.toml`` (credentials are never written).

        A new place (remote or workspace prefix, e.g. from the embedded
        store to S3, or a new user) carries the history: every version this workspace
        holds is made local first (downloaded from the old place where only the bucket
        had it), then all are pending again, so the next push brings them to the new
        place in order, once. If the old place cannot give them, nothing changes."""
        path = self.nbvc_dir / config.CONFIG_FILE
        saved = config.read_toml(path)
        given = {k: v for k, v in values.items() if v is not None}
        old_user = saved.get("user")
        if given.get("user") and given["user"] != old_user:  # prefixes derived from the old user
            for name, top in (("workspace_prefix", "workspace"), ("published_prefix", "published")):
                if name not in given and saved.get(name) == normalize_prefix(f"{top}/{old_user}"):
                    del saved[name]  # follows the new user
        merged = {k: v for k, v in {**saved, **given}.items() if v != ""}
        origins = {name: config.Origin(given_by, config.GIVEN) if name in given
                   else config.Origin(str(path), config.FILE) for name in merged}
        config.finish(merged, origins)  # validate what is written, before writing
        new = config.resolve(self.nbvc_dir, self.overrides, saved=merged, given_by=given_by,
                             saved_given=given)
        moving = _place(new) != _place(self.settings)
        if moving:
            self._hold_every_version()  # from the old place, before leaving it
        config.write_toml(path, config.with_identity(merged, new))
        self.settings = new
        self.__dict__.pop("store", None)
        if moving:
            self.index.forget_remote()
        self.prepare_remote(check_remote)
        return self.settings

    def _hold_every_version(self) -> None:
        """Make every pushed version of this workspace's history local (verified)."""
        from .remote_versions import complete

        complete(self)  # versions fetch listed without reading their metadata
        for row in self.index.pushed_saves():
            if not self.objects.has(row["sha256"]):
                self.version_bytes(row)

    @cached_property
    def index(self) -> Index:
        return Index(self.nbvc_dir / "index.db")

    @cached_property
    def store(self) -> Store:
        """The remote; opened on first use so local-only commands never import botocore."""
        from ..store import open_store

        return open_store(self.settings, self.nbvc_dir, session=self.session)

    @cached_property
    def objects(self) -> ObjectStore:
        """The local copies of every save (see :mod:`nbvc.objects`)."""
        from ..objects import ObjectStore

        return ObjectStore(self.nbvc_dir / "objects")

    def close(self) -> None:
        if "index" in self.__dict__:
            self.index.close()

    # -- paths -----------------------------------------------------------------

    def relpath(self, user_path: str | os.PathLike[str]) -> str:
        """Workspace-relative POSIX path of a path the user typed (see :func:`tree.relpath`)."""
        return relpath(str(self.root), os.fspath(user_path))

    def abspath(self, relpath: str) -> Path:
        return self.root / check_relpath(relpath)

    def key(self, relpath: str) -> str:
        return key_for(self.settings.workspace_prefix, relpath)

    def published_key(self, relpath: str) -> str:
        return key_for(self.settings.published_prefix, relpath)

    def notebooks(self, paths: list[str] | None = None) -> Iterator[str]:
        """Relative paths of the notebooks on disk under ``paths`` (default: everywhere)."""
        if not paths:
            yield from self._walk(self.root)
            return
        for user_path in paths:
            target = Path(user_path)
            target = target if target.is_absolute() else Path.cwd() / target
            if target.is_dir():
                rel = "" if target.resolve() == self.root else self.relpath(target)
                yield from self._walk(self.root / rel if rel else self.root)
            else:
                yield self.relpath(user_path)

    def tracked(self, paths: list[str]) -> set[str]:
        """Paths the index knows under the given ones (files may be gone from disk)."""
        wanted = [self.relpath(p) if Path(p).resolve() != self.root else "" for p in paths]
        return {
            known for known in self.index.paths()
            if any(w == "" or known == w or known.startswith(w + "/") for w in wanted)
        }

    def _walk(self, top: Path) -> Iterator[str]:
        """The notebooks under ``top``; on the way, the temp files of killed writes
        (see :func:`nbvc.files.sweep`) are removed."""
        from ..files import sweep

        root_len = len(str(self.root)) + 1
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
            self.swept += sweep(dirpath, filenames)
            folder = (dirpath + os.sep)[root_len:].replace(os.sep, "/")
            yield from (folder + name for name in sorted(filenames) if name.endswith(SUFFIX))

    # -- save ------------------------------------------------------------------

    def save(
        self, paths: list[str] | None = None, message: str | None = None, *, strict: bool = True
    ) -> list[SaveResult]:
        """Record a version of each named notebook (default: every changed one); a
        save with a ``message`` is a checkpoint (``nbvc log --kind checkpoint``).

        ``strict``: every file is validated before anything is recorded, so one bad
        notebook records nothing at all. Otherwise bad notebooks are skipped and
        reported as results with status ``invalid`` (what ``push`` wants).
        """
        origin = "checkpoint" if message else None
        if strict:
            examined = list(self._examine_all(paths, strict=True))
            results = [item for item in examined if not isinstance(item, Candidate)]
            results += self._record_all([c for c in examined if isinstance(c, Candidate)], message,
                                        origin=origin)
        else:
            results = list(self.save_each(paths, message, origin=origin))
        return sorted(results, key=lambda r: r.path)

    def save_each(self, paths: list[str] | None = None, message: str | None = None, *,
                  origin: str | None = None) -> Iterator[SaveResult]:
        """Save notebooks as they are read, recorded :data:`SAVE_BATCH` at a time (push
        starts uploading each batch while later ones are still hashed; one file is in
        memory at a time); bad ones come back ``invalid``."""
        batch: list[Candidate] = []
        for item in self._examine_all(paths, strict=False):
            if not isinstance(item, Candidate):
                yield item
                continue
            batch.append(item)
            if len(batch) == SAVE_BATCH:
                yield from self._record_all(batch, message, origin=origin)
                batch = []
        yield from self._record_all(batch, message, origin=origin)

    def _examine_all(self, paths: list[str] | None,
                     strict: bool) -> Iterator[SaveResult | Candidate]:
        from ..objects import ObjectsUnwritable

        explicit = bool(paths)
        relpaths = list(self.notebooks(paths))
        if explicit and not relpaths:
            raise NotFound("no notebooks found at the given paths")
        self.index.check_writable()  # a locked or read-only index changes nothing
        stats = {} if explicit else self.index.all_stats()
        if not explicit:  # a scan of the whole tree also sweeps what killed saves left
            self.objects.sweep()
        for rel in relpaths:
            try:
                yield self._examine(rel, explicit, stats.get(rel))
            except ObjectsUnwritable:
                raise  # not this notebook's fault: nothing can be saved
            except NbvcError as exc:
                if strict:
                    raise
                yield SaveResult(rel, "invalid", {}, exc.message)

    def _examine(self, rel: str, explicit: bool,
                 cached: dict[str, Any] | None) -> SaveResult | Candidate:
        """Unchanged, or a validated candidate whose bytes are already kept as an object.

        Files named explicitly are always re-read; in a scan, the stat cache skips
        those whose (mtime, size, inode) still match. One file is in memory at a time.
        """
        path = f"{self.root}{os.sep}{rel}"
        if (not explicit and cached is not None  # a scan read the whole stat cache first
                and self.stat_says_unchanged(rel, path, cached)):
            return SaveResult(rel, "unchanged", {})
        from ..digest import digest_bytes
        from ..notebook import read_bytes, validate_bytes

        check_relpath(rel)  # checked: the bytes are about to be read and kept
        data, before = read_bytes(path, rel)
        digest = digest_bytes(data)
        last = self.index.last_save(rel)
        if last is not None and self.index.base(rel, last) == digest.sha256:
            return SaveResult(rel, "unchanged", last)
        validate_bytes(rel, data)
        self.objects.ingest_bytes(data, digest)
        return Candidate(rel, digest, before, last)

    def stat_says_unchanged(self, rel: str, path: str | os.PathLike[str],
                            cached: dict[str, Any] | None = None) -> bool:
        """True when the stat cache proves the file still holds its base version."""
        cached = cached or self.index.cached_stat(rel)
        if cached is None or cached["base"] != cached["sha256"] or cached["racy"]:
            return False  # racy: taken within its file's timestamp tick, it proves nothing
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return False
        return (st.st_mtime_ns, st.st_size, st.st_ino) == (
            cached["mtime_ns"], cached["size"], cached["inode"])

    def _record_all(self, candidates: list[Candidate], message: str | None, *,
                    force: bool = False, merged_from: str | None = None,
                    origin: str | None = None) -> list[SaveResult]:
        """Record examined candidates (their objects are already kept): a row and a
        stat each, all in one transaction.

        Other processes record saves of the same notebooks at the same time (``nbvc
        save`` beside the scan of ``nbvc push``, the Jupyter hook, pull saving local
        changes first), so each candidate is examined again under the index's write
        lock (see :meth:`_recorded_meanwhile`): one change is one save, whoever
        records it. Its parent is the newest version as of that moment. ``force``:
        recorded even when unchanged (e.g. the first version under a new name)."""
        if not candidates:
            return []
        with self.index.transaction():
            done: list[SaveResult | None] = []
            items = []
            for c in candidates:
                last = self.index.last_save(c.path)
                done.append(None if force else self._recorded_meanwhile(c, last))
                if done[-1] is None:
                    row = {**self._save_row(c.path, c.digest, message, last), "origin": origin}
                    if merged_from is not None:
                        row["merge_parent_uid"] = merged_from
                    items.append((row, c.stat))
            inserted = iter(self.index.insert_saves(items))
        results = []
        for result in done:
            if result is None:
                row = next(inserted)
                result = SaveResult(row["path"], "saved", row)
            results.append(result)
        return results

    def _recorded_meanwhile(self, c: Candidate, last: dict[str, Any] | None) -> SaveResult | None:
        """Inside the write transaction: "unchanged" when what ``c`` read needs no new
        save any more, because since it was read another process

        * recorded these very bytes (the base, or the newest save, is this content:
          the same change is not recorded twice), or
        * recorded a newer state of the file: the stat cache names a stat other than
          the one ``c`` read under, and the file has that stat now. Recorded late,
          ``c``'s older bytes would become the newest version, sent after the newer
          one, and the newer one would be saved (and sent) once more.
        """
        if last is None:  # nothing recorded of it, by anyone
            return None
        sha256 = c.digest.sha256
        raced = last["id"] != (c.last["id"] if c.last else None)
        cached = self.index.cached_stat(c.path)
        base = cached["base"] if cached and cached["base"] else self.index.base(c.path, last)
        if base == sha256 or (raced and last["kind"] == "save" and last["sha256"] == sha256):
            if c.stat is not None:
                self.index.remember_stat(c.path, c.stat, sha256, c.digest.md5, base=sha256)
            return SaveResult(c.path, "unchanged", last)
        if c.stat is None or cached is None or cached["sha256"] != cached["base"]:
            return None
        seen = (cached["mtime_ns"], cached["size"], cached["inode"])
        if seen == (c.stat.st_mtime_ns, c.stat.st_size, c.stat.st_ino):
            return None
        try:
            now = os.stat(f"{self.root}{os.sep}{c.path}")
        except OSError:
            return None
        if (now.st_mtime_ns, now.st_size, now.st_ino) == seen:
            return SaveResult(c.path, "unchanged", last)
        return None

    def record_digest(self, rel: str, digest: Digest, message: str | None = None, *,
                      force: bool = False, stat: os.stat_result | None = None,
                      merged_from: str | None = None, origin: str | None = None) -> SaveResult:
        """Add a save for content already in the object store, unless it is unchanged
        (``force``: even then, e.g. the first version under a new name). ``stat``, the
        working file's, makes this content its base in the same transaction.
        ``merged_from``: the save id of the version a merge took in (its second parent).
        ``origin``: why it is made, when not a plain save (checkpoint, restore, rename).
        Checked again under the write lock, as a scan's saves are (:meth:`_record_all`)."""
        last = self.index.last_save(rel)
        if last is not None and not force and self.index.base(rel, last) == digest.sha256:
            if stat is not None:
                self.index.remember_stat(rel, stat, digest.sha256, digest.md5, base=digest.sha256)
            return SaveResult(rel, "unchanged", last)
        return self._record_all([Candidate(rel, digest, stat, last)], message, force=force,
                                merged_from=merged_from, origin=origin)[0]

    def _save_row(self, rel: str, digest: Digest, message: str | None,
                  last: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "uid": new_uid(),
            "path": rel,
            "sha256": digest.sha256,
            "md5": digest.md5,
            "size": digest.size,
            "saved_at": utcnow(),
            "author": self.settings.user,
            "host": self.settings.host,
            "parent_uid": last["uid"] if last else None,
            "message": message,
        }

    def version_bytes(self, row: SaveRow) -> bytes:
        """A version's exact bytes: the local object, else downloaded once and kept."""
        if self.objects.has(row["sha256"]):
            return self.objects.read(row["sha256"])
        if row.get("version_id") is None:
            return self.objects.read(row["sha256"])  # raises: unpushed and lost
        from ..digest import digest_bytes

        data = self.store.get(row["key"], row["version_id"])
        digest = digest_bytes(data)
        if digest.sha256 != row["sha256"]:
            raise WorkspaceError(
                f"{row['path']}: version {row['version_id']} does not match its sha256"
            )
        self.objects.ingest_bytes(data, digest)
        return data

    def preserve(self, rel: str, message: str | None, *, force: bool = False) -> SaveResult | None:
        """Snapshot the working file as it is, valid notebook or not, before nbvc
        replaces it: whatever happens next, those bytes stay in the history."""
        path = self.abspath(rel)
        if not path.is_file():
            return None
        before = path.stat()
        digest = self.objects.ingest_file(path)
        return self.record_digest(rel, digest, message, force=force, stat=before)

    def replace_working_file(self, rel: str, row: SaveRow) -> None:
        """Write a version's bytes over the working file: verified, then renamed in."""
        from ..files import write_atomic

        write_atomic(self.abspath(rel), self.version_bytes(row), inside=self.root)

    # -- history ---------------------------------------------------------------

    def complete_history(self, rel: str) -> int:
        """Read the metadata of versions of ``rel`` that fetch learned from a listing
        alone (a query when there are none: no network, no boto3)."""
        if not self.index.has_sketches(rel):
            return 0
        from .remote_versions import complete

        return complete(self, rel)

    def log_records(self, user_path: str, limit: int | None = None,
                    describe: bool = True) -> list[dict[str, Any]]:
        """Versions as documented JSON records, each with its names and the publishes
        made of it."""
        from .records import publishes_by_version, version_record

        rows = self.log(user_path, limit, describe=describe)
        publishes = publishes_by_version(self.index.publishes_of(rows[0]["path"]))
        names = self.index.version_names()
        return [{**version_record(r, names), "published": publishes.get(r["version_id"], [])}
                for r in rows]

    def log(self, user_path: str, limit: int | None = None, offset: int = 0,
            describe: bool = True) -> list[dict]:
        """Versions of one notebook, newest first (``describe``: first read the metadata
        of versions fetched without it)."""
        rel = self.relpath(user_path)
        if describe:
            self.complete_history(rel)
        rows = self.index.history(rel, limit, offset)
        if not rows and offset == 0:
            raise NotFound.no_versions(rel)
        return rows


#: the index's note that the remote's versioning was found Enabled (its URL)
VERSIONING_FACT = "versioning-enabled"


def ensure_versioned(workspace: Workspace, store: Store | None = None) -> None:
    """Refuse to push into a bucket that would overwrite saves. Asked once per remote
    (the answer is kept in the index); afterwards every PUT's VersionId tells."""
    store = store or workspace.store
    url = store.display_url()
    if workspace.index.fact(VERSIONING_FACT) == url:
        return
    status = store.versioning()
    if status != "Enabled":
        raise RemoteError(
            f"{url}: bucket versioning is {status}; pushing would overwrite earlier saves",
            hint="enable it (aws s3api put-bucket-versioning --bucket BUCKET "
                 "--versioning-configuration Status=Enabled), then push again",
        )
    workspace.index.set_fact(VERSIONING_FACT, url)
