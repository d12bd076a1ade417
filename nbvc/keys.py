"""Mapping between workspace-relative notebook paths and bucket keys.

Keys are ``prefix/relative/path.ipynb``: never a leading ``/``, never an empty
segment. The reverse mapping is the only door from the bucket to the disk, so it
refuses anything that could land outside the workspace.
"""

from __future__ import annotations

from .errors import ConfigError, UsageError

MAX_KEY_BYTES = 1024
SUFFIX = ".ipynb"
#: folders of nbvc (its index and objects) and of Jupyter (its checkpoints): no key
#: from the bucket is ever written into them
OWN_FOLDERS = frozenset({".nbvc", ".ipynb_checkpoints"})


class UnsafeKey(UsageError):
    """A key (or path) that must never be turned into a local file."""


def normalize_prefix(prefix: str) -> str:
    """``/workspace//kylek/`` -> ``workspace/kylek``; refuses ``.``/``..`` segments."""
    segments = [s for s in prefix.split("/") if s]
    for segment in segments:
        if segment in (".", "..") or "\x00" in segment:
            raise ConfigError(f"invalid prefix {prefix!r}: segments may not be '.', '..' or NUL")
    return "/".join(segments)


def check_relpath(relpath: str) -> str:
    """Return ``relpath`` if it is a safe, normalised POSIX path inside a workspace."""
    if not relpath:
        raise UnsafeKey("empty path")
    if "\x00" in relpath:
        raise UnsafeKey(f"path contains a NUL byte: {relpath!r}")
    if relpath.startswith("/") or "\\" in relpath or (len(relpath) > 1 and relpath[1] == ":"):
        raise UnsafeKey(f"absolute or non-POSIX path refused: {relpath!r}")
    for segment in relpath.split("/"):
        if segment in ("", ".", ".."):
            raise UnsafeKey(f"path has an empty, '.' or '..' segment: {relpath!r}")
        if segment in OWN_FOLDERS:
            raise UnsafeKey(f"path inside nbvc's or Jupyter's own folder ({segment}): {relpath!r}")
    return relpath


def key_for(prefix: str, relpath: str) -> str:
    """Bucket key of a workspace-relative path under an already normalised prefix."""
    key = f"{prefix}/{check_relpath(relpath)}" if prefix else check_relpath(relpath)
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise UnsafeKey(f"key longer than {MAX_KEY_BYTES} bytes: {key[:60]}...")
    return key


def relpath_for(prefix: str, key: str) -> str:
    """Workspace-relative path of a bucket key; raises :class:`UnsafeKey` if unsafe."""
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise UnsafeKey(f"key longer than {MAX_KEY_BYTES} bytes: {key[:60]!r}...")
    head = f"{prefix}/" if prefix else ""
    if not key.startswith(head):
        raise UnsafeKey(f"key {key!r} is not under the prefix {prefix!r}")
    return check_relpath(key[len(head):])


#: where named versions live in the bucket: one record per name, outside every
#: workspace and published prefix (fetch, pull and publish never list it as notebooks)
NAMES_PREFIX = "nbvc-names"
NAME_SUFFIX = ".json"


def name_key(version_key: str, name: str) -> str:
    """The key of the record naming a version of ``version_key``:
    ``nbvc-names/<version_key>/<name>.json``."""
    return f"{NAMES_PREFIX}/{version_key}/{name}{NAME_SUFFIX}"


def names_prefix(key_prefix: str) -> str:
    """Where the records of names of the notebooks under ``key_prefix`` (a folder's
    prefix ending in ``/``, or one notebook's key) lie."""
    if key_prefix and not key_prefix.endswith("/"):
        key_prefix += "/"
    return f"{NAMES_PREFIX}/{key_prefix}"


def split_name_key(record_key: str) -> tuple[str, str] | None:
    """(version key, name) of a name record's key; None for any other key."""
    head = f"{NAMES_PREFIX}/"
    if not record_key.startswith(head) or not record_key.endswith(NAME_SUFFIX):
        return None
    version_key, _, name = record_key[len(head):-len(NAME_SUFFIX)].rpartition("/")
    return (version_key, name) if version_key and name else None
