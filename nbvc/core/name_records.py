"""Named versions as the bucket keeps them: the rules a name follows, the record that
holds it, and reading the bucket's records into the index (``fetch`` does, after the
notebooks' versions).

A name is one small JSON object per (notebook, name) at
``nbvc-names/<key of the notebook>/<name>.json`` (see :func:`nbvc.keys.name_key`),
outside every workspace and published prefix, so nothing that lists notebooks ever
lists it. Its body: ``{path, name, key, version_id, sha256, tagged_at, tagged_by}``.
Moving a name writes a new version of its record; deleting one hides the record
behind a delete marker: the bucket's versioning keeps a name's history.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..errors import RemoteError, UsageError
from ..keys import UnsafeKey, name_key, names_prefix, relpath_for, split_name_key
from ..store import BucketNotFound, CorruptDownload, ObjectNotFound

if TYPE_CHECKING:
    from ..index.rows import NameRow
    from ..store import Store
    from .workspace import Workspace

MAX_NAME = 100
#: the characters of a name, and its first (never '-', '.' or '~'): a key segment of its own
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
#: what other refs already mean
RESERVED = frozenset({"latest", "null"})
#: 7+ hex digits read as a hash prefix (and 32 as a save id)
HEX_LIKE = re.compile(r"[0-9a-fA-F]{7,}")
NAME_RULES = ("a name is 1-100 letters, digits, '.', '_' or '-', starting with a letter, "
              "digit or '_'; not 'latest' or 'null', nor 7+ hex digits (a hash prefix)")
#: the fields of a name's record, in the bucket and in ``--json``
RECORD_FIELDS = ("path", "name", "key", "version_id", "sha256", "tagged_at", "tagged_by")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a new name (None: it can)."""
    if not name:
        return "it is empty"
    if len(name) > MAX_NAME:
        return f"it is longer than {MAX_NAME} characters"
    if not NAME.fullmatch(name):
        return ("it starts with '-', '.' or '~'" if name[0] in "-.~"
                else "it has characters other than letters, digits, '.', '_' and '-'")
    if name in RESERVED:
        return f"{name!r} is a version ref already"
    if HEX_LIKE.fullmatch(name):
        return "it reads as a hash prefix (7+ hex digits)"
    return None


def check_name(name: str) -> str:
    """``name`` if it may be given to a version; :class:`UsageError` (exit 2) if not."""
    problem = name_problem(name)
    if problem:
        raise UsageError(f"bad name {name!r}: {problem}", hint=NAME_RULES)
    return name


def looks_like_name(text: str) -> bool:
    """Whether a record could exist for ``text`` (an existing name may predate a rule)."""
    return len(text) <= MAX_NAME and NAME.fullmatch(text) is not None


def record_body(row: dict[str, Any]) -> bytes:
    """A name's record as stored: compact JSON of :data:`RECORD_FIELDS`."""
    return json.dumps({f: row[f] for f in RECORD_FIELDS}, sort_keys=True,
                      separators=(",", ":")).encode()


def parse_record(data: bytes) -> dict[str, Any] | None:
    """A record's fields; None when it is not one (not JSON, no VersionId)."""
    try:
        body = json.loads(data)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("version_id"), str):
        return None
    return body


def read_record(workspace: Workspace, record_key: str, record_version_id: str) -> NameRow | None:
    """The index row of one version of a name's record; None when it names nothing
    this workspace can hold (another prefix, an unsafe path, a malformed body)."""
    where = split_name_key(record_key)
    if where is None:
        return None
    key, name = where
    if not looks_like_name(name):
        return None
    try:
        rel = relpath_for(workspace.settings.workspace_prefix, key)
        body = parse_record(workspace.store.get(record_key, record_version_id))
    except (UnsafeKey, ObjectNotFound):
        return None
    if body is None or body.get("key", key) != key:
        return None
    return {"path": rel, "name": name, "key": key, "version_id": body["version_id"],
            "sha256": str(body.get("sha256") or ""), "tagged_at": str(body.get("tagged_at") or ""),
            "tagged_by": str(body.get("tagged_by") or ""), "record_key": record_key,
            "record_version_id": record_version_id}


def fetch_names(workspace: Workspace, key_prefixes: list[str]) -> int:
    """Make the index's names under ``key_prefixes`` (those fetch listed) what the
    bucket's records say: one listing per prefix, one GET per record this index has
    not read at its current version. Returns how many names there are."""
    index, store = workspace.index, workspace.store
    known = {row["record_key"]: row for row in index.names()}
    total = 0
    for key_prefix in key_prefixes:
        prefix = names_prefix(key_prefix)
        found: list[NameRow] = []
        for version in store.list_versions(prefix):
            if not version.is_latest or version.is_delete_marker:
                continue
            row = known.get(version.key)
            if row is None or row["record_version_id"] != version.version_id:
                row = read_record(workspace, version.key, version.version_id)
            if row is not None:
                found.append(row)
        index.replace_names(prefix, found)
        total += len(found)
    return total


def read_version(store: Store, key: str, ref: str | None) -> tuple[str | None, bytes]:
    """(VersionId, bytes) of ``key`` at ``ref``: the latest when None, else a VersionId,
    else a name of a version of ``key`` (its record read from the bucket). For
    ``nbvc://KEY@REF`` and other callers that hold a key, not a workspace."""
    if ref is None:
        return None, store.get(key)
    try:
        return ref, store.get(key, ref)
    except (ObjectNotFound, RemoteError) as exc:  # S3 answers 400 to what is no VersionId
        if isinstance(exc, (BucketNotFound, CorruptDownload)) or not looks_like_name(ref):
            raise
        try:
            body = parse_record(store.get(name_key(key, ref)))
        except ObjectNotFound:
            body = None
        if body is None:
            raise exc from None
        return body["version_id"], store.get(key, body["version_id"])
