"""The server extension's REST API, under the server's base_url, all authenticated.

GET  /api/nbvc                 version, whether active (and why), remote, upload state per notebook
GET  /api/nbvc/log/<path>      a notebook's versions (?limit=&offset=)
POST /api/nbvc/publish/<path>  {"version": REF}: publish that exact version
POST /api/nbvc/clone           {"key", "version"?, "target_path"?, "overwrite"?} (a VersionId or a name)
POST /api/nbvc/resolve/<path>  {"keep": "mine" | "theirs"}: the way out of an upload conflict
POST /api/nbvc/tag/<path>      {"name", "version"?, "force"?}: name one version
GET  /api/nbvc/show/<path>     ?version=REF: one version's notebook, and its record
GET  /api/nbvc/diff/<path>     ?a=REF&b=REF: nbdime's diff of two versions (no b: the notebook as saved)
POST /api/nbvc/restore/<path>  {"version": REF}: that version back, as a new version on top
GET  /api/nbvc/deleted         notebooks whose latest in the bucket is a delete marker (?fetch=0: last fetch)
POST /api/nbvc/undelete/<path> {"version": REF?}: a deleted notebook back, saved and pushed
"""

from __future__ import annotations

import asyncio
import json
import posixpath
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from ... import __version__
from ...core.name_records import read_version
from ...core.publish import publish
from ...core.records import publishes_by_version, version_record
from ...digest import digest_bytes
from ...errors import (
    ConflictError,
    InvalidNotebook,
    NbvcError,
    NotFound,
    RemoteError,
    UsageError,
    WorkspaceError,
)
from ...files import check_inside, write_atomic
from ...keys import UnsafeKey, check_relpath
from ...notebook import SUFFIX, validate_bytes
from ...store import BucketNotFound
from .archive import Archive
from .extension import STATE_KEY, Activation

AUTH_RESOURCE = "contents"
RESOLVE_WAIT_S = 30.0  # the uploader may hold the workspace's push lock for a round


def http_error(exc: NbvcError) -> web.HTTPError:
    """nbvc's errors as HTTP statuses: bad input is never a 500."""
    if isinstance(exc, InvalidNotebook):
        status = 415 if "not a notebook (nbvc versions .ipynb" in exc.message else 422
    elif isinstance(exc, (NotFound, BucketNotFound)):
        status = 404
    elif isinstance(exc, ConflictError):
        status = 409
    elif isinstance(exc, UsageError):
        status = 400
    elif isinstance(exc, RemoteError):
        status = 502
    elif isinstance(exc, WorkspaceError):
        status = 503
    else:
        status = 500
    return web.HTTPError(status, exc.message)


class NbvcHandler(APIHandler):
    auth_resource = AUTH_RESOURCE

    @property
    def activation(self) -> Activation:
        return self.settings.get(STATE_KEY) or Activation(True, "nbvc's archiver is configured")

    @property
    def archive(self) -> Archive:
        state = self.activation
        if not state.active:
            raise web.HTTPError(409, f"nbvc is not active in this server: {state.reason}")
        return Archive.for_manager(self.contents_manager)

    def body(self) -> dict[str, Any]:
        if not self.request.body:
            return {}
        try:
            data = json.loads(self.request.body)
        except json.JSONDecodeError:
            raise web.HTTPError(400, "body is not JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPError(400, "body must be a JSON object")
        return data

    def body_ref(self, body: dict[str, Any] | None = None) -> str | None:
        """The body's ``version`` (a version ref), if it names one."""
        ref = (self.body() if body is None else body).get("version")
        if ref is not None and not isinstance(ref, str):
            raise web.HTTPError(400, "version must be a string")
        return ref

    @staticmethod
    def notebook_path(path: str) -> str:
        path = path.strip("/")
        if not path:
            raise web.HTTPError(400, "no notebook path given")
        if not path.endswith(SUFFIX):
            raise web.HTTPError(415, f"{path}: not a notebook")
        try:
            return check_relpath(path)
        except UnsafeKey as exc:
            raise web.HTTPError(400, exc.message) from None

    async def call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        """Run blocking nbvc work off the event loop; map its errors to HTTP."""
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except NbvcError as exc:
            raise http_error(exc) from None


class InfoHandler(NbvcHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        state = self.activation
        if not state.active:
            self.finish({"version": __version__, "active": False, "reason": state.reason})
            return
        archive = self.archive
        settings = archive.workspace.settings
        uploader = archive.uploader
        pending = archive.workspace.index.pending_counts()
        problems = dict(uploader.problems)
        # a notebook without a problem of its own waits, or shares the failure of the last round
        waiting = ({"state": "failed", "detail": uploader.last_error, "remote_version_id": ""}
                   if uploader.last_error else {"state": "pending", "detail": "", "remote_version_id": ""})
        notebooks = [{"path": path, "pending": pending.get(path, 0), **problems.get(path, waiting)}
                     for path in sorted(pending.keys() | problems.keys())]
        self.finish({
            "version": __version__,
            "active": True,
            "reason": state.reason,
            "features": {"archive": True, "log": True, "publish": True, "clone": True,
                         "checkpoints": True, "resolve": True, "show": True, "diff": True, "tag": True,
                         "restore": True, "deleted": True, "undelete": True},
            "remote": archive.workspace.store.display_url(settings.workspace_prefix + "/"),
            "workspace_prefix": settings.workspace_prefix,
            "published_prefix": settings.published_prefix,
            "pending": sum(pending.values()),
            "failing": bool(uploader.last_error),
            "conflicts": sum(n["state"] == "conflict" for n in notebooks),
            "last_upload_error": uploader.last_error or None,
            "notebooks": notebooks,
        })


class ResolveHandler(NbvcHandler):
    """The REST twin of ``nbvc push --force PATH`` (keep mine) and ``nbvc pull --force PATH``
    (keep theirs): either way both versions stay in the bucket's history."""

    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        rel = self.notebook_path(path)
        keep = self.body().get("keep")
        if keep not in ("mine", "theirs"):
            raise web.HTTPError(400, "'keep' must be \"mine\" or \"theirs\"")
        self.finish(await self.call(self._resolve, rel, keep))

    def _resolve(self, rel: str, keep: str) -> dict[str, Any]:
        from ...core import sync

        archive = self.archive
        workspace = archive.workspace
        if keep == "mine":
            report = sync.push(workspace, [rel], force=True, save_first=False, wait=RESOLVE_WAIT_S)
            outcome = next((o for o in report.outcomes if o.path == rel), None)
            if outcome is None:
                raise NotFound(f"{rel}: nothing waits to be uploaded")
            if outcome.status not in ("uploaded", "adopted"):
                raise ConflictError(f"{rel}: {outcome.detail}")
            result = {"path": rel, "kept": keep, "status": outcome.status,
                      "version_id": outcome.version_id}
        else:
            _fetched, outcomes = sync.pull(workspace, [rel], force=True, wait=RESOLVE_WAIT_S)
            outcome = next((o for o in outcomes if o.path == rel), None)
            if outcome is None or outcome.status in ("failed", "conflict", "refused"):
                raise ConflictError(f"{rel}: {outcome.detail if outcome else 'not in the bucket'}")
            result = {"path": rel, "kept": keep, "status": outcome.status}
        archive.uploader.problems.pop(rel, None)
        archive.uploader.notify()
        return result


class LogHandler(NbvcHandler):
    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        rel = self.notebook_path(path)
        try:
            limit = min(int(self.get_query_argument("limit", "50")), 1000)
            offset = max(int(self.get_query_argument("offset", "0")), 0)
        except ValueError:
            raise web.HTTPError(400, "limit and offset must be whole numbers") from None
        index = self.archive.workspace.index
        total = index.count_saves(rel)
        if total == 0:
            raise web.HTTPError(404, f"{rel}: no versions recorded")
        rows = index.history(rel, limit, offset)
        names = index.version_names()
        publishes = publishes_by_version(index.publishes_of(rel))  # as nbvc log --json
        self.finish({"path": rel, "total": total, "limit": limit, "offset": offset,
                     "versions": [{**version_record(r, names),
                                   "published": publishes.get(r["version_id"], [])}
                                  for r in rows]})


class PublishHandler(NbvcHandler):
    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        rel = self.notebook_path(path)
        ref = self.body_ref()
        self.finish(await self.call(self._publish, rel, ref))

    def _publish(self, rel: str, ref: str | None) -> dict[str, Any]:
        from ...core.versions import show

        workspace = self.archive.workspace
        _row, data = show(workspace, str(workspace.root / rel), ref)
        validate_bytes(rel, data)  # 422 for an empty or invalid notebook
        return publish(workspace, str(workspace.root / rel), ref)


class CloneHandler(NbvcHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body()
        key = body.get("key")
        if not key or not isinstance(key, str):
            raise web.HTTPError(400, "missing 'key'")
        if not key.endswith(SUFFIX):
            raise web.HTTPError(415, f"{key}: not a notebook")
        target = body.get("target_path") or posixpath.basename(key)
        if not isinstance(target, str):
            raise web.HTTPError(400, "target_path must be a string")
        target = self.notebook_path(target)
        self.set_status(201)
        self.finish(await self.call(self._clone, key, body.get("version"), target,
                                    bool(body.get("overwrite"))))

    def _clone(self, key: str, version: str | None, target: str, overwrite: bool) -> dict[str, Any]:
        archive = self.archive
        workspace = archive.workspace
        version, data = read_version(workspace.store, key, version)  # a VersionId or a name
        validate_bytes(key, data)
        if not overwrite:
            target = free_name(workspace.root, target)
        dest = workspace.root / target
        check_inside(dest, workspace.root)  # before anything is written
        if dest.exists():
            workspace.preserve(target, "saved by nbvc before clone overwrote it")
        write_atomic(dest, data)  # inside the workspace: checked above
        archive.record(str(dest), f"cloned from {key}" + (f"@{version}" if version else ""))
        return {"path": target, "key": key, "version_id": version,
                "sha256": digest_bytes(data).sha256}


class TagHandler(NbvcHandler):
    """The REST twin of ``nbvc tag PATH NAME [--version REF] [--force]``."""

    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        rel = self.notebook_path(path)
        body = self.body()
        name, ref, force = body.get("name"), self.body_ref(body), body.get("force", False)
        if not name or not isinstance(name, str):
            raise web.HTTPError(400, "'name' must be a name for the version")
        if not isinstance(force, bool):
            raise web.HTTPError(400, "force must be true or false")
        self.finish(await self.call(self._tag, rel, name, ref, force))

    def _tag(self, rel: str, name: str, ref: str | None, force: bool) -> dict[str, Any]:
        from ...core.names import tag

        workspace = self.archive.workspace
        return tag(workspace, str(workspace.root / rel), name, ref, force=force)


class ShowHandler(NbvcHandler):
    """One version, read-only: ``{path, version: {record}, notebook}``."""

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        rel = self.notebook_path(path)
        ref = self.get_query_argument("version", None)
        self.finish(await self.call(self._show, rel, ref))

    def _show(self, rel: str, ref: str | None) -> dict[str, Any]:
        from ...core.versions import show

        workspace = self.archive.workspace
        row, data = show(workspace, str(workspace.root / rel), ref)
        return {"path": rel, "version": version_record(row), "notebook": notebook_json(rel, data)}


class DiffHandler(NbvcHandler):
    """nbdime's diff, in the shape nbdime's own web components take: ``{base, diff}``
    (``base`` the notebook of ``a``), with what each side is."""

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        rel = self.notebook_path(path)
        ref_a = self.get_query_argument("a", None)
        ref_b = self.get_query_argument("b", None)
        self.finish(await self.call(self._diff, rel, ref_a, ref_b))

    def _diff(self, rel: str, ref_a: str | None, ref_b: str | None) -> dict[str, Any]:
        import nbformat

        from ...core.versions import diff_sides
        from ..nbdime import diff_json

        workspace = self.archive.workspace
        a, b = diff_sides(workspace, str(workspace.root / rel), ref_a, ref_b)
        diff = diff_json(a, b)  # 422 for a side that is not a valid notebook
        # the base as nbdime diffed it (nbformat's reading: multi-line strings joined), the
        # shape nbdime's web components patch; the file's own lists of lines would not match
        base = nbformat.reads(a.data.decode("utf-8"), as_version=4)
        return {"path": rel, "a": a.label, "b": b.label, "base": base, "diff": diff}


class RestoreHandler(NbvcHandler):
    """The REST twin of ``nbvc restore PATH --version REF``: the working file takes that
    version's bytes, saved as a new version (nothing is lost: restoring again undoes it)."""

    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        rel = self.notebook_path(path)
        ref = self.body().get("version")
        if not ref or not isinstance(ref, str):
            raise web.HTTPError(400, "'version' must name a version (a VersionId, hash or ~N)")
        self.finish(await self.call(self._restore, rel, ref))

    def _restore(self, rel: str, ref: str) -> dict[str, Any]:
        from ...core.versions import restore

        archive = self.archive
        workspace = archive.workspace
        done = restore(workspace, str(workspace.root / rel), ref)
        archive.uploader.notify()  # the new version goes to the bucket like any save
        latest = workspace.index.last_save(rel)
        return {**done, "version": version_record(latest) if latest else None}


class DeletedHandler(NbvcHandler):
    """The REST twin of ``nbvc deleted``: ``{fetched, deleted: [...]}`` (records as
    ``nbvc deleted --json``); the bucket is fetched first unless ``?fetch=0``."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        fetch_first = self.get_query_argument("fetch", "1").lower() not in ("0", "false", "no")
        rows = await self.call(self._deleted, fetch_first)
        self.finish({"fetched": fetch_first, "deleted": rows})

    def _deleted(self, fetch_first: bool) -> list[dict[str, Any]]:
        from ...core.undelete import deleted

        return deleted(self.archive.workspace, fetch_first=fetch_first)


class UndeleteHandler(NbvcHandler):
    """The REST twin of ``nbvc undelete PATH [--version REF]``: 409 when a different
    file is at the path (never overwritten), 400 when the notebook is not deleted,
    404 when the bucket never had it."""

    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        rel = self.notebook_path(path)
        ref = self.body_ref()
        self.finish(await self.call(self._undelete, rel, ref))

    def _undelete(self, rel: str, ref: str | None) -> dict[str, Any]:
        from ...core.undelete import undelete

        archive = self.archive
        workspace = archive.workspace
        done = undelete(workspace, str(workspace.root / rel), ref, wait=RESOLVE_WAIT_S)
        archive.uploader.notify()  # a save left pending goes with the next round
        return done


def notebook_json(rel: str, data: bytes) -> Any:
    """A version's bytes as the notebook JSON the front end renders."""
    try:
        return json.loads(data)
    except ValueError:
        raise InvalidNotebook(f"{rel}: this version is not JSON") from None


def free_name(root: Any, target: str) -> str:
    """bookstore's rule: never overwrite; ``name.ipynb`` -> ``name-1.ipynb``, ``-2`` ..."""
    if not (root / target).exists():
        return target
    stem = target[: -len(SUFFIX)]
    n = 1
    while (root / f"{stem}-{n}{SUFFIX}").exists():
        n += 1
    return f"{stem}-{n}{SUFFIX}"


def handlers(base_url: str) -> list[tuple[str, type]]:
    api = url_path_join(base_url, "api", "nbvc")
    return [
        (api, InfoHandler),
        (url_path_join(api, "log", "(.*)"), LogHandler),
        (url_path_join(api, "publish", "(.*)"), PublishHandler),
        (url_path_join(api, "clone"), CloneHandler),
        (url_path_join(api, "resolve", "(.*)"), ResolveHandler),
        (url_path_join(api, "tag", "(.*)"), TagHandler),
        (url_path_join(api, "show", "(.*)"), ShowHandler),
        (url_path_join(api, "diff", "(.*)"), DiffHandler),
        (url_path_join(api, "restore", "(.*)"), RestoreHandler),
        (url_path_join(api, "deleted"), DeletedHandler),
        (url_path_join(api, "undelete", "(.*)"), UndeleteHandler),
    ]
