"""Jupyter integration: the post-save hook, the archiving contents manager, nbvc-backed
checkpoints, bookstore-compatible settings and the server extension.

Importing this module needs jupyter_server; nothing else in nbvc does.
"""

from __future__ import annotations

from typing import Any

from .archive import Archive, post_save_hook
from .manager import BookstoreContentsArchiver, NbvcCheckpoints, NbvcContentsArchiver
from .settings import BookstoreSettings, NbvcSettings

CONTENTS_EVENTS = "https://events.jupyter.org/jupyter_server/contents_service/v1"

__all__ = [
    "BookstoreContentsArchiver",
    "BookstoreSettings",
    "NbvcCheckpoints",
    "NbvcContentsArchiver",
    "NbvcSettings",
    "post_save_hook",
]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "nbvc.jupyter"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register the REST API; with a plain file manager, also the hook and the
    rename/delete listeners (the archiver follows those through its checkpoints)."""
    from .handlers import handlers

    manager = serverapp.contents_manager
    serverapp.web_app.add_handlers(".*$", handlers(serverapp.web_app.settings["base_url"]))
    if not isinstance(getattr(manager, "checkpoints", None), NbvcCheckpoints):
        if post_save_hook not in (manager.post_save_hook, *manager._post_save_hooks):
            manager.register_post_save_hook(post_save_hook)

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
    try:
        Archive.for_manager(manager)
    except Exception:
        serverapp.log.exception("nbvc: archiving is off; saves still work")
    serverapp.log.info("nbvc %s: archiving saves of %s", __import__("nbvc").__version__,
                       manager.root_dir)


# the legacy entry point name, for older servers
load_jupyter_server_extension = _load_jupyter_server_extension
