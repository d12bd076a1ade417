"""The workspace index: a SQLite cache of what this workspace knows.

Tables: ``saves`` (every version of every notebook, local or learned from the
remote), ``heads`` (per notebook, the remote version this workspace's work is
based on: the last one it pushed or pulled), ``remote_latest`` (the remote's
latest version at the last fetch), ``publishes``, ``names`` (named versions, as
the bucket's name records say) and ``stat_cache``. It knows
nothing of S3: the core joins it to a store. WAL mode and a busy timeout let
the Jupyter server and the CLI share it.

Beside it, ``journal`` lists every local save as one JSON line, appended in the
transaction that records it; the index keeps how far the journal reached. An
index that lost saves (a damaged write-ahead log, a file emptied or deleted)
is therefore noticed the next time it is opened: a tail the index lacks is
recorded again at once, a lost index is refused until ``nbvc doctor --repair``
rebuilds it from the bucket and the journal.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import namedtuple
from contextlib import contextmanager
from functools import cached_property
from threading import RLock

from ..envvars import lock_timeout
from ..errors import WorkspaceError
from ..tree import RACY_MTIME, racy

TYPE_CHECKING = False  # typing's flag, without importing typing (status's start-up)
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator
    from pathlib import Path
    from typing import Any

    from sqlite_utils import Database

    from .rows import HeadRow, LogRow, NameRow, PublishRow, RemoteLatestRow, SaveRow, StatRow

#: how many of the migrations in :mod:`nbvc.index.schema` an up-to-date index has run
#: (its ``PRAGMA user_version``)
SCHEMA_VERSION = 8
JOURNAL = "journal"
#: the schema version that brought the journal (an index older than it had none)
JOURNAL_SINCE = 6
#: what the journal keeps of a local save: all it takes to record it again
JOURNAL_FIELDS = ("uid", "path", "kind", "sha256", "md5", "size", "saved_at", "author", "host",
                  "parent_uid", "merge_parent_uid", "message", "origin")
#: what made a version, as ``nbvc log`` shows it: save, checkpoint, restore, merge,
#: rename, run (a papermill run's output), delete (a delete marker) or shelved (kept,
#: never pushed); the SQL and the
#: Python of one rule, side by side
KINDS = ("save", "checkpoint", "restore", "merge", "rename", "run", "delete", "shelved")
KIND_SQL = ("CASE WHEN kind != 'save' THEN kind WHEN merge_parent_uid IS NOT NULL THEN 'merge' "
            "ELSE coalesce(origin, 'save') END")


def version_kind(row: Any) -> str:
    """:data:`KIND_SQL` for one row."""
    if row["kind"] != "save":
        return str(row["kind"])
    if row.get("merge_parent_uid"):
        return "merge"
    return str(row.get("origin") or "save")


def journal_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def index_error(path: str | Path, exc: sqlite3.Error) -> WorkspaceError:
    """SQLite's failures, said as what they mean for the user."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return WorkspaceError(f"index {path} is locked by another process",
                              hint="wait for the other nbvc command to finish, then retry")
    if "readonly" in text or "read-only" in text:
        return WorkspaceError(f"index {path} is read-only", hint="check the folder's permissions")
    return WorkspaceError(f"index {path} is unreadable ({text})",
                          hint="run 'nbvc doctor --repair' to rebuild it from the remote")

#: the fields of a :meth:`Index.log_rows` tuple, in order (:data:`.rows.LogRow`)
LOG_FIELDS = ("sha256", "saved_at", "size", "author", "host", "path", "kind", "key", "version_id",
              "unverified", "message")


#: a known path without a stat cache: (mtime_ns, size, inode, clean, ahead)
#: the last field of a status row: where the remote's latest (as last fetched) stands
REMOTE_SAME, REMOTE_AHEAD, REMOTE_DELETED = 0, 1, 2
NO_STAT: tuple[Any, ...] = (None, None, None, None, REMOTE_SAME)
#: the mtime status compares a file's with: none a file has while its stat is racy
STAT_MTIME = f"CASE WHEN racy THEN {RACY_MTIME} ELSE mtime_ns END"


class Landed(namedtuple("Landed", "uid path key version_id etag when")):
    """A save the bucket now holds: which save (``uid``, ``path``), under which
    ``key``, ``version_id`` and ``etag``, and ``when`` (typing's NamedTuple would
    import typing, which status starts without)."""

    __slots__ = ()


class Index:
    """One workspace's index database, safe to share between threads and processes."""

    def __init__(self, path: str | Path, *, rebuilding: bool = False) -> None:
        """Open the index at ``path``. An index that is missing or empty although the
        workspace holds saves is refused (:class:`WorkspaceError` naming the repair);
        ``rebuilding``: the repair's own open, which makes a new one."""
        self.path = path
        self.journal = os.path.join(os.path.dirname(path), JOURNAL)
        self._lock = RLock()
        if not rebuilding:
            self._check_present()
        try:
            timeout = lock_timeout()
            self.conn = sqlite3.connect(
                path, timeout=timeout, check_same_thread=False, isolation_level=None
            )
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            if not rebuilding:
                self._catch_up()
        except sqlite3.Error as exc:
            raise index_error(path, exc) from None

    def _check_present(self) -> None:
        """A missing or empty index is new, unless the journal or the local objects
        say this workspace has saved before: then it was lost, and a new empty one
        would silently be a shorter history."""
        try:
            if os.stat(self.path).st_size:
                return
            state = "empty"
        except FileNotFoundError:
            state = "missing"
        objects = os.path.join(os.path.dirname(self.path), "objects")
        try:
            saved = any(entry.is_dir() for entry in os.scandir(objects))
        except OSError:
            saved = False
        if saved or journal_size(self.journal):
            raise WorkspaceError(
                f"index {self.path} is {state}, but this workspace has saves",
                hint="run 'nbvc doctor --repair' to rebuild it from the bucket, the journal "
                     "and the local objects")

    def _catch_up(self) -> None:
        """Record again the saves the journal holds and the index lost (see the module's
        note): one stat and one read when nothing was lost."""
        (reached,) = self.conn.execute("SELECT size FROM journal").fetchone()
        if journal_size(self.journal) == reached:
            return
        with self.transaction():  # journal appends are made under this lock: now it is still
            (reached,) = self.conn.execute("SELECT size FROM journal").fetchone()
            found = self.replay_journal(reached) if journal_size(self.journal) > reached else 0
            self.mark_journal_read()
        if found:
            import logging

            logging.getLogger("nbvc.index").warning(
                "warning: the index had lost %d save(s); recorded again from %s", found,
                self.journal)

    def mark_journal_read(self) -> None:
        """Inside a transaction: the index holds every save the journal has now."""
        self.conn.execute("UPDATE journal SET size=?", [journal_size(self.journal)])

    def replay_journal(self, start: int = 0) -> int:
        """Inside a transaction: record the journal's saves from byte ``start`` that the
        index does not hold; returns how many. A save older than its notebook's newest
        version here is kept in history as ``shelved`` (never pushed over newer work);
        newer ones are pending, for push to send (or adopt, when a push had landed it)."""
        try:
            with open(self.journal, "rb") as handle:
                handle.seek(start)
                lines = handle.read().splitlines()
        except FileNotFoundError:
            return 0
        import json

        entries = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:  # the torn last line of a write cut short
                continue
            if isinstance(entry, dict):
                entries.append(entry)
        forgotten = {e["forget"] for e in entries if isinstance(e.get("forget"), str)}
        for uid in forgotten:  # pruned from the bucket: gone from the history too
            self.conn.execute("DELETE FROM saves WHERE uid=? AND version_id IS NOT NULL", [uid])
        found = 0
        for entry in entries:
            if (not isinstance(entry.get("uid"), str) or entry["uid"] in forgotten
                    or self.conn.execute("SELECT 1 FROM saves WHERE uid=?",
                                         [entry["uid"]]).fetchone()):
                continue
            row = {name: entry.get(name) for name in JOURNAL_FIELDS}
            newest = self.conn.execute("SELECT max(saved_at) FROM saves WHERE path=?",
                                       [row["path"]]).fetchone()[0]
            if newest is not None and newest > row["saved_at"]:
                row["kind"] = "shelved"
            else:  # the cached stat and base predate this save: the next scan re-reads
                self.conn.execute("DELETE FROM stat_cache WHERE path=?", [row["path"]])
            self.add_save(row)
            found += 1
        return found

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """An immediate (write-locked) transaction, serialised between threads too.
        Inside one this thread holds, another joins it (commits with it)."""
        with self._lock:
            if self.conn.in_transaction:  # ours: the lock is held by whoever opened it
                yield
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise index_error(self.path, exc) from None
            try:
                yield
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise index_error(self.path, exc) from None
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def check_writable(self) -> None:
        """Fail now, before anything else is written, if the index cannot be written
        (locked by another process, read-only)."""
        with self.transaction():
            pass

    @cached_property
    def db(self) -> Database:
        """The index as sqlite-utils sees it, for the schema and the writes of whole rows.
        Made on first use: the commands that only read (``status``, ``log``) start
        without importing sqlite-utils. Without its plugins (they could change the
        connection) and its recursive-triggers setting (nbvc's triggers do not recurse)."""
        from sqlite_utils import Database

        return Database(self.conn, recursive_triggers=False, execute_plugins=False)

    def _migrate(self) -> None:
        """Bring the schema up to date; an up-to-date index is opened without a write lock."""
        if self.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        from .schema import MIGRATIONS

        with self.transaction():
            current = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"index {self.path} was written by a newer nbvc (schema {current})",
                    hint="upgrade nbvc",
                )
            MIGRATIONS.apply(self.db)
            applied = len(MIGRATIONS.applied(self.db))
            if applied != SCHEMA_VERSION:
                raise RuntimeError(f"SCHEMA_VERSION is {SCHEMA_VERSION}, but {applied} "
                                   "migrations are defined")
            if 0 < current < JOURNAL_SINCE:  # unpushed saves made before the journal
                self._journal(self.rows("SELECT * FROM saves WHERE version_id IS NULL "
                                        "AND kind IN ('save', 'shelved') ORDER BY id"))
            self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def rows(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts; ``params`` positional (``?``) or named (``:name``)."""
        with self._lock:
            try:
                cursor = self.conn.execute(sql, params if isinstance(params, dict) else tuple(params))
                names = [d[0] for d in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            except sqlite3.Error as exc:
                raise index_error(self.path, exc) from None

    def one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    # -- saves -----------------------------------------------------------------

    def last_save(self, path: str) -> SaveRow | None:
        """The newest version of ``path`` known here (a local save or a fetched one)."""
        return self.one(
            "SELECT * FROM saves WHERE path=? ORDER BY saved_at DESC, id DESC LIMIT 1", [path]
        )

    SAVE_DEFAULTS: dict[str, Any] = {"kind": "save", "parent_uid": None, "merge_parent_uid": None,
                                     "message": None, "origin": None,
                                     "key": None, "version_id": None, "etag": None,
                                     "pushed_at": None, "unverified": 0}

    def insert_save(self, row: dict[str, Any], stat: Any = None) -> SaveRow:
        """Record a save (and, with ``stat``, the working file it came from as its base)
        in one transaction; returns the full row."""
        return self.insert_saves([(row, stat)])[0]

    def insert_saves(self, items: list[tuple[dict[str, Any], Any]]) -> list[SaveRow]:
        """:meth:`insert_save` for many (row, stat) pairs in one transaction: a scan
        of thousands of changed notebooks commits a few times, not once per file."""
        with self.transaction():
            inserted = []
            for row, stat in items:
                inserted.append(self.add_save(row))
                if stat is not None:
                    self._remember_stat(row["path"], stat, row["sha256"], row["md5"], row["sha256"])
            self._journal([row for row in inserted if row["version_id"] is None])
        return inserted

    def _journal(self, rows: list[dict[str, Any]]) -> None:
        """Append local saves to the journal, inside the transaction recording them."""
        self._append_journal([{name: row.get(name) for name in JOURNAL_FIELDS} for row in rows])

    def _append_journal(self, entries: list[dict[str, Any]]) -> None:
        """Append entries, one JSON line each, inside the caller's transaction. A last
        line torn by an earlier write cut short is ended first (so it cannot swallow
        these); a write that fails is taken back."""
        if not entries:
            return
        import orjson

        data = b"".join(orjson.dumps(entry) + b"\n" for entry in entries)
        fd = os.open(self.journal, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            except OSError:
                os.ftruncate(fd, size)
                raise
            end = os.lseek(fd, 0, os.SEEK_END)
        finally:
            os.close(fd)
        self.conn.execute("UPDATE journal SET size=?", [end])

    def add_save(self, row: dict[str, Any]) -> SaveRow:
        """Insert a saves row inside the caller's transaction; returns it with its id.
        One plain statement rather than sqlite-utils' insert: a fetch makes one per
        version it learns (a large bucket holds 100,000), where sqlite-utils spends
        several times as long on each (benchmarks/README.md)."""
        full = {**self.SAVE_DEFAULTS, **row}
        sql = f"INSERT INTO saves ({', '.join(full)}) VALUES ({', '.join('?' * len(full))})"
        return {**full, "id": self.conn.execute(sql, tuple(full.values())).lastrowid}

    def set_remote_latest(self, rows: list[dict[str, Any]]) -> None:
        """Inside the caller's transaction: the remote's latest version of each path,
        as a fetch listed it (``path, key, version_id, etag, deleted, fetched_at``)."""
        if rows:
            self.db["remote_latest"].upsert_all(rows, pk="path")

    def history(self, path: str, limit: int | None = None, offset: int = 0) -> list[SaveRow]:
        """Versions of ``path``, newest first."""
        sql = "SELECT * FROM saves WHERE path=? ORDER BY saved_at DESC, id DESC"
        params: list[Any] = [path]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self.rows(sql, params)

    @staticmethod
    def _history_filter(path: str | None, since: str | None, author: str | None,
                        kind: str | None = None) -> tuple[str, dict[str, Any]]:
        """The WHERE clause (and its named parameters) of a log: one notebook or all,
        versions saved since an index timestamp, by one user, of one kind."""
        given = {"path": path, "since": since, "author": author, "kind": kind}
        clauses = {"path": "path = :path", "since": "saved_at >= :since", "author": "author = :author",
                   "kind": f"{KIND_SQL} = :kind"}
        used = [name for name, value in given.items() if value is not None]
        return ("WHERE " + " AND ".join(clauses[n] for n in used) if used else "",
                {n: given[n] for n in used})

    def workspace_history(self, limit: int | None = None, since: str | None = None,
                          author: str | None = None, path: str | None = None,
                          kind: str | None = None) -> list[SaveRow]:
        """Versions of every notebook (or of ``path``), newest first; ``since``: an index
        timestamp; ``author``: the user who saved them; ``kind``: one of :data:`KINDS`."""
        where, params = self._history_filter(path, since, author, kind)
        return self.rows(f"SELECT * FROM saves {where} ORDER BY saved_at DESC, id DESC LIMIT :limit",
                         {**params, "limit": -1 if limit is None else limit})

    def log_rows(self, path: str | None, limit: int | None = None, since: str | None = None,
                 author: str | None = None, kind: str | None = None) -> list[LogRow]:
        """What ``nbvc log`` shows of each version (of ``path``, or of every notebook),
        newest first: plain tuples of :data:`LOG_FIELDS`, as stored but for ``kind``
        (one of :data:`KINDS`). Tuples, not dicts: a workspace's log reads every
        version. Their names and publishes: :meth:`version_names`,
        :meth:`published_versions`. ``since``, ``author`` and ``kind`` filter as in
        :meth:`workspace_history`."""
        where, params = self._history_filter(path, since, author, kind)
        fields = ", ".join(KIND_SQL if f == "kind" else f for f in LOG_FIELDS)
        sql = f"SELECT {fields} FROM saves {where} ORDER BY saved_at DESC, id DESC LIMIT :limit"
        with self._lock:
            return self.conn.execute(sql, {**params, "limit": -1 if limit is None else limit}
                                     ).fetchall()

    def count_saves(self, path: str) -> int:
        row = self.one("SELECT count(*) AS n FROM saves WHERE path=?", [path])
        return int(row["n"]) if row else 0

    def paths(self) -> list[str]:
        return [r["path"] for r in self.rows("SELECT DISTINCT path FROM saves ORDER BY path")]

    # -- sketches: remote versions whose metadata is not read yet ------------------

    def sketches(self, path: str | None = None) -> list[SaveRow]:
        sql = "SELECT * FROM saves WHERE sha256='' AND kind='save'"
        return self.rows(sql + " AND path=?", [path]) if path else self.rows(sql)

    def has_sketches(self, path: str) -> bool:
        return self.one("SELECT 1 AS x FROM saves WHERE sha256='' AND kind='save' AND path=? "
                        "LIMIT 1", [path]) is not None

    def adopt(self, save_id: int, landed: dict[str, Any]) -> None:
        """Inside the caller's transaction: an unpushed save (a killed push had landed
        it) takes the key, VersionId, ETag and time of the version that ``landed``."""
        self.conn.execute(
            "UPDATE saves SET key=?, version_id=?, etag=?, pushed_at=? WHERE id=?",
            (landed["key"], landed["version_id"], landed["etag"], landed["pushed_at"], save_id))

    def complete_sketch(self, row: dict[str, Any]) -> None:
        """Fill a sketch in from its metadata. When the metadata names a save this
        index holds unpushed (a killed push had landed it), that save is adopted."""
        with self.transaction():
            mine = self.one("SELECT id, version_id FROM saves WHERE uid=?", [row["uid"]])
            if mine is not None and mine["id"] != row["id"]:
                if mine["version_id"] is None:
                    self.adopt(mine["id"], row)
                    self.conn.execute("DELETE FROM saves WHERE id=?", [row["id"]])
                    return
                row = {**row, "uid": f"s3:{row['version_id']}"}  # the same save id twice
            self.conn.execute(
                "UPDATE saves SET uid=?, sha256=?, saved_at=?, author=?, host=?, parent_uid=?, "
                "merge_parent_uid=?, message=?, origin=?, unverified=? WHERE id=?",
                (row["uid"], row["sha256"], row["saved_at"], row["author"], row["host"],
                 row["parent_uid"], row.get("merge_parent_uid"), row["message"],
                 row.get("origin"), row.get("unverified", 0), row["id"]))

    # -- stat cache ------------------------------------------------------------

    def status_rows(self) -> dict[str, tuple[Any, ...]]:
        """Per known path, in one read transaction: its stat cache (mtime_ns, size,
        inode), whether the cached hash equals the base (see :meth:`base`; None without
        a stat cache or a base), and where the remote's latest (as last fetched) stands
        against the head: :data:`REMOTE_SAME`, :data:`REMOTE_AHEAD` or
        :data:`REMOTE_DELETED`. Tuples: status reads this for every notebook on each call.

        Plain scans rather than one query joining the four tables: each join is two
        b-tree searches per notebook, and status reads every notebook."""
        with self.reading():
            return self._status_rows(self.conn)

    @staticmethod
    def _status_rows(conn: sqlite3.Connection) -> dict[str, tuple[Any, ...]]:
        rows = dict.fromkeys([p for (p,) in conn.execute("SELECT DISTINCT path FROM saves")],
                             NO_STAT)
        stats = conn.execute(
            f"SELECT path, {STAT_MTIME}, size, inode, sha256 = base FROM stat_cache"
            " WHERE base IS NOT NULL"
            " UNION ALL"  # no base cached: compared with the newest version, as base() does
            f" SELECT c.path, {STAT_MTIME}, c.size, c.inode, c.sha256 ="
            "   (SELECT CASE s.kind WHEN 'save' THEN s.sha256 END FROM saves s"
            "    WHERE s.path = c.path ORDER BY s.saved_at DESC, s.id DESC LIMIT 1)"
            " FROM stat_cache c WHERE c.base IS NULL")
        for path, mtime_ns, size, inode, clean in stats:
            if path in rows:
                rows[path] = (mtime_ns, size, inode, clean, REMOTE_SAME)
        for path, deleted in conn.execute(
                "SELECT r.path, r.deleted FROM remote_latest r LEFT JOIN heads h ON h.path = r.path"
                " WHERE r.version_id IS NOT NULL AND r.version_id IS NOT h.version_id"):
            if path in rows:
                rows[path] = (*rows[path][:4], REMOTE_DELETED if deleted else REMOTE_AHEAD)
        return rows

    def generation(self) -> tuple[str, int]:
        """(this database's token, its count of changes to what status reads): equal
        twice only if saves, heads, remote_latest and stat_cache did not change. Under
        the lock: another thread's open transaction on this connection is not read."""
        with self._lock:
            token, number = self.conn.execute("SELECT token, number FROM generation").fetchone()
        return token, number

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One read transaction: the reads inside see one state of the index."""
        with self._lock:
            own = not self.conn.in_transaction
            if own:
                self.conn.execute("BEGIN")
            try:
                yield
            finally:
                if own:
                    self.conn.execute("COMMIT")

    def pending_counts(self) -> dict[str, int]:
        """Per path, how many local saves wait for push."""
        return dict(self.conn.execute(
            "SELECT path, count(*) FROM saves WHERE version_id IS NULL AND kind='save'"
            " GROUP BY path"))

    def cached_stat(self, path: str) -> StatRow | None:
        return self.one("SELECT * FROM stat_cache WHERE path=?", [path])

    def all_stats(self) -> dict[str, StatRow]:
        return {r["path"]: r for r in self.rows("SELECT * FROM stat_cache")}

    def remember_stat(self, path: str, st: Any, sha256: str, md5: str,
                      base: str | None = None) -> None:
        """Cache a file's (mtime, size, inode) -> hash; ``base`` is the sha256 of the
        version the working file stands on (kept as it was when None)."""
        with self.transaction():
            self._remember_stat(path, st, sha256, md5, base)

    def _remember_stat(self, path: str, st: Any, sha256: str, md5: str, base: str | None) -> None:
        # plain SQL: status refreshes stats, and starts without importing sqlite-utils
        self.conn.execute(
            "INSERT INTO stat_cache (path, mtime_ns, size, inode, sha256, md5, base, racy) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
            "mtime_ns=excluded.mtime_ns, size=excluded.size, inode=excluded.inode, "
            "sha256=excluded.sha256, md5=excluded.md5, "
            "base=coalesce(excluded.base, stat_cache.base), racy=excluded.racy",
            (path, st.st_mtime_ns, st.st_size, st.st_ino, sha256, md5, base,
             racy(st.st_mtime_ns, time.time_ns())),
        )

    def base(self, path: str, last: dict[str, Any] | None = None) -> str | None:
        """sha256 of the version the working file stands on: what it was last saved
        or pulled as; the newest known version when this index never saw the file
        (``last``: that newest version, when the caller has it already)."""
        cached = self.cached_stat(path)
        if cached and cached["base"]:
            return str(cached["base"])
        last = last or self.last_save(path)
        return last["sha256"] if last and last["kind"] == "save" else None

    # -- remote state ----------------------------------------------------------

    # -- single lookups the verbs make (every statement lives here) ------------------

    def by_uid(self, uid: str) -> SaveRow | None:
        """The save with this save id."""
        return self.one("SELECT * FROM saves WHERE uid=?", [uid])

    def version(self, key: str, version_id: str) -> SaveRow | None:
        """The row recording one version in the bucket (``key`` at ``version_id``)."""
        return self.one("SELECT * FROM saves WHERE key=? AND version_id=?", [key, version_id])

    def version_of(self, path: str, version_id: str) -> SaveRow | None:
        """The row of ``path``'s history recording the version ``version_id``."""
        return self.one("SELECT * FROM saves WHERE path=? AND version_id=?", [path, version_id])

    def known_versions(self, keys: Collection[str]) -> set[tuple[str, str]]:
        """(key, VersionId) of every version recorded under ``keys``."""
        found: set[tuple[str, str]] = set()
        keys = list(keys)
        with self._lock:
            for start in range(0, len(keys), 500):  # SQLite before 3.32 takes 999 parameters
                chunk = keys[start:start + 500]
                found.update(self.conn.execute(
                    f"SELECT key, version_id FROM saves WHERE key IN ({','.join('?' * len(chunk))})"
                    " AND version_id IS NOT NULL", chunk))
        return found

    def was_pushed(self, path: str) -> bool:
        """Whether any version of ``path`` is in the bucket."""
        return self.one("SELECT 1 AS x FROM saves WHERE path=? AND version_id IS NOT NULL "
                        "LIMIT 1", [path]) is not None

    def pending_through(self, path: str, save_id: int) -> list[SaveRow]:
        """``path``'s unpushed saves up to the save ``save_id``, oldest first."""
        return self.rows("SELECT * FROM saves WHERE path=? AND version_id IS NULL AND kind='save' "
                         "AND id<=? ORDER BY id", [path, save_id])

    def pending_hashes(self) -> list[str]:
        """The content hashes of every unpushed save."""
        return [r["sha256"] for r in self.rows(
            "SELECT DISTINCT sha256 FROM saves WHERE version_id IS NULL AND kind='save'")]

    def kept_versions(self) -> list[SaveRow]:
        """Every version with content (all but delete markers), oldest first."""
        return self.rows("SELECT * FROM saves WHERE kind != 'delete' ORDER BY id")

    def count_all_saves(self) -> int:
        row = self.one("SELECT count(*) AS n FROM saves")
        return int(row["n"]) if row else 0

    def checkpoints(self, path: str, limit: int) -> list[SaveRow]:
        """``path``'s newest ``limit`` versions with content, newest first."""
        return self.rows("SELECT * FROM saves WHERE path=? AND kind != 'delete' "
                         "ORDER BY saved_at DESC, id DESC LIMIT ?", [path, limit])

    def path_of_ref(self, ref: str, hash_prefix: str, min_prefix: int) -> str | None:
        """The notebook holding a version named by VersionId ``ref`` or by a hash
        prefix (``hash_prefix``, at least ``min_prefix`` long), whichever notebook."""
        row = self.one("SELECT path FROM saves WHERE version_id=? OR "
                       "(length(?) >= ? AND sha256 LIKE ? || '%') LIMIT 1",
                       [ref, hash_prefix, min_prefix, hash_prefix])
        return row["path"] if row else None

    def remote_paths(self) -> list[str]:
        """Every notebook the last fetch found in the bucket, in order."""
        return [r["path"] for r in self.rows("SELECT path FROM remote_latest ORDER BY path")]

    def remote_latest(self, path: str) -> RemoteLatestRow | None:
        """The bucket's latest version of ``path`` as of the last fetch."""
        return self.one("SELECT * FROM remote_latest WHERE path=?", [path])

    def head(self, path: str) -> HeadRow | None:
        return self.one("SELECT * FROM heads WHERE path=?", [path])

    def forget_head(self, path: str) -> None:
        """``path``'s work stands on no version in the bucket (its key's latest there is
        a delete marker): its next push is a new key's (``If-None-Match: *``)."""
        with self.transaction():
            self.conn.execute("DELETE FROM heads WHERE path=?", [path])

    def deleted_remotely(self, path: str | None = None) -> list[dict[str, Any]]:
        """The notebooks (all, or ``path``) whose latest in the bucket, as of the last
        fetch, is a delete marker, by path: each ``{"remote": RemoteLatestRow, "marker":
        the delete marker's row (None if not recorded), "last": the newest version with
        content under that key, the one the marker hides (None if none is known)}``.
        Looked up by key, not path: a renamed notebook's old versions follow its new path."""
        where, params = ("AND path=?", [path]) if path is not None else ("", [])
        with self.reading():
            remotes = self.rows(f"SELECT * FROM remote_latest WHERE deleted=1 {where} ORDER BY path",
                                params)
            return [{
                "remote": r,
                "marker": self.one("SELECT * FROM saves WHERE key=? AND version_id=? AND kind='delete'",
                                   [r["key"], r["version_id"]]),
                "last": self.one("SELECT * FROM saves WHERE key=? AND kind='save' AND version_id "
                                 "IS NOT NULL ORDER BY saved_at DESC, id DESC LIMIT 1", [r["key"]]),
            } for r in remotes]

    def heads(self) -> dict[str, HeadRow]:
        return {r["path"]: r for r in self.rows("SELECT * FROM heads")}

    def mark_origin(self, uid: str, origin: str) -> None:
        """A version already recorded turns out to be a checkpoint (say): recorded here,
        and in the bucket's metadata if it is pushed later."""
        with self.transaction():
            self.conn.execute("UPDATE saves SET origin=? WHERE uid=? AND origin IS NULL",
                              [origin, uid])

    def mark_pushed(self, landed: list[Landed]) -> None:
        """Record that saves are in the bucket and that the remote now stands there,
        in one transaction and in order (a notebook's head ends at its newest). A save
        whose notebook was renamed while it was uploading sets no head: its key is the
        old name's."""
        with self.transaction():
            for uid, path, key, version_id, etag, when in landed:
                self.conn.execute(
                    "UPDATE saves SET key=?, version_id=?, etag=?, pushed_at=? WHERE uid=?",
                    (key, version_id, etag, when, uid))
                now = self.conn.execute("SELECT path FROM saves WHERE uid=?", (uid,)).fetchall()
                if now == [(path,)]:
                    self._set_head(path, key, version_id, etag, when)

    def pushed_saves(self) -> list[SaveRow]:
        """Every save that is in the bucket (its key and VersionId known), oldest first."""
        return self.rows("SELECT * FROM saves WHERE kind='save' AND version_id IS NOT NULL ORDER BY id")

    def _unpush(self, where: str, params: list[Any]) -> None:
        """Inside the caller's transaction: the rows ``where`` selects no longer name a
        version in the bucket: saves are pending again, delete markers go."""
        self.conn.execute(f"DELETE FROM saves WHERE kind='delete' AND {where}", params)
        self.conn.execute("UPDATE saves SET key=NULL, version_id=NULL, etag=NULL, pushed_at=NULL "
                          f"WHERE version_id IS NOT NULL AND {where}", params)

    def forget_remote(self) -> None:
        """The workspace moved to another place: every save it holds is pending again
        (push brings them, in order, once) and nothing is known of the new place yet;
        delete markers of the old place go."""
        with self.transaction():
            self._unpush("1", [])
            for table in ("heads", "remote_latest", "remote_facts", "names"):
                self.conn.execute(f"DELETE FROM {table}")

    def recorded_versions(self) -> list[SaveRow]:
        """Every row that names a version in the bucket (saves and delete markers)."""
        return self.rows("SELECT id, path, kind, sha256, key, version_id FROM saves "
                         "WHERE version_id IS NOT NULL")

    def forget_versions(self, ids: list[int]) -> None:
        """Rows naming versions the bucket does not have: saves are pending again (push
        sends them on top of the bucket's latest, as last fetched), delete markers go."""
        with self.transaction():
            paths = set()
            for row_id in ids:
                paths.update(p for (p,) in self.conn.execute("SELECT path FROM saves WHERE id=?", [row_id]))
                self._unpush("id=?", [row_id])
            for path in paths:
                self.conn.execute("DELETE FROM heads WHERE path=?", [path])
                self.conn.execute(
                    "INSERT INTO heads (path, key, version_id, etag, seen_at) "
                    "SELECT path, key, version_id, etag, fetched_at FROM remote_latest "
                    "WHERE path=? AND deleted = 0", [path])

    def shelve_pending(self, path: str) -> int:
        """Keep a notebook's unpushed saves in its history but never push them (the
        working file took another version); returns how many."""
        with self.transaction():
            return self.conn.execute(
                "UPDATE saves SET kind='shelved' WHERE path=? AND version_id IS NULL AND kind='save'",
                [path]).rowcount

    def base_on_ancestors(self) -> None:
        """Inside a transaction: a notebook with unpushed saves and no recorded base (a
        rebuilt index) is based on the nearest pushed version its oldest unpushed save
        descends from, so push sends them on top of it (or meets a true conflict)."""
        rows = self.conn.execute(
            "SELECT s.path, s.parent_uid FROM saves s LEFT JOIN heads h ON h.path = s.path "
            "WHERE h.path IS NULL AND s.version_id IS NULL AND s.kind='save' "
            "AND s.id = (SELECT min(id) FROM saves WHERE path=s.path AND version_id IS NULL "
            "AND kind='save')").fetchall()
        for path, uid in rows:
            seen = set()
            while uid is not None and uid not in seen:
                seen.add(uid)
                found = self.conn.execute("SELECT key, version_id, etag, pushed_at, parent_uid "
                                          "FROM saves WHERE uid=?", [uid]).fetchone()
                if found is None:
                    break
                key, version_id, etag, when, uid = found
                if version_id is not None:
                    self._set_head(path, key, version_id, etag, when)
                    break

    def set_head(self, path: str, key: str, version_id: str, etag: str, when: str) -> None:
        with self.transaction():
            self._set_head(path, key, version_id, etag, when)

    def _set_head(self, path: str, key: str, version_id: str, etag: str, when: str) -> None:
        # plain SQL: this runs once per pushed save, from every upload thread
        self.conn.execute(
            "INSERT INTO heads (path, key, version_id, etag, seen_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET key=excluded.key, version_id=excluded.version_id, "
            "etag=excluded.etag, seen_at=excluded.seen_at",
            (path, key, version_id, etag, when),
        )
        self.conn.execute(
            "UPDATE remote_latest SET version_id=?, etag=?, deleted=0 WHERE path=?",
            (version_id, etag, path),
        )

    def pending(self, paths: set[str] | None = None) -> list[SaveRow]:
        """Saves not yet in the bucket, oldest first per notebook."""
        rows = self.rows(
            "SELECT * FROM saves WHERE version_id IS NULL AND kind='save' ORDER BY path, id"
        )
        return [r for r in rows if paths is None or r["path"] in paths]

    def insert_publish(self, row: dict[str, Any], *, once: bool = False) -> None:
        """Record a publish (or unpublish); ``once``: unless that published version is
        recorded already."""
        with self.transaction():
            if once and self.conn.execute(
                    "SELECT 1 FROM publishes WHERE published_key=? AND published_version_id=?",
                    [row["published_key"], row["published_version_id"]]).fetchone():
                return
            self.db["publishes"].insert(row)

    def publishes_of(self, path: str) -> list[PublishRow]:
        return self.rows("SELECT * FROM publishes WHERE path=? ORDER BY id", [path])

    # -- names -----------------------------------------------------------------

    def name(self, path: str, name: str) -> NameRow | None:
        """The version ``name`` names among ``path``'s, as last written or fetched."""
        return self.one("SELECT * FROM names WHERE path=? AND name=?", [path, name])

    def names(self, path: str | None = None) -> list[NameRow]:
        """Every name (or every name of ``path``), by path and name."""
        if path is None:
            return self.rows("SELECT * FROM names ORDER BY path, name")
        return self.rows("SELECT * FROM names WHERE path=? ORDER BY name", [path])

    def paths_named(self, name: str) -> list[str]:
        """The notebooks that have a version called ``name``."""
        return [r["path"] for r in self.rows("SELECT path FROM names WHERE name=? ORDER BY path",
                                             [name])]

    def pushed_versions(self, path: str) -> list[SaveRow]:
        """``path``'s versions with content that are in the bucket, newest first."""
        return self.rows("SELECT * FROM saves WHERE path=? AND kind='save' AND version_id IS NOT "
                         "NULL ORDER BY saved_at DESC, id DESC", [path])

    def published_versions(self) -> set[tuple[str, str]]:
        """(key, VersionId) of every version a publish was made from, unpublished since
        or not (:meth:`published_sources`: only those not unpublished since)."""
        with self._lock:
            return set(self.conn.execute(
                "SELECT source_key, source_version_id FROM publishes WHERE state='published'"))

    def published_sources(self) -> set[tuple[str, str]]:
        """(key, VersionId) of every version published and not unpublished since."""
        with self._lock:
            return set(self.conn.execute(
                "SELECT source_key, source_version_id FROM publishes p WHERE state='published' "
                "AND NOT EXISTS (SELECT 1 FROM publishes later WHERE later.published_key = "
                "p.published_key AND later.id > p.id AND later.state='unpublished')"))

    def forget_pruned(self, ids: list[int]) -> None:
        """Versions deleted from the bucket for good (``nbvc prune``) leave the history,
        and the journal says so: a rebuild never brings them back."""
        with self.transaction():
            gone = []
            for row_id in ids:
                found = self.conn.execute("SELECT uid FROM saves WHERE id=? AND version_id IS NOT "
                                          "NULL", [row_id]).fetchone()
                if found is not None:
                    gone.append({"forget": found[0]})
                    self.conn.execute("DELETE FROM saves WHERE id=?", [row_id])
            self._append_journal(gone)

    def version_names(self) -> dict[tuple[str, str], list[str]]:
        """The names of each named version, by (key, VersionId), each list sorted."""
        found: dict[tuple[str, str], list[str]] = {}
        for r in self.rows("SELECT key, version_id, name FROM names ORDER BY name"):
            found.setdefault((r["key"], r["version_id"]), []).append(r["name"])
        return found

    def set_name(self, row: NameRow) -> None:
        """Record a name (a new one, or one moved to another version)."""
        with self.transaction():
            self.db["names"].upsert(dict(row), pk=("path", "name"))

    def delete_name(self, path: str, name: str) -> bool:
        """Forget a name; whether it was recorded."""
        with self.transaction():
            return self.conn.execute("DELETE FROM names WHERE path=? AND name=?",
                                     [path, name]).rowcount > 0

    def replace_names(self, record_prefix: str, rows: list[NameRow]) -> None:
        """The names whose records lie under ``record_prefix`` are exactly ``rows`` (what
        a listing of that prefix found): the others there were deleted in the bucket."""
        with self.transaction():
            self.conn.execute("DELETE FROM names WHERE substr(record_key, 1, ?) = ?",
                              [len(record_prefix), record_prefix])
            if rows:
                self.db["names"].upsert_all([dict(row) for row in rows], pk=("path", "name"))

    def rename_path(self, old: str, new: str) -> None:
        """A notebook moved: its history now answers to the new path (rows keep
        their keys, so every VersionId stays valid)."""
        with self.transaction():
            self.conn.execute("UPDATE saves SET path=? WHERE path=?", (new, old))
            self.conn.execute("UPDATE publishes SET path=? WHERE path=?", (new, old))
            self.conn.execute("UPDATE OR REPLACE names SET path=? WHERE path=?", (new, old))
            self.conn.execute("UPDATE stat_cache SET path=? WHERE path=?", (new, old))
            for table in ("heads", "remote_latest"):
                self.conn.execute(f"DELETE FROM {table} WHERE path=?", (old,))

    def fact(self, name: str) -> str | None:
        row = self.one("SELECT value FROM remote_facts WHERE name=?", [name])
        return row["value"] if row else None

    def set_fact(self, name: str, value: str) -> None:
        with self.transaction():
            self.db["remote_facts"].upsert({"name": name, "value": value}, pk="name")

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
