"""The workspace index: a SQLite cache of what this workspace knows.

Tables: ``saves`` (every version of every notebook, local or learned from the
remote), ``heads`` (per notebook, the remote version this workspace last saw),
``publishes`` and ``stat_cache``. It knows nothing of S3: the core joins it to a
store. WAL mode and a busy timeout let the Jupyter server and the CLI share it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import WorkspaceError

BUSY_TIMEOUT_S = 30

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE saves (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'save',
        sha256 TEXT NOT NULL,
        md5 TEXT NOT NULL,
        size INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        author TEXT NOT NULL,
        host TEXT NOT NULL,
        parent_uid TEXT,
        message TEXT,
        key TEXT,
        version_id TEXT,
        etag TEXT,
        pushed_at TEXT
    );
    CREATE INDEX saves_by_path ON saves (path, id);
    CREATE INDEX saves_pending ON saves (version_id) WHERE version_id IS NULL;
    CREATE INDEX saves_by_version ON saves (key, version_id);
    CREATE INDEX saves_by_sha ON saves (sha256);
    CREATE TABLE heads (
        path TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        etag TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE TABLE publishes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        source_key TEXT NOT NULL,
        source_version_id TEXT NOT NULL,
        published_key TEXT NOT NULL,
        published_version_id TEXT NOT NULL,
        published_at TEXT NOT NULL,
        author TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'published'
    );
    CREATE TABLE stat_cache (
        path TEXT PRIMARY KEY,
        mtime_ns INTEGER NOT NULL,
        size INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        md5 TEXT NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class Index:
    """One workspace's index database, safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
            )
            self.db = sqlite_utils.Database(conn)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            self.db.enable_wal()
            conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(
                f"index {path} is unreadable ({exc})",
                hint="move it aside and run 'nbvc fetch' to rebuild pushed history",
            ) from None

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """An immediate (write-locked) transaction, serialised between threads too."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction():
            current = self.db.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"index {self.path} was written by a newer nbvc (schema {current})",
                    hint="upgrade nbvc",
                )
            for number in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.db.query(sql, tuple(params)))

    def one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    # -- saves -----------------------------------------------------------------

    def last_save(self, path: str) -> dict[str, Any] | None:
        """The newest version of ``path`` known here (a local save or a fetched one)."""
        return self.one(
            "SELECT * FROM saves WHERE path=? ORDER BY saved_at DESC, id DESC LIMIT 1", [path]
        )

    def insert_save(self, row: dict[str, Any]) -> dict[str, Any]:
        with self.transaction():
            self.db["saves"].insert(row)
        return self.one("SELECT * FROM saves WHERE uid=?", [row["uid"]]) or row

    def history(self, path: str, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Versions of ``path``, newest first."""
        sql = "SELECT * FROM saves WHERE path=? ORDER BY saved_at DESC, id DESC"
        params: list[Any] = [path]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self.rows(sql, params)

    def count_saves(self, path: str) -> int:
        row = self.one("SELECT count(*) AS n FROM saves WHERE path=?", [path])
        return int(row["n"]) if row else 0

    def paths(self) -> list[str]:
        return [r["path"] for r in self.rows("SELECT DISTINCT path FROM saves ORDER BY path")]

    # -- stat cache ------------------------------------------------------------

    def cached_stat(self, path: str) -> dict[str, Any] | None:
        return self.one("SELECT * FROM stat_cache WHERE path=?", [path])

    def all_stats(self) -> dict[str, dict[str, Any]]:
        return {r["path"]: r for r in self.rows("SELECT * FROM stat_cache")}

    def remember_stat(self, path: str, mtime_ns: int, size: int, inode: int, sha256: str,
                      md5: str) -> None:
        with self.transaction():
            self.db["stat_cache"].upsert(
                {"path": path, "mtime_ns": mtime_ns, "size": size, "inode": inode,
                 "sha256": sha256, "md5": md5},
                pk="path",
            )

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
