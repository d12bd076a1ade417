"""Remote stores: the interface, and a factory that picks a backend from a URL.

Remote URLs: ``s3://bucket`` (AWS or any endpoint given by ``endpoint_url``),
``local:///abs/dir`` or ``file:///abs/dir`` (a local versioned store), or empty for
the embedded store inside ``.nbvc/store``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from .base import (
    NULL_VERSION,
    BucketNotFound,
    CorruptDownload,
    Download,
    ObjectNotFound,
    ObjectVersion,
    PreconditionFailed,
    PutResult,
    Store,
)

__all__ = [
    "NULL_VERSION",
    "BucketNotFound",
    "CorruptDownload",
    "Download",
    "ObjectNotFound",
    "ObjectVersion",
    "PreconditionFailed",
    "PutResult",
    "RemoteSpec",
    "Store",
    "open_store",
    "parse_remote",
]

EMBEDDED_DIR = "store"


@dataclass(frozen=True)
class RemoteSpec:
    """A parsed remote URL: ``kind`` is ``s3`` or ``local``; ``location`` a bucket or dir."""

    kind: str
    location: str


#: S3's rules for bucket names, widened to what older buckets and S3-compatible servers
#: accept (capitals, underscores); anything else cannot name a bucket
BUCKET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]")


def parse_remote(remote: str, nbvc_dir: Path | None = None) -> RemoteSpec:
    """Understand a remote URL; the embedded store when it is empty."""
    if not remote:
        if nbvc_dir is None:
            raise ConfigError("no remote configured", hint="pass --remote s3://bucket")
        return RemoteSpec("local", str(nbvc_dir / EMBEDDED_DIR))
    if remote.startswith("s3://"):
        bucket, _, rest = remote[5:].partition("/")
        if not bucket or rest.strip("/"):
            raise ConfigError(
                f"remote {remote!r} must be s3://BUCKET",
                hint="key prefixes are set with workspace_prefix / published_prefix",
            )
        if not BUCKET_NAME.fullmatch(bucket):
            raise ConfigError(
                f"remote {remote!r}: {bucket!r} is not a bucket name",
                hint="3-63 letters, digits, dots and hyphens (underscores and capitals only "
                     "for old buckets), starting and ending with a letter or digit",
            )
        return RemoteSpec("s3", bucket)
    for scheme in ("local://", "file://"):
        if remote.startswith(scheme):
            path = remote[len(scheme):]
            if not path.startswith("/"):
                raise ConfigError(f"remote {remote!r} needs an absolute path ({scheme}/dir)")
            return RemoteSpec("local", path)
    if "://" in remote:
        raise ConfigError(f"unsupported remote {remote!r}", hint="use s3://BUCKET or local:///DIR")
    return RemoteSpec("local", str(Path(remote).expanduser().resolve()))


def open_store(settings: Settings, nbvc_dir: Path | None = None, *, create: bool = False,
               session: Any = None) -> Store:
    """The store the settings name. ``create`` makes a missing local store; ``session``:
    a ``boto3.Session`` to reach S3 with, instead of one made from the settings."""
    spec = parse_remote(settings.remote, nbvc_dir)
    if spec.kind == "local":
        from .local import LocalStore

        root = Path(spec.location)
        return LocalStore.create(root) if create else LocalStore(root)
    from .s3 import S3Store, make_client

    client = make_client(
        settings.endpoint_url,
        settings.region,
        settings.access_key_id,
        settings.secret_access_key,
        pool_size=settings.jobs,
        retries=settings.retries,
        profile=settings.profile,
        session=session,
    )
    store = S3Store(spec.location, client, attempts=settings.retries)
    store.conditional_writes = settings.conditional_writes
    return store
