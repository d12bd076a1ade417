"""The remote, behind one small interface that every backend implements.

A store is a versioned bucket: every put of a key makes a new, immutable version
with an opaque id. The interface is deliberately narrow (put, get, head, list
versions, copy, delete, versioning) so that the local store, in-process moto and a
real S3 server can all pass the same contract tests.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import ConflictError, NotFound, RemoteError, UsageError

#: the VersionId S3 reports for objects written while versioning was off.
NULL_VERSION = "null"


class ObjectNotFound(NotFound):
    """The key, or the version of it, does not exist in the store."""


class PreconditionFailed(ConflictError):
    """A conditional write lost: the key's latest version is not the one expected."""


class BucketNotFound(RemoteError):
    """The bucket (or local store directory) does not exist."""


class CorruptDownload(RemoteError):
    """The bytes received are not the bytes the store says the version holds."""


#: how a download was checked, strongest first: the store's own checksums of the whole
#: object, then the ETag where it is an MD5 (single-part, not KMS-encrypted); "" when
#: nothing could check it
CHECKS = ("sha256", "sha1", "crc32", "md5")


@dataclass(frozen=True)
class Download:
    """A version's bytes and what verified them (one of :data:`CHECKS`, or "")."""

    data: bytes
    verified_by: str


def verify(what: str, data: bytes, expected: dict[str, str]) -> str:
    """Check ``data`` against the digests a store reported (hex, by name in
    :data:`CHECKS`); returns the name of the one that verified it, "" when none could.
    A mismatch raises :class:`CorruptDownload`: the caller writes nothing."""
    import hashlib
    import zlib

    for name in CHECKS:
        want = expected.get(name)
        if not want:
            continue
        if name == "crc32":
            got = f"{zlib.crc32(data):08x}"
        else:
            got = hashlib.new(name, data, usedforsecurity=False).hexdigest()
        if got != want.lower():
            raise CorruptDownload(
                f"{what}: the bytes received do not match the {name} the store reports "
                f"({len(data)} bytes); nothing was written",
                hint="run the command again; if it persists the stored version is damaged",
            )
        return name
    return ""


@dataclass(frozen=True)
class ObjectVersion:
    """One version of one key, as the store reports it.

    ``metadata`` is filled by :meth:`Store.head` and by :meth:`Store.put`'s
    callers; listings leave it empty (S3 does not return metadata when listing).
    """

    key: str
    version_id: str
    etag: str
    size: int
    last_modified: datetime
    is_latest: bool = False
    is_delete_marker: bool = False
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PutResult:
    """What a write made: the new version's id and ETag (MD5 hex, unquoted)."""

    key: str
    version_id: str
    etag: str


Body = bytes | Path


class Store(abc.ABC):
    """A versioned bucket. Implementations raise the errors above, never backend ones."""

    #: whether ``put`` honours ``if_match`` / ``if_none_match`` atomically.
    conditional_writes: bool = True

    @abc.abstractmethod
    def display_url(self, key: str = "") -> str:
        """How people see a key: ``s3://bucket/key`` or ``local:///dir/key``."""

    @abc.abstractmethod
    def versioning(self) -> str:
        """``Enabled``, ``Suspended`` or ``Disabled``; raises BucketNotFound."""

    @abc.abstractmethod
    def put(
        self,
        key: str,
        body: Body,
        *,
        sha256: str,
        metadata: dict[str, str] | None = None,
        if_match: str | None = None,
        if_none_match: bool = False,
        tags: dict[str, str] | None = None,
    ) -> PutResult:
        """Write a new version. ``sha256`` (hex) of the body travels as a checksum;
        ``tags``: the version's object tags (what lifecycle rules filter on).

        ``if_match`` (an ETag) or ``if_none_match`` make the write conditional:
        :class:`PreconditionFailed` if the key moved, :class:`ObjectNotFound` if
        ``if_match`` names a key that has no current version.
        """

    @abc.abstractmethod
    def read(self, key: str, version_id: str | None = None) -> Download:
        """The exact bytes of a version (the latest when ``version_id`` is None),
        verified by whatever the store reports of them (see :func:`verify`); raises
        :class:`CorruptDownload` when they do not match, after retrying."""

    def get(self, key: str, version_id: str | None = None) -> bytes:
        """:meth:`read`'s bytes."""
        return self.read(key, version_id).data

    @abc.abstractmethod
    def head(self, key: str, version_id: str | None = None) -> ObjectVersion:
        """A version's details with its metadata."""

    @abc.abstractmethod
    def list_versions(self, prefix: str = "") -> Iterator[ObjectVersion]:
        """Every version and delete marker under ``prefix``: keys sorted, newest first."""

    @abc.abstractmethod
    def copy(
        self,
        src_key: str,
        src_version_id: str,
        dst_key: str,
        *,
        metadata: dict[str, str] | None = None,
    ) -> PutResult:
        """Server-side copy of one exact version; ``metadata`` replaces the source's."""

    @abc.abstractmethod
    def delete(self, key: str) -> str:
        """Hide a key behind a delete marker (history stays); returns the marker's id."""

    @abc.abstractmethod
    def delete_version(self, key: str, version_id: str) -> None:
        """Delete one version for good (S3's DeleteObject with a VersionId): no marker,
        the other versions stay; a version already gone is no error."""

    def tag_version(self, key: str, version_id: str, tags: dict[str, str]) -> None:
        """Set one version's object tags. A store without lifecycle rules keeps every
        version until it is deleted: there is nothing to mark, so this does nothing."""
        return None

    def lifecycle_rules(self) -> list[dict[str, Any]]:
        """The bucket's lifecycle rules, as S3 gives them (none set: [])."""
        raise UsageError("retention rules need an S3 remote: this workspace's store keeps "
                         "every version until 'nbvc prune' deletes it")

    def set_lifecycle_rules(self, rules: list[dict[str, Any]]) -> None:
        """Replace the bucket's lifecycle rules (all of them: S3 has no per-rule call)."""
        self.lifecycle_rules()  # the same refusal

    def presign(self, key: str, version_id: str | None, expires: int) -> str:
        """A URL that GETs exactly this version for ``expires`` seconds."""
        raise UsageError(
            "presigned URLs need an S3 remote; this workspace uses a local store",
            hint=f"read the version with 'nbvc show' instead ({self.display_url(key)})",
        )
