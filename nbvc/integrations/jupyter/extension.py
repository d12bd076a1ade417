"""The server extension: enabled by installing nbvc, active where the server's root is a workspace.

Installing nbvc puts ``jupyter_server_config.d/nbvc.json`` in the environment's
Jupyter config (as nbdime and jupyterlab-git do), so every ``jupyter lab``,
``jupyter notebook`` or ``jupyter server`` loads this extension. It then decides:

* **active** when the root folder is an nbvc workspace (``nbvc init`` was run
  there), when the Jupyter config names a bucket (``c.NbvcSettings.remote``,
  ``c.BookstoreSettings.s3_bucket``; the root then becomes a workspace, as on a
  JupyterHub image), or when the contents manager is nbvc's archiver;
* **inactive** anywhere else: saves are Jupyter's alone and nothing is created.

Either way it logs one line saying which, and ``GET /api/nbvc`` answers with the
same ``active`` and ``reason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import __version__
from ...tree import CONFIG_FILE, NBVC_DIR
from .archive import Archive, post_save_hook, pre_save_hook
from .manager import NbvcCheckpoints, NbvcContentsArchiver
from .settings import NbvcSettings, overrides_from

CONTENTS_EVENTS = "https://events.jupyter.org/jupyter_server/contents_service/v1"
STATE_KEY = "nbvc_state"


@dataclass(frozen=True)
class Activation:
    active: bool
    reason: str


def activation(root: Path, config: Any, manager: Any) -> Activation:
    """Whether this server archives saves, and why (or why not)."""
    if (root / NBVC_DIR / CONFIG_FILE).is_file():
        return Activation(True, f"{root} is an nbvc workspace")
    if isinstance(manager, NbvcContentsArchiver):
        return Activation(True, "the contents manager is nbvc's archiver")
    if overrides_from(config).get("remote"):
        return Activation(True, "the Jupyter config names a bucket (NbvcSettings/BookstoreSettings)")
    if manager.post_save_hook is post_save_hook:
        return Activation(True, "the Jupyter config sets nbvc's post-save hook")
    return Activation(False, f"{root} is not an nbvc workspace; run 'nbvc init' there to archive "
                             "its saves (or set c.NbvcSettings.remote)")


def load(serverapp: Any) -> None:
    """Register the REST API; where active, archive every save and say where to."""
    from .handlers import handlers

    manager = serverapp.contents_manager
    root = Path(manager.root_dir).resolve()
    state = activation(root, serverapp.config, manager)
    serverapp.web_app.settings[STATE_KEY] = state
    serverapp.web_app.add_handlers(".*$", handlers(serverapp.web_app.settings["base_url"]))
    if not state.active:
        serverapp.log.info("nbvc %s: inactive: %s", __version__, state.reason)
        return
    try:
        archive = Archive.for_manager(manager)  # starts the uploader: drains what was left pending
    except Exception as exc:
        serverapp.web_app.settings[STATE_KEY] = Activation(False, f"cannot open the workspace: {exc}")
        serverapp.log.exception("nbvc %s: inactive: cannot open the workspace at %s; saves still work",
                                __version__, root)
        return
    follows = _archive_saves(serverapp, manager)
    settings = archive.workspace.settings
    serverapp.log.info(
        "nbvc %s: archiving every notebook save of %s to %s (published: %s; %s)", __version__, root,
        archive.workspace.store.display_url(settings.workspace_prefix + "/"), settings.published_prefix,
        follows)


def _archive_saves(serverapp: Any, manager: Any) -> str:
    """Make every save a version and every checkpoint an nbvc version; returns how
    renames and deletes are followed.

    An async contents manager gets nbvc's checkpoints (the revert dialog lists
    versions, renames and deletes reach them); a sync one, or a server configured
    with ``c.NbvcSettings.checkpoints = False``, keeps its checkpoints and gets the
    hook plus listeners on Jupyter's contents events.
    """
    from jupyter_server.services.contents.manager import AsyncContentsManager

    if isinstance(manager.checkpoints, NbvcCheckpoints):
        return "checkpoints are nbvc versions"  # nbvc's archiver registered its hooks itself
    manager.register_pre_save_hook(pre_save_hook)
    if manager.post_save_hook is not post_save_hook:  # configured by hand: it runs already
        manager.register_post_save_hook(post_save_hook)
    if NbvcSettings(config=serverapp.config).checkpoints and isinstance(manager, AsyncContentsManager):
        manager.checkpoints = NbvcCheckpoints(parent=manager, log=manager.log)
        return "checkpoints are nbvc versions"

    async def follow(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        try:
            archive = Archive.for_manager(manager)
            if data.get("action") == "rename":
                archive.follow_rename(data["source_path"].strip("/"), data["path"].strip("/"))
            elif data.get("action") == "delete":
                archive.follow_delete(data["path"].strip("/"))
        except Exception:
            serverapp.log.exception("nbvc: could not follow %s", data)

    serverapp.event_logger.add_listener(schema_id=CONTENTS_EVENTS, listener=follow)
    return "Jupyter's own checkpoints kept; renames and deletes followed through contents events"
