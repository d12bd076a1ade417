"""papermill I/O handler: ``nbvc://KEY[@VERSION]`` reads one exact version.

Registered through papermill's ``papermill.io`` entry point, so with nbvc installed

    papermill nbvc://published/kylek/notebooks/mine.ipynb@<VersionId> out.ipynb

runs exactly that version (the latest without ``@``). ``VERSION`` is a VersionId,
or a name given with ``nbvc tag`` (``nbvc://workspace/kylek/mine.ipynb@v1``): a
VersionId is tried first, then the name's record in the bucket. The bucket and endpoint
come from the nbvc workspace around the current directory, or from ``NBVC_*``
environment variables and the user config when there is none.
"""

from __future__ import annotations

from . import config
from .digest import digest_bytes
from .errors import UsageError, WorkspaceError
from .store import Store, open_store

SCHEME = "nbvc://"


def split(path: str) -> tuple[str, str | None]:
    """``nbvc://key@version`` -> (key, version); the version is optional."""
    if not path.startswith(SCHEME):
        raise UsageError(f"not an nbvc URL: {path!r}")
    rest = path[len(SCHEME):].lstrip("/")
    key, at, version = rest.rpartition("@")
    if not at or "/" in version:
        key, version = rest, ""
    if not key:
        raise UsageError(f"{path!r} names no key")
    return key, version or None


def store_for_here() -> Store:
    """The store of the enclosing workspace, else of the environment's settings."""
    from .core.workspace import Workspace

    try:
        return Workspace.find().store
    except WorkspaceError:
        settings = config.resolve(None)
        if not settings.remote:
            raise UsageError("nbvc:// needs a remote: run inside an nbvc workspace or set "
                             "NBVC_REMOTE (and NBVC_ENDPOINT_URL)") from None
        return open_store(settings, None)


class NbvcHandler:
    """The handler papermill calls (it uses the class itself, hence classmethods)."""

    @classmethod
    def read(cls, path: str) -> str:
        from .core.name_records import read_version

        key, version = split(path)
        return read_version(store_for_here(), key, version)[1].decode("utf-8")

    @classmethod
    def write(cls, buf: str, path: str) -> None:
        key, version = split(path)
        if version:
            raise UsageError("an output URL cannot name a version: the write makes a new one")
        data = buf.encode("utf-8")
        store_for_here().put(key, data, sha256=digest_bytes(data).sha256)

    @classmethod
    def listdir(cls, path: str) -> list[str]:
        key, _ = split(path)
        prefix = key.rstrip("/") + "/"
        keys = {v.key for v in store_for_here().list_versions(prefix)
                if v.is_latest and not v.is_delete_marker}
        return [f"{SCHEME}{k}" for k in sorted(keys)]

    @classmethod
    def pretty_path(cls, path: str) -> str:
        return path


__all__ = ["NbvcHandler"]
