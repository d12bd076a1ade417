"""Where a user's own nbvc files live, the user config file and the user cache: in the
folders platformdirs names for the platform.

On Linux (and other XDG systems) ``$XDG_CONFIG_HOME/nbvc`` and ``$XDG_CACHE_HOME/nbvc``,
by default ``~/.config/nbvc`` and ``~/.cache/nbvc``; a relative XDG value is ignored, as
the XDG spec says. On macOS the XDG variables when set, else ``~/Library/Application
Support/nbvc`` and ``~/Library/Caches/nbvc``; on Windows ``%LOCALAPPDATA%\\nbvc`` and
``%LOCALAPPDATA%\\nbvc\\Cache``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def config_folder() -> Path | None:
    """The folder of the user config file; None without a home folder."""
    # imported when a folder is asked for, not with this module: platformdirs costs ~4 ms
    # to import (it brings tempfile, shutil and random), which a command whose user file
    # NBVC_CONFIG names, or that builds no S3 client (no cache), need not pay
    from platformdirs import user_config_dir

    return _absolute(user_config_dir)


def cache_folder() -> Path | None:
    """The user cache folder; None without a home folder."""
    from platformdirs import user_cache_dir  # imported here: see config_folder

    return _absolute(user_cache_dir)


def _absolute(folder_for: Callable[..., str]) -> Path | None:
    """``folder_for``'s folder for nbvc, or None when there is no home folder to speak of
    (a service account without one) rather than a folder relative to wherever the
    command runs: platformdirs raises RuntimeError then, or, given a relative HOME,
    answers with a relative path."""
    try:
        folder = folder_for("nbvc", appauthor=False)  # %LOCALAPPDATA%\nbvc, not ...\nbvc\nbvc
    except RuntimeError:
        return None
    return Path(folder) if os.path.isabs(folder) else None
