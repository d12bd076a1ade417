"""Where a user's own nbvc files live, the user config file and the user cache: in the
XDG folders, as platformdirs names them on Unix.

``$XDG_CONFIG_HOME/nbvc`` and ``$XDG_CACHE_HOME/nbvc``, by default ``~/.config/nbvc`` and
``~/.cache/nbvc``; a relative XDG value is ignored, as the XDG spec says. On macOS too,
as git and most command-line tools there, rather than ``~/Library``: a user file
written before platformdirs was used keeps being read.
"""

from __future__ import annotations

import os
from pathlib import Path


def config_folder() -> Path | None:
    """The folder of the user config file; None without a home folder."""
    return _folder("user_config_dir")


def cache_folder() -> Path | None:
    """The user cache folder; None without a home folder."""
    return _folder("user_cache_dir")


def _folder(which: str) -> Path | None:
    """platformdirs' folder ``which`` for nbvc, or None when there is no home folder to
    speak of (a service account without one) rather than a folder relative to wherever
    the command runs: platformdirs raises RuntimeError then, or, given a relative HOME,
    answers with a relative path."""
    # imported when a folder is asked for, not with this module: platformdirs brings
    # tempfile, shutil and random, which a command whose user file NBVC_CONFIG names, or
    # that builds no S3 client (no cache), need not import
    from platformdirs.unix import Unix

    try:
        folder = getattr(Unix("nbvc"), which)
    except RuntimeError:
        return None
    return Path(folder) if os.path.isabs(folder) else None
