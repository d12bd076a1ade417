"""papermill I/O handler: ``nbvc://KEY[@VERSION]`` reads one exact version.

Registered through papermill's ``papermill.io`` entry point, so with nbvc installed

    papermill nbvc://published/kylek/notebooks/mine.ipynb@<VersionId> out.ipynb

runs exactly that version (the latest without ``@``). ``VERSION`` is a VersionId,
or a name given with ``nbvc tag`` (``nbvc://workspace/kylek/mine.ipynb@v1``): a
VersionId is tried first, then the name's record in the bucket. The bucket and endpoint
come from the nbvc workspace around the current directory, or from ``NBVC_*``
environment variables and the user config when there is none.

An output written to ``nbvc://KEY`` is one version per run: papermill writes the
notebook as it goes (after each cell), and each write replaces the run's previous
version (deleted for good once the new one landed), so the bucket's latest shows the
run in progress and, at the end, exactly one version is left. Its metadata says it
is a run (``nbvc-origin: run``; ``nbvc log --kind run``) and records the input's key
and VersionId, the parameters, when it started and ended, and whether it failed.

Errors are one line (``Error: nbvc: ...``), with the exit code nbvc would give.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import config, metadata
from ..digest import digest_bytes
from ..errors import NbvcError, UsageError, WorkspaceError
from ..store import Store, open_store

T = TypeVar("T")
#: parameters longer than this (as JSON) are cut in the run's metadata (S3 allows 2 KB)
MAX_PARAMETERS = 768

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
    from ..core.workspace import Workspace

    try:
        return Workspace.find().store
    except WorkspaceError:
        settings = config.resolve(None)
        if not settings.remote:
            raise UsageError("nbvc:// needs a remote: run inside an nbvc workspace or set "
                             "NBVC_REMOTE (and NBVC_ENDPOINT_URL)") from None
        return open_store(settings, None)


class HandlerError(click.ClickException):
    """An nbvc error as papermill's command line shows one: ``Error: nbvc: ...`` on one
    line and nbvc's exit code (papermill's CLI is click's; its Python API gets this
    exception, the nbvc error at ``.error``)."""

    def __init__(self, error: NbvcError) -> None:
        super().__init__("nbvc: " + error.message + (f" ({error.hint})" if error.hint else ""))
        self.error = error
        self.exit_code = error.exit_code


def one_line(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def wrapped(*args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except NbvcError as exc:
            raise HandlerError(exc) from None
    return wrapped


def run_metadata(notebook: str, read: dict[str, str | None]) -> dict[str, str] | None:
    """The run fields of a papermill output (None: not a papermill run): its input's key
    and VersionId (``read``: the VersionIds this process read, by key), parameters,
    start and end, and whether it failed."""
    try:
        facts = json.loads(notebook).get("metadata", {}).get("papermill")
    except (ValueError, AttributeError):
        return None
    if not isinstance(facts, dict) or not facts.get("start_time"):
        return None
    source = str(facts.get("input_path") or "")
    version = None
    if source.startswith(SCHEME):
        source, version = split(source)
        version = version or read.get(source)
    parameters = json.dumps(facts.get("parameters") or {}, sort_keys=True, default=str)
    if len(parameters) > MAX_PARAMETERS:
        parameters = parameters[:MAX_PARAMETERS - 1] + metadata.SHORTENED
    return {"origin": "run", "run-input": source, "run-input-version": version or "",
            "run-parameters": parameters, "run-started": str(facts["start_time"]),
            "run-ended": str(facts.get("end_time") or ""),
            "run-failed": "true" if facts.get("exception") else "false"}


class NbvcHandler:
    """The handler papermill calls (it uses the class itself, hence classmethods)."""

    #: the VersionId this process read of each input key (None: the latest, unknown)
    _read: dict[str, str | None] = {}
    #: per output key, the run this process is writing: (its start time, its version)
    _runs: dict[str, tuple[str, str]] = {}

    @classmethod
    @one_line
    def read(cls, path: str) -> str:
        from ..core.name_records import read_version

        key, version = split(path)
        store = store_for_here()
        found, data = read_version(store, key, version)
        cls._read[key] = found or store.head(key).version_id
        return data.decode("utf-8")

    @classmethod
    @one_line
    def write(cls, buf: str, path: str) -> None:
        key, version = split(path)
        if version:
            raise UsageError("an output URL cannot name a version: the write makes a new one")
        data = buf.encode("utf-8")
        sha256 = digest_bytes(data).sha256
        store = store_for_here()
        run = run_metadata(buf, cls._read)
        written = store.put(key, data, sha256=sha256,
                            metadata=metadata.encode({**run, "sha256": sha256}) if run else None)
        if run is None:
            return
        earlier = cls._runs.get(key)
        cls._runs[key] = (run["run-started"], written.version_id)
        if earlier is not None and earlier[0] == run["run-started"]:  # the same run, further on
            store.delete_version(key, earlier[1])

    @classmethod
    @one_line
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
