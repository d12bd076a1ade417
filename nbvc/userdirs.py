"""Where a user's own nbvc files live, by the XDG base directory rule: one rule for
the user config file and the user cache."""

from __future__ import annotations

import os
from pathlib import Path


def user_folder(variable: str, default: str) -> Path | None:
    """``$<variable>/nbvc`` (e.g. ``XDG_CACHE_HOME``) when it is an absolute path (the
    XDG spec says to ignore a relative one), else ``~/<default>/nbvc``; None when
    there is no home folder to speak of (a service account without one), rather
    than a folder relative to wherever the command runs."""
    configured = os.environ.get(variable, "")
    if os.path.isabs(configured):
        return Path(configured) / "nbvc"
    home = os.path.expanduser("~")
    return Path(home) / default / "nbvc" if os.path.isabs(home) else None
