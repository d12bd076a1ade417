"""A version's content identity, computed one way everywhere: sha256 (the version's
name), md5 (what S3 reports as a single-part upload's ETag) and size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20


@dataclass(frozen=True)
class Digest:
    """Content identity of a file: sha256 (the version's name), md5 (S3's ETag), size."""

    sha256: str
    md5: str
    size: int


def digest_bytes(data: bytes) -> Digest:
    import hashlib  # imported late: commands that never hash (log, status) start faster

    return Digest(
        hashlib.sha256(data).hexdigest(), hashlib.md5(data, usedforsecurity=False).hexdigest(),
        len(data),
    )


def digest_stream(source: BinaryIO, copy_to: BinaryIO | None = None) -> Digest:
    """The digest of everything ``source`` reads, in one pass of :data:`CHUNK`-sized
    reads (whatever the size, one chunk in memory); ``copy_to`` gets each chunk too."""
    import hashlib

    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    while chunk := source.read(CHUNK):
        if copy_to is not None:
            copy_to.write(chunk)
        sha.update(chunk)
        md5.update(chunk)
        size += len(chunk)
    return Digest(sha.hexdigest(), md5.hexdigest(), size)
