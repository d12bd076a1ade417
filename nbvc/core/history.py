"""What ``nbvc log --since`` takes: a date, a time or a span back from now."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ..errors import UsageError
from .remote_versions import iso

SPAN = re.compile(r"(\d+)\s*(m|min|h|d|w)")
UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime | None = None) -> str:
    """``--since``: an ISO date or time (local time unless it names a zone), or a span
    back from now (``30m``, ``3h``, ``2d``, ``1w``); returns an index timestamp."""
    now = now or datetime.now(timezone.utc)
    span = SPAN.fullmatch(text.strip().lower())
    if span:
        return iso(now - timedelta(**{UNITS[span.group(2)]: int(span.group(1))}))
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--since {text!r}: not a date, time or span",
                         hint="e.g. 2026-12-01, 2026-12-01T09:30, 3h, 2d, 1w") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the user's local time
    return iso(moment)
