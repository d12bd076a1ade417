"""Health checks of a workspace and its remote, each with the fix when it fails."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NbvcError
from .store import parse_remote
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
    checks = [_config(workspace), _index(workspace), _objects(workspace)]
    spec = parse_remote(workspace.settings.remote, workspace.nbvc_dir)
    if spec.kind == "s3":
        checks.append(_credentials(workspace))
    checks.extend(_remote(workspace))
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
        return Check("index", "fail", "integrity check failed",
                     "move .nbvc/index.db aside and run 'nbvc fetch' to rebuild it")
    saves = workspace.index.one("SELECT count(*) AS n FROM saves")
    return Check("index", "ok", f"{saves['n'] if saves else 0} versions recorded")


def _objects(workspace: Workspace) -> Check:
    pending = workspace.index.rows(
        "SELECT DISTINCT sha256 FROM saves WHERE version_id IS NULL AND kind='save'"
    )
    missing = [r["sha256"] for r in pending if not workspace.objects.has(r["sha256"])]
    if missing:
        return Check("local objects", "fail",
                     f"{len(missing)} unpushed version(s) have lost their local copy",
                     "those versions cannot be pushed; save the notebooks again")
    return Check("local objects", "ok", f"{len(pending)} unpushed version(s) held locally")


def _credentials(workspace: Workspace) -> Check:
    s = workspace.settings
    if s.access_key_id and s.secret_access_key:
        return Check("credentials", "ok", "from nbvc settings")
    import boto3

    found = boto3.session.Session(region_name=s.region or None).get_credentials()
    if found is None:
        return Check("credentials", "fail", "no AWS credentials found",
                     "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE")
    return Check("credentials", "ok", f"from boto3 ({found.method})")


def _conditional_writes(workspace: Workspace) -> Check:
    """Probe once whether the store refuses a second create-only PUT (S3 does)."""
    import uuid

    from .store import PreconditionFailed

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
        store.delete(key)
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


def _remote(workspace: Workspace) -> list[Check]:
    try:
        store = workspace.store
        status = store.versioning()
    except NbvcError as exc:
        return [Check("remote", "fail", exc.message,
                      exc.hint or "check 'nbvc remote show' and the endpoint")]
    checks = [Check("remote", "ok", f"{store.display_url()} reachable")]
    if status == "Enabled":
        checks.append(Check("versioning", "ok", "Enabled"))
        checks.append(_conditional_writes(workspace))
    else:
        checks.append(Check(
            "versioning", "fail", f"{status}: saves would overwrite each other",
            "enable it: aws s3api put-bucket-versioning --bucket BUCKET "
            "--versioning-configuration Status=Enabled",
        ))
    return checks
