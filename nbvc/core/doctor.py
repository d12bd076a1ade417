"""Health checks of a workspace and its remote, each with the fix when it fails."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import NbvcError
from ..index import Index
from ..notebook import digest_file
from ..store import parse_remote
from .workspace import Workspace


@dataclass(frozen=True)
class Check:
    """One finding: ``status`` is ``ok``, ``warn`` or ``fail``; ``fix`` says what to do."""

    name: str
    status: str
    detail: str
    fix: str = ""


def run_checks(workspace: Workspace) -> list[Check]:
    """Config, index, local objects, then the remote: credentials, bucket, versioning."""
    checks = [_config(workspace), _index(workspace)]
    if checks[-1].status != "fail":  # the checks below read the index
        checks.append(_objects(workspace))
    spec = parse_remote(workspace.settings.remote, workspace.nbvc_dir)
    if spec.kind == "s3":
        checks.append(_credentials(workspace))
    checks.extend(_remote(workspace, index_ok=checks[1].status != "fail"))
    return checks


def _config(workspace: Workspace) -> Check:
    s = workspace.settings
    remote = s.remote or "embedded local store (.nbvc/store)"
    return Check(
        "config", "ok",
        f"remote {remote}; user {s.user}; workspace prefix {s.workspace_prefix}; "
        f"published prefix {s.published_prefix}",
    )


def _index(workspace: Workspace) -> Check:
    try:
        ok = workspace.index.integrity_ok()
    except NbvcError as exc:
        return Check("index", "fail", exc.message, exc.hint or "")
    if not ok:
        return Check("index", "fail", "integrity check failed", "run 'nbvc doctor --repair'")
    return Check("index", "ok", f"{workspace.index.count_all_saves()} versions recorded")


def _objects(workspace: Workspace) -> Check:
    pending = workspace.index.pending_hashes()
    missing = [sha256 for sha256 in pending if not workspace.objects.has(sha256)]
    if missing:
        return Check("local objects", "fail",
                     f"{len(missing)} unpushed version(s) have lost their local copy",
                     "those versions cannot be pushed; save the notebooks again")
    return Check("local objects", "ok", f"{len(pending)} unpushed version(s) held locally")


def _credentials(workspace: Workspace) -> Check:
    s = workspace.settings
    if s.access_key_id and s.secret_access_key:
        return Check("credentials", "ok", "from nbvc settings")
    import botocore.session

    found = botocore.session.Session().get_credentials()
    if found is None:
        return Check("credentials", "fail", "no AWS credentials found",
                     "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE")
    return Check("credentials", "ok", f"from botocore ({found.method})")


def _conditional_writes(workspace: Workspace) -> Check:
    """Probe once whether the store refuses a second create-only PUT (S3 does)."""
    import uuid

    from ..store import PreconditionFailed

    store = workspace.store
    key = f"{workspace.settings.workspace_prefix}/.nbvc-probe/{uuid.uuid4().hex}"
    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    try:
        store.put(key, b"", sha256=empty, if_none_match=True)
        try:
            store.put(key, b"", sha256=empty, if_none_match=True)
            honoured = False
        except PreconditionFailed:
            honoured = True
        for version in store.list_versions(key):  # gone for good: no version, no marker left
            if version.key == key:
                store.delete_version(key, version.version_id)
    except NbvcError as exc:
        return Check("conditional writes", "warn", f"could not probe: {exc.message}")
    if honoured == workspace.settings.conditional_writes:
        return Check("conditional writes", "ok",
                     "honoured: one request per pushed save" if honoured
                     else "not supported; push checks with a HEAD before each PUT")
    if honoured:
        return Check("conditional writes", "warn", "supported but switched off",
                     "nbvc remote set ... or set conditional_writes = true in .nbvc/config.toml")
    return Check("conditional writes", "fail",
                 "this store ignores If-None-Match: push could not detect conflicts",
                 "set conditional_writes = false in .nbvc/config.toml (push then HEADs first)")


def _retention(workspace: Workspace) -> Check:
    """Lifecycle rules that could expire a named or published version (see
    :mod:`nbvc.core.retention`)."""
    from .retention import rules_here

    try:
        rules = rules_here(workspace)
    except NbvcError as exc:
        return Check("retention", "warn", f"could not read the lifecycle rules: {exc.message}")
    risky = [r.get("ID") or "(no id)" for r in rules if r["risky"]]
    if risky:
        return Check("retention", "warn",
                     f"lifecycle rule(s) {', '.join(map(repr, risky))} could expire named or "
                     "published versions", "scope them away from the workspace and published "
                     "prefixes, or use 'nbvc retention set' (it spares them)")
    own = [r for r in rules if r["nbvc"]]
    if own:
        days = own[0].get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
        return Check("retention", "ok", f"nbvc's rule expires other versions after {days} day(s) "
                     "noncurrent; named and published versions are spared")
    return Check("retention", "ok", "no lifecycle rule expires this workspace's versions")


def _remote(workspace: Workspace, index_ok: bool = True) -> list[Check]:
    try:
        store = workspace.store
        status = store.versioning()
    except NbvcError as exc:
        return [Check("remote", "fail", exc.message,
                      exc.hint or "check 'nbvc remote show' and the endpoint")]
    checks = [Check("remote", "ok", f"{store.display_url()} reachable")]
    if index_ok:
        checks.append(_agreement(workspace))
    if status == "Enabled":
        checks.append(Check("versioning", "ok", "Enabled"))
        checks.append(_conditional_writes(workspace))
        if parse_remote(workspace.settings.remote, workspace.nbvc_dir).kind == "s3":
            checks.append(_retention(workspace))
    else:
        checks.append(Check(
            "versioning", "fail", f"{status}: saves would overwrite each other",
            "enable it: aws s3api put-bucket-versioning --bucket BUCKET "
            "--versioning-configuration Status=Enabled",
        ))
    return checks


def _differences(workspace: Workspace) -> tuple[int, list[dict]]:
    """(versions listed in the bucket that the index lacks, index rows naming versions
    the bucket lacks), under the workspace prefix."""
    listed = {(v.key, v.version_id)
              for v in workspace.store.list_versions(workspace.settings.workspace_prefix + "/")
              if v.key.endswith(".ipynb")}
    recorded = workspace.index.recorded_versions()
    known = {(r["key"], r["version_id"]) for r in recorded}
    return len(listed - known), [r for r in recorded if (r["key"], r["version_id"]) not in listed]


def _agreement(workspace: Workspace) -> Check:
    """The index against a listing of the bucket: the bucket is the truth."""
    try:
        unknown, missing = _differences(workspace)
    except NbvcError as exc:
        return Check("index vs bucket", "warn", f"could not list the bucket: {exc.message}")
    if not unknown and not missing:
        return Check("index vs bucket", "ok", "every version in the bucket is in the index, "
                                              "and every recorded one is in the bucket")
    parts = [f"{unknown} version(s) in the bucket not in the index"] if unknown else []
    if missing:
        parts.append(f"{len(missing)} recorded version(s) not in the bucket")
    return Check("index vs bucket", "warn", "; ".join(parts), "run 'nbvc doctor --repair'")


def repair(workspace: Workspace) -> list[Check]:
    """Put damaged local state right from what survives: the bucket and the working files.

    A corrupt, empty or missing index is moved aside and rebuilt by fetch, then the
    save journal re-adopts the saves that were never pushed; damaged or half-written
    objects are removed; pushed versions missing locally are downloaded again;
    unpushed ones are recovered from the working file when it still holds them.
    """
    from .sync import fetch

    found = [_repair_index(workspace), _sweep(workspace), _repair_objects(workspace)]
    try:
        report = fetch(workspace, full=True)  # a rebuild reads every version's metadata
        found.append(Check("fetch", "ok", f"{report.listed} remote versions, {report.learned} relearned"))
        found.append(_agree(workspace))
    except NbvcError as exc:
        found.append(Check("fetch", "warn", f"history not rebuilt from the remote: {exc.message}",
                           exc.hint or ""))
    found.append(_readopt(workspace))
    found.append(_refill_objects(workspace))
    return found


def _agree(workspace: Workspace) -> Check:
    """After fetch recorded what the bucket has: versions recorded but not in the bucket
    (deleted there, or a wrong VersionId) are pending again where their bytes are here
    (push sends them); nothing unpushed is touched."""
    _unknown, missing = _differences(workspace)
    if not missing:
        return Check("index vs bucket", "ok", "agree")
    workspace.index.forget_versions([r["id"] for r in missing])
    held = sum(r["kind"] == "save" and workspace.objects.has(r["sha256"]) for r in missing)
    return Check("index vs bucket", "warn",
                 f"{len(missing)} recorded version(s) were not in the bucket: {held} will be "
                 "pushed again", "run 'nbvc push'")


def _repair_index(workspace: Workspace) -> Check:
    path = workspace.nbvc_dir / "index.db"
    try:
        if workspace.index.integrity_ok():
            return Check("index", "ok", "intact")
        problem = "failed its integrity check"
    except NbvcError as exc:
        problem = exc.message
    workspace.close()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    moved = []
    for suffix in ("", "-wal", "-shm"):
        old = path.with_name(path.name + suffix)
        if old.exists():
            old.rename(old.with_name(f"{old.name}.damaged-{stamp}"))
            moved.append(old.name)
    workspace.__dict__["index"] = Index(path, rebuilding=True)
    aside = f"; moved aside as index.db.damaged-{stamp}" if moved else ""
    return Check("index", "warn", f"{problem}{aside}, rebuilt")


def _readopt(workspace: Workspace) -> Check:
    """Saves the journal holds and the index does not (never pushed, or pushed where
    fetch could not see): recorded again, so push sends or adopts them."""
    index = workspace.index
    with index.transaction():
        found = index.replay_journal(0)
        index.mark_journal_read()
        index.base_on_ancestors()
    if found:
        return Check("journal", "warn", f"{found} save(s) recorded again from the save journal")
    return Check("journal", "ok", "every save in the journal is in the index")


def _repair_objects(workspace: Workspace) -> Check:
    removed = 0
    root = workspace.objects.root
    for path in root.rglob("*"):
        if path.is_file() and not _intact(path, root):
            path.unlink()
            removed += 1
    return Check("local objects", "warn" if removed else "ok",
                 f"{removed} damaged or half-written object(s) removed" if removed else "all intact")


def _sweep(workspace: Workspace) -> Check:
    """Temp files killed runs left (a pull's in the notebook folders, a save's in the
    objects); one a live run is writing is young, and stays."""
    before = workspace.swept
    for _ in workspace.notebooks():  # the walk sweeps
        pass
    removed = workspace.swept - before + workspace.objects.sweep()
    if removed:
        return Check("temp files", "warn", f"{removed} left by killed runs removed")
    return Check("temp files", "ok", "none left by killed runs")


def _intact(path: Path, root: Path) -> bool:
    """An object is intact when its bytes hash to its name (``ab/cdef…``)."""
    name = path.parent.name + path.name
    if path.parent == root or len(name) != 64:
        return True  # not an object file: leave it alone
    return digest_file(path).sha256 == name


def _refill_objects(workspace: Workspace) -> Check:
    restored, lost = 0, []
    for row in workspace.index.kept_versions():
        if workspace.objects.has(row["sha256"]):
            continue
        try:
            if row["version_id"] is not None:
                workspace.version_bytes(row)
                restored += 1
                continue
            working = workspace.abspath(row["path"])
            if working.is_file() and digest_file(working).sha256 == row["sha256"]:
                workspace.objects.ingest_file(working)
                restored += 1
                continue
        except NbvcError:
            pass
        lost.append(f"{row['path']}@{row['sha256'][:8]}")
    if lost:
        return Check("versions", "fail", f"{len(lost)} unpushed version(s) cannot be recovered: "
                     + ", ".join(lost[:5]), "their bytes existed only in the lost local copies")
    return Check("versions", "ok", f"{restored} version(s) restored from the remote or working files")
