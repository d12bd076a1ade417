"""The user cache, ``$XDG_CACHE_HOME/nbvc`` (``~/.cache/nbvc``; :mod:`nbvc.userdirs`):
derived values that spare later commands work (botocore's parsed models). Everything
in it can be deleted at any time; a cache that cannot be read or written only makes
nbvc slower.

What is cached is marshalled data that nbvc loads as its own, so the cache lives only
in a folder the user owns by absolute path: a relative ``XDG_CACHE_HOME`` is ignored
(as the XDG spec says), and without a home there is no cache at all rather than one
in the current or a shared temporary folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .files import write_atomic
from .userdirs import cache_folder


def cache_dir() -> Path | None:
    return cache_folder()


def load(name: str) -> Any:
    """The value kept under ``name``; None when there is none or it is damaged."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return marshal.loads((folder / name).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def keep(name: str, value: Any) -> None:
    """Keep ``value`` under ``name``, written atomically (a reader never sees half of
    it); a cache that cannot be written is skipped."""
    folder = cache_dir()
    if folder is None:
        return
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(folder / name, marshal.dumps(value))


def remembered(kind: str, key: str, make: Callable[[], Any]) -> Any:
    """The value kept for ``key`` (a string naming everything it derives from), or
    ``make()``'s, kept for next time. Entries are named ``<kind>-<hash of key>.bin``."""
    name = f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.bin"
    value = load(name)
    if value is None:
        value = make()
        keep(name, value)
    return value
