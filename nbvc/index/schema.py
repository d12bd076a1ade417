"""The index's schema: its migrations, in order (``PRAGMA user_version`` counts those
applied), and how a migration script splits into statements."""

from __future__ import annotations

import sqlite3

TYPE_CHECKING = False  # typing's flag, without importing typing (status's start-up)
if TYPE_CHECKING:
    from collections.abc import Iterator

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
    CREATE TABLE remote_latest (
        path TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        etag TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        fetched_at TEXT NOT NULL
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
        md5 TEXT NOT NULL,
        base TEXT
    );
    """,
    # 2: history and "last save" queries order by time within a notebook
    """
    CREATE INDEX saves_by_path_time ON saves (path, saved_at, id);
    """,
    # 3: facts learned about the remote (e.g. that its versioning was checked)
    """
    CREATE TABLE remote_facts (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 4: a change counter for what status reads, kept by the database itself, so a
    #    status can tell in one read that its cached answer still holds; the token
    #    tells one database from another (a rebuilt index counts from 0 again)
    """
    CREATE TABLE generation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        token TEXT NOT NULL,
        number INTEGER NOT NULL
    );
    INSERT INTO generation VALUES (1, lower(hex(randomblob(16))), 0);
    CREATE TRIGGER saves_insert AFTER INSERT ON saves BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER saves_update AFTER UPDATE ON saves BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER saves_delete AFTER DELETE ON saves BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER heads_insert AFTER INSERT ON heads BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER heads_update AFTER UPDATE ON heads BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER heads_delete AFTER DELETE ON heads BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER remote_latest_insert AFTER INSERT ON remote_latest BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER remote_latest_update AFTER UPDATE ON remote_latest BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER remote_latest_delete AFTER DELETE ON remote_latest BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER stat_cache_insert AFTER INSERT ON stat_cache BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER stat_cache_update AFTER UPDATE ON stat_cache BEGIN
        UPDATE generation SET number = number + 1;
    END;
    CREATE TRIGGER stat_cache_delete AFTER DELETE ON stat_cache BEGIN
        UPDATE generation SET number = number + 1;
    END;
    """,
    # 5: a merge has two parents: the local save it continues and the remote version
    #    it merged in; the workspace's log reads every notebook's versions by time
    """
    ALTER TABLE saves ADD COLUMN merge_parent_uid TEXT;
    CREATE INDEX saves_by_time ON saves (saved_at, id);
    """,
    # 6: a version nbvc did not write and nothing could verify (no checksum, an ETag
    #    that is not an MD5): its sha256 is of the bytes as received; a stat taken
    #    within its file's timestamp tick (racy: it proves nothing); how far the
    #    save journal reached when the index last recorded a save
    """
    ALTER TABLE saves ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE stat_cache ADD COLUMN racy INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE journal (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL);
    INSERT INTO journal VALUES (1, 0);
    """,
    # 7: named versions (``nbvc tag``), as the bucket's name records say (each record
    #    is one object under nbvc-names/; ``record_*``: which version of it was read)
    """
    CREATE TABLE names (
        path TEXT NOT NULL,
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        version_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        tagged_at TEXT NOT NULL,
        tagged_by TEXT NOT NULL,
        record_key TEXT NOT NULL,
        record_version_id TEXT NOT NULL,
        PRIMARY KEY (path, name)
    );
    CREATE INDEX names_by_version ON names (key, version_id);
    """,
    # 8: why a version was made, where it was not a plain save: checkpoint (nbvc save -m,
    #    Jupyter's "Save and Create Checkpoint"), restore, rename; NULL for a save
    """
    ALTER TABLE saves ADD COLUMN origin TEXT;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> Iterator[str]:
    """A migration's statements, one by one (a trigger's body holds semicolons too):
    run inside the migration's transaction, which ``executescript`` would commit."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        yield pending.strip()
