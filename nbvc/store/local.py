"""The embedded store: a directory that behaves like a versioned S3 bucket.

Bytes live in immutable blob files (written to a temp file, then renamed into
place); a SQLite catalog in WAL mode records which version of which key points at
which blob. Conditional writes check and insert inside one ``BEGIN IMMEDIATE``
transaction, so two processes writing the same key cannot both win.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from ..digest import digest_stream
from ..errors import RemoteError
from ..files import atomic_writer
from .base import (
    NULL_VERSION,
    Body,
    BucketNotFound,
    Download,
    ObjectNotFound,
    ObjectVersion,
    PreconditionFailed,
    PutResult,
    Store,
    verify,
)

CATALOG = "catalog.db"
PAGE = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    version_id TEXT NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    last_modified TEXT NOT NULL,
    metadata TEXT NOT NULL,
    delete_marker INTEGER NOT NULL DEFAULT 0,
    blob TEXT
);
CREATE INDEX IF NOT EXISTS versions_by_key ON versions (key, seq);
"""


def now() -> datetime:
    return datetime.now(timezone.utc)


class LocalStore(Store):
    """A versioned bucket in ``root``. ``create`` makes one; opening needs it to exist."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        if not (self.root / CATALOG).exists():
            raise BucketNotFound(
                f"no local store at {self.root}",
                hint="run 'nbvc init' (or 'nbvc remote set') to create it",
            )
        self._lock = threading.Lock()
        self._db = self._connect()

    @classmethod
    def create(cls, root: Path, versioning: str = "Enabled") -> LocalStore:
        """Create (or reopen) a store directory; ``versioning`` as S3 names it."""
        root = Path(root)
        (root / "blobs").mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(root / CATALOG, timeout=30)
        with db:
            db.executescript(SCHEMA)
            db.execute(
                "INSERT OR IGNORE INTO settings VALUES ('versioning', ?)", (versioning,)
            )
        db.close()
        return cls(root)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.root / CATALOG, timeout=30, check_same_thread=False, isolation_level=None
        )
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def set_versioning(self, status: str) -> None:
        """Switch versioning like PutBucketVersioning (``Enabled``/``Suspended``)."""
        with self._lock:
            self._db.execute("UPDATE settings SET value=? WHERE name='versioning'", (status,))

    def display_url(self, key: str = "") -> str:
        return f"local://{self.root.resolve()}/{key}"

    def versioning(self) -> str:
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE name='versioning'").fetchone()
        return row[0] if row else "Disabled"

    # -- writing ---------------------------------------------------------------

    def _write_blob(self, body: Body) -> tuple[str, str, int]:
        """Copy the body into a new immutable blob: (relative blob path, md5, size)."""
        name = secrets.token_hex(16)
        with atomic_writer(self.root / "blobs" / name, durable=True) as out:
            if isinstance(body, bytes):
                out.write(body)
                md5, size = hashlib.md5(body, usedforsecurity=False).hexdigest(), len(body)
            else:
                with open(body, "rb") as src:
                    digest = digest_stream(src, copy_to=out)
                md5, size = digest.md5, digest.size
        return name, md5, size

    def _latest(self, key: str) -> sqlite3.Row | None:
        return self._db.execute(
            "SELECT version_id, etag, delete_marker FROM versions WHERE key=? "
            "ORDER BY seq DESC LIMIT 1",
            (key,),
        ).fetchone()

    def _insert(
        self, key: str, etag: str, size: int, metadata: dict, blob: str | None, marker: bool,
        if_match: str | None = None, if_none_match: bool = False,
    ) -> str:
        """Check the write's condition and record the version, atomically."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                latest = self._latest(key)
                live = latest is not None and not latest[2]
                if if_none_match and live:
                    raise PreconditionFailed(f"{key} already exists")
                if if_match is not None:
                    if not live:
                        raise ObjectNotFound(f"no current version of {key}")
                    if latest[1] != if_match:
                        raise PreconditionFailed(f"{key} changed (ETag {latest[1]})")
                versioned = self._db.execute(
                    "SELECT value FROM settings WHERE name='versioning'"
                ).fetchone()[0] == "Enabled"
                version_id = secrets.token_hex(16) if versioned else NULL_VERSION
                if not versioned:
                    self._db.execute(
                        "DELETE FROM versions WHERE key=? AND version_id=?", (key, NULL_VERSION)
                    )
                self._db.execute(
                    "INSERT INTO versions (key, version_id, etag, size, last_modified, "
                    "metadata, delete_marker, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, version_id, etag, size, now().isoformat(), json.dumps(metadata),
                     int(marker), blob),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return version_id

    def put(
        self,
        key: str,
        body: Body,
        *,
        sha256: str,
        metadata: dict[str, str] | None = None,
        if_match: str | None = None,
        if_none_match: bool = False,
        tags: dict[str, str] | None = None,  # no lifecycle rules here: nothing reads them
    ) -> PutResult:
        blob, etag, size = self._write_blob(body)
        try:
            version_id = self._insert(
                key, etag, size, dict(metadata or {}), blob, False, if_match, if_none_match
            )
        except BaseException:
            (self.root / "blobs" / blob).unlink(missing_ok=True)
            raise
        return PutResult(key, version_id, etag)

    def copy(
        self,
        src_key: str,
        src_version_id: str,
        dst_key: str,
        *,
        metadata: dict[str, str] | None = None,
    ) -> PutResult:
        source = self._row(src_key, src_version_id)
        kept = json.loads(source["metadata"]) if metadata is None else dict(metadata)
        # blobs are immutable, so a copy shares its source's bytes
        version_id = self._insert(dst_key, source["etag"], source["size"], kept, source["blob"],
                                  False)
        return PutResult(dst_key, version_id, source["etag"])

    def delete(self, key: str) -> str:
        return self._insert(key, "", 0, {}, None, True)

    def delete_version(self, key: str, version_id: str) -> None:
        with self._lock:
            row = self._db.execute("SELECT blob FROM versions WHERE key=? AND version_id=?",
                                   (key, version_id)).fetchone()
            self._db.execute("DELETE FROM versions WHERE key=? AND version_id=?", (key, version_id))
            shared = row is not None and row[0] is not None and self._db.execute(
                "SELECT 1 FROM versions WHERE blob=? LIMIT 1", (row[0],)).fetchone()
        if row is not None and row[0] is not None and not shared:  # copies share blobs
            (self.root / "blobs" / row[0]).unlink(missing_ok=True)

    # -- reading ---------------------------------------------------------------

    def _row(self, key: str, version_id: str | None) -> dict:
        with self._lock:
            cursor = self._db.cursor()
            cursor.row_factory = sqlite3.Row
            if version_id is None:
                row = cursor.execute(
                    "SELECT * FROM versions WHERE key=? ORDER BY seq DESC LIMIT 1", (key,)
                ).fetchone()
            else:
                row = cursor.execute(
                    "SELECT * FROM versions WHERE key=? AND version_id=?", (key, version_id)
                ).fetchone()
        if row is None or row["delete_marker"]:
            what = f"{key} (version {version_id})" if version_id else key
            raise ObjectNotFound(f"no such object: {self.display_url(what)}")
        return dict(row)

    def _blob_path(self, row: dict) -> Path:
        path = self.root / "blobs" / row["blob"]
        if not path.exists():
            raise RemoteError(f"local store is damaged: blob of {row['key']} is missing")
        return path

    def read(self, key: str, version_id: str | None = None) -> Download:
        row = self._row(key, version_id)
        data = self._blob_path(row).read_bytes()
        # a blob's ETag is its MD5, as on S3: a blob changed on disk is caught here
        return Download(data, verify(f"read of {self.display_url(key)}", data, {"md5": row["etag"]}))

    def head(self, key: str, version_id: str | None = None) -> ObjectVersion:
        row = self._row(key, version_id)
        latest = self._latest(key)
        return ObjectVersion(
            key=key,
            version_id=row["version_id"],
            etag=row["etag"],
            size=row["size"],
            last_modified=datetime.fromisoformat(row["last_modified"]),
            is_latest=latest is not None and latest[0] == row["version_id"],
            metadata=json.loads(row["metadata"]),
        )

    def list_versions(self, prefix: str = "") -> Iterator[ObjectVersion]:
        after_key, after_seq = "", None
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT key, version_id, etag, size, last_modified, delete_marker, seq "
                    "FROM versions WHERE key >= ? AND substr(key, 1, ?) = ? "
                    "AND (key > ? OR seq < ?) ORDER BY key, seq DESC LIMIT ?",
                    (after_key, len(prefix), prefix, after_key,
                     after_seq if after_seq is not None else 1 << 62, PAGE),
                ).fetchall()
            for key, version_id, etag, size, modified, marker, seq in rows:
                yield ObjectVersion(
                    key=key,
                    version_id=version_id,
                    etag=etag,
                    size=size,
                    last_modified=datetime.fromisoformat(modified),
                    is_latest=key != after_key,
                    is_delete_marker=bool(marker),
                )
                after_key, after_seq = key, seq
            if len(rows) < PAGE:
                return
