"""The index's schema, as sqlite-utils migrations, in the order they were made.

sqlite-utils records each applied migration by name; ``PRAGMA user_version`` also
counts them, so that opening an up-to-date index costs one read and never imports
sqlite-utils (see :meth:`nbvc.index.Index._migrate`).

Each migration first checks whether its change is there already. Indexes made
before nbvc used sqlite-utils have their migrations counted by ``user_version`` only,
not named in sqlite-utils' table: for them, the migrations they had run find their
change made and do nothing, and the newer ones run.

Tables are made with sqlite-utils' ``create`` except where a constraint it cannot
state matters (ids never used again, single-row tables): those are written out.
"""

from __future__ import annotations

import secrets

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("nbvc-index")

#: the tables whose changes a status's cached answer depends on (migration 4)
WATCHED = ("saves", "heads", "remote_latest", "stat_cache")


@MIGRATIONS(name="0001-first-schema")
def first_schema(db: Database) -> None:
    if db["saves"].exists():
        return
    # written out: a version's id is never used again once its row is deleted (an id
    # tells a version from the ones saved after it), which sqlite-utils' create cannot say
    db.execute("""
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
        )""")
    saves = db["saves"]
    saves.create_index(["path", "id"], index_name="saves_by_path")
    saves.create_index(["key", "version_id"], index_name="saves_by_version")
    saves.create_index(["sha256"], index_name="saves_by_sha")
    # push's question "what is not in the bucket yet" reads only the pending rows
    db.execute("CREATE INDEX saves_pending ON saves (version_id) WHERE version_id IS NULL")
    db["heads"].create({"path": str, "key": str, "version_id": str, "etag": str, "seen_at": str},
                       pk="path", not_null={"key", "version_id", "etag", "seen_at"})
    db["remote_latest"].create(
        {"path": str, "key": str, "version_id": str, "etag": str, "deleted": int,
         "fetched_at": str},
        pk="path", defaults={"deleted": 0},
        not_null={"key", "version_id", "etag", "deleted", "fetched_at"})
    db.execute("""
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
        )""")
    db["stat_cache"].create(
        {"path": str, "mtime_ns": int, "size": int, "inode": int, "sha256": str, "md5": str,
         "base": str},
        pk="path", not_null={"mtime_ns", "size", "inode", "sha256", "md5"})


@MIGRATIONS(name="0002-history-by-time")
def history_by_time(db: Database) -> None:
    """History and "last save" queries order by time within a notebook."""
    db["saves"].create_index(["path", "saved_at", "id"], index_name="saves_by_path_time",
                             if_not_exists=True)


@MIGRATIONS(name="0003-remote-facts")
def remote_facts(db: Database) -> None:
    """Facts learned about the remote (e.g. that its versioning was checked)."""
    db["remote_facts"].create({"name": str, "value": str}, pk="name", not_null={"value"},
                              if_not_exists=True)


@MIGRATIONS(name="0004-generation")
def generation(db: Database) -> None:
    """A change counter for what status reads, kept by the database itself, so a status
    can tell in one read that its cached answer still holds; the token tells one
    database from another (a rebuilt index counts from 0 again)."""
    if db["generation"].exists():
        return
    # one row, ever (the CHECK, which sqlite-utils' create cannot say)
    db.execute("CREATE TABLE generation (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "token TEXT NOT NULL, number INTEGER NOT NULL)")
    db["generation"].insert({"id": 1, "token": secrets.token_hex(16), "number": 0})
    for table in WATCHED:
        for event in ("insert", "update", "delete"):
            db.execute(f"CREATE TRIGGER {table}_{event} AFTER {event.upper()} ON {table} "
                       "BEGIN UPDATE generation SET number = number + 1; END")


@MIGRATIONS(name="0005-merges")
def merges(db: Database) -> None:
    """A merge has two parents: the local save it continues and the remote version it
    merged in; the workspace's log reads every notebook's versions by time."""
    if "merge_parent_uid" not in db["saves"].columns_dict:
        db["saves"].add_column("merge_parent_uid", str)
    db["saves"].create_index(["saved_at", "id"], index_name="saves_by_time", if_not_exists=True)


@MIGRATIONS(name="0006-verification-racy-journal")
def verification_racy_journal(db: Database) -> None:
    """A version nbvc did not write and nothing could verify (its sha256 is of the bytes
    as received); a stat taken within its file's timestamp tick (racy: it proves
    nothing); how far the save journal reached when the index last recorded a save."""
    if "unverified" not in db["saves"].columns_dict:
        db["saves"].add_column("unverified", int, not_null_default=0)
    if "racy" not in db["stat_cache"].columns_dict:
        db["stat_cache"].add_column("racy", int, not_null_default=0)
    if not db["journal"].exists():
        db.execute("CREATE TABLE journal (id INTEGER PRIMARY KEY CHECK (id = 1), "
                   "size INTEGER NOT NULL)")  # one row, as generation
        db["journal"].insert({"id": 1, "size": 0})


@MIGRATIONS(name="0007-names")
def names(db: Database) -> None:
    """Named versions (``nbvc tag``), as the bucket's name records say (each record is
    one object under nbvc-names/; ``record_*``: which version of it was read)."""
    if db["names"].exists():
        return
    db["names"].create(
        {"path": str, "name": str, "key": str, "version_id": str, "sha256": str,
         "tagged_at": str, "tagged_by": str, "record_key": str, "record_version_id": str},
        pk=("path", "name"),
        not_null={"path", "name", "key", "version_id", "sha256", "tagged_at", "tagged_by",
                  "record_key", "record_version_id"})
    db["names"].create_index(["key", "version_id"], index_name="names_by_version")


@MIGRATIONS(name="0008-origin")
def origin(db: Database) -> None:
    """Why a version was made, where it was not a plain save: checkpoint (nbvc save -m,
    Jupyter's "Save and Create Checkpoint"), restore, rename, run; NULL for a save."""
    if "origin" not in db["saves"].columns_dict:
        db["saves"].add_column("origin", str)
