"""Jupyter integration: the post-save hook, the archiving contents manager, nbvc-backed
checkpoints, bookstore-compatible settings and the server extension.

Importing this module needs jupyter_server; nothing else in nbvc does.
"""

from __future__ import annotations

from typing import Any

from .archive import post_save_hook
from .manager import BookstoreContentsArchiver, NbvcCheckpoints, NbvcContentsArchiver
from .settings import BookstoreSettings, NbvcSettings

__all__ = [
    "BookstoreContentsArchiver",
    "BookstoreSettings",
    "NbvcCheckpoints",
    "NbvcContentsArchiver",
    "NbvcSettings",
    "post_save_hook",
]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from .extension import load

    load(serverapp)
