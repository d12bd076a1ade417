"""The user cache, ``$XDG_CACHE_HOME/nbvc`` (``~/.cache/nbvc``): derived files that
spare later commands work (the compiled notebook schema, botocore's parsed models).
Everything in it can be deleted at any time; a cache that cannot be read or written
only makes nbvc slower."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nbvc"


def keep(path: Path, data: bytes) -> None:
    """Write a cache file atomically (a reader never sees half of it); errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
