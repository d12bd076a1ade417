"""The rows the index hands the layers above, as named types: one per table, and the
log's. At run time they are plain dicts (SQLite's rows by column name) or, for the
log, plain tuples; these types name their fields for readers and type checkers.
Imported only for type checking: ``typing`` stays out of status's start-up."""

from __future__ import annotations

from typing import TypedDict


class SaveRow(TypedDict, total=False):
    """One version of one notebook: a local save, or one learned from the bucket."""

    id: int
    uid: str  # the save id (nbvc's own), or s3:<VersionId>, delete:<VersionId>
    path: str
    kind: str  # save | delete | shelved
    sha256: str  # "" while a version listed by fetch is not yet described
    md5: str
    size: int
    saved_at: str
    author: str
    host: str
    parent_uid: str | None
    merge_parent_uid: str | None
    message: str | None
    origin: str | None  # checkpoint | restore | rename; None: a plain save
    key: str | None  # None: not pushed
    version_id: str | None
    etag: str | None
    pushed_at: str | None
    unverified: int


class HeadRow(TypedDict):
    """The remote version a notebook's work stands on: the last one pushed or pulled."""

    path: str
    key: str
    version_id: str
    etag: str
    seen_at: str


class RemoteLatestRow(TypedDict):
    """The bucket's latest version of a notebook, as of the last fetch."""

    path: str
    key: str
    version_id: str
    etag: str
    deleted: int
    fetched_at: str


class PublishRow(TypedDict, total=False):
    """One publish (or unpublish) made from this workspace."""

    id: int
    path: str
    sha256: str
    source_key: str
    source_version_id: str
    published_key: str
    published_version_id: str
    published_at: str
    author: str
    state: str  # published | unpublished


class StatRow(TypedDict):
    """What a working file's (mtime, size, inode) last proved: its hashes and base."""

    path: str
    mtime_ns: int
    size: int
    inode: int
    sha256: str
    md5: str
    base: str | None
    racy: int


class NameRow(TypedDict):
    """A name of one pushed version (``nbvc tag``), as its record in the bucket says."""

    path: str
    name: str
    key: str
    version_id: str
    sha256: str
    tagged_at: str
    tagged_by: str
    record_key: str  # the name's record: nbvc-names/<key>/<name>.json
    record_version_id: str  # the version of the record this index read or wrote


#: One version as ``nbvc log`` lists it (:meth:`nbvc.index.Index.log_rows`): a plain
#: tuple, as the cursor gives it (a workspace's log reads every version, so no object is
#: built per row), with the fields of :data:`nbvc.index.LOG_FIELDS`:
LogRow = tuple[
    str,  # sha256: "" while a version listed by fetch is not yet described
    str,  # saved_at: ISO 8601 in UTC, as nbvc writes it (2026-11-27T09:30:00.000000+00:00)
    int,  # size in bytes
    str,  # author
    str,  # host
    str,  # path
    str,  # kind: one of nbvc.index.KINDS
    str | None,  # key: None while not pushed
    str | None,  # version_id: None while not pushed
    int,  # unverified: 1 for a version another tool wrote that nothing could check
    str | None,  # message
]
