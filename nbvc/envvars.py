"""``NBVC_*`` variables read outside the settings (by the fast lane of ``status`` and
``log`` too, so this imports nothing but :mod:`os` and nbvc's errors).

An invalid value is a :class:`~nbvc.errors.ConfigError` naming the variable: exit 2.
An empty variable means its default, as if it were not set.
"""

from __future__ import annotations

import math
import os

from .errors import ConfigError

#: the words a boolean may be written as in an environment variable (any case)
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")

BUSY_TIMEOUT_S = 30
#: the longest wait for another process's index lock, in seconds (a day)
MAX_LOCK_TIMEOUT_S = 86400


def parse_flag(text: str, subject: str) -> bool:
    """``text`` as a boolean word (:data:`TRUE_WORDS`, :data:`FALSE_WORDS`)."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{subject} must be true or false (also 1/0, yes/no), not {text!r}")


def flag(name: str, default: bool = False) -> bool:
    """The boolean environment variable ``name`` (e.g. ``NBVC_DEBUG``)."""
    text = os.environ.get(name, "")
    return parse_flag(text, name) if text.strip() else default


def lock_timeout() -> float:
    """How long to wait for another process's write lock (``NBVC_LOCK_TIMEOUT``), in
    seconds: a finite number from 0 to :data:`MAX_LOCK_TIMEOUT_S`."""
    text = os.environ.get("NBVC_LOCK_TIMEOUT", "")
    if not text.strip():
        return BUSY_TIMEOUT_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_LOCK_TIMEOUT_S:  # nan and inf fail this too
        raise ConfigError(f"NBVC_LOCK_TIMEOUT must be a number of seconds from 0 to "
                          f"{MAX_LOCK_TIMEOUT_S}, not {text!r}")
    return seconds
