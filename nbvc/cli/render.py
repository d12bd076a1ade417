"""What the commands print: status lines, log tables, JSON, colours. The lean lane of
the entry point (plain ``status`` and ``log``) prints with these too, so this module
imports neither click nor rich."""

from __future__ import annotations

import os
import sys
from itertools import compress, count
from operator import itemgetter

TYPE_CHECKING = False  # typing's flag: the lane starts without importing typing
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from ..core.workspace import Workspace
    from ..index.rows import LogRow

STATE_COLOURS = {"new": "32", "modified": "33", "pending": "36", "remote-ahead": "35",
                 "remote-only": "35", "remote-deleted": "31", "conflict": "31", "deleted": "31"}


def print_status(paths: list[str] | None, as_json: bool) -> None:
    """``nbvc status``: one line per notebook that is not clean."""
    if paths:
        from ..core.status import status
        from ..core.workspace import Workspace

        rows = status(Workspace.find(), paths)
        changed, total = [r for r in rows if r.state != "clean"], len(rows)
    else:  # the whole workspace: no Workspace (config, pathlib) needed
        from ..core.status import workspace_status
        from ..tree import find_root

        report = workspace_status(find_root())
        if as_json:
            rows = report.rows()
        changed, total = report.changed, report.total
    if as_json:
        emit_json([r._asdict() for r in rows])
        return
    lines = [paint(f"{r.state:12}", STATE_COLOURS[r.state], sys.stdout) + f" {r.path}"
             + (f" ({r.pending} to push)" if r.pending else "") + "\n" for r in changed]
    sys.stdout.write("".join(lines) or f"everything clean ({total} notebooks)\n")


def print_log(path: str | None, limit: int | None, as_json: bool, since: str | None = None,
              author: str | None = None, kind: str | None = None) -> None:
    """``nbvc log``: a notebook's versions (no ``path``: every notebook's, with their
    paths), newest first, as a table or JSON records; ``since`` (an index timestamp),
    ``author`` and ``kind`` filter. The table needs only the index. A notebook's unfiltered log
    describes versions fetched without their metadata first and its JSON records open
    the workspace (config, remote); the workspace's log, and a filtered one, ask the
    bucket nothing."""
    from ..errors import NotFound
    from ..index import Index
    from ..tree import NBVC_DIR, find_root, relpath

    root = find_root()
    rel = relpath(root, path) if path is not None else None
    index = Index(os.path.join(root, NBVC_DIR, "index.db"))
    filtered = since is not None or author is not None or kind is not None
    if as_json and (rel is None or filtered):
        from ..core.records import version_record

        names = index.version_names()
        emit_json([version_record(r, names)
                   for r in index.workspace_history(limit, since, author, rel, kind)])
        return
    if rel is not None and not filtered and (as_json or index.has_sketches(rel)):
        from pathlib import Path

        from ..core.workspace import Workspace

        ws = Workspace(Path(root))  # the root found above, not searched for again
        describe_history(ws, rel)
        if as_json:
            emit_json(ws.log_records(path, limit, describe=False))
            return
    with index.reading():
        rows = index.log_rows(rel, limit, since, author, kind)
        names, published = index.version_names(), index.published_versions()
    if not rows:
        if rel is None or filtered:
            sys.stdout.write("no versions match\n" if filtered else "no versions recorded yet\n")
            return
        raise NotFound.no_versions(rel)
    table = log_table(rows, names, published, rel is None, wants_colour(sys.stdout))
    table.append("")  # the last newline, without copying the whole text once more
    sys.stdout.write("\n".join(table))


def describe_history(ws: Workspace, rel: str) -> None:
    """Read the metadata of ``rel``'s versions that fetch listed without it; offline,
    the history still shows (those versions without their hash)."""
    from ..errors import RemoteError

    try:
        ws.complete_history(rel)
    except RemoteError as exc:
        print(paint("warning:", "33", sys.stderr), f"{exc.message}; versions fetched without "
              "their metadata show no hash", file=sys.stderr)


def emit_json(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def wants_colour(stream: Any) -> bool:
    """Whether ``stream`` is a terminal that takes ANSI colour (``NO_COLOR`` says no)."""
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def paint(text: str, colour: str, stream: Any) -> str:
    """``text`` in an ANSI colour when ``stream`` wants it."""
    return f"\x1b[{colour}m{text}\x1b[0m" if wants_colour(stream) else text


# -- the log's table -------------------------------------------------------------------
# A workspace's log has a line per version (100,000 in a big one), so the table is built
# column by column, each in one comprehension or map over the rows (no call per cell),
# and each line with one ``%``; times and sizes are worked out once per distinct hour
# and tenth of a unit, then looked up.

#: ``nbvc log``'s columns, as headed; a whole workspace's log has a path after the author
LOG_HEADERS = ("version", "saved", "size", "author", "kind", "version id", "message")


def log_table(rows: list[LogRow], names: dict[tuple[str, str], list[str]],
              published: set[tuple[str, str]], with_path: bool, colour: bool) -> list[str]:
    """``nbvc log``'s table of :meth:`nbvc.index.Index.log_rows`: a header, then a line
    per version with its short hash, local save time, size, author@host, (path,) kind,
    VersionId (or "not pushed"; marked unverified, ``published`` and with its
    ``names``) and message; columns as wide as their widest cell in characters,
    trailing spaces cut; ``colour``: the header bold and the hashes cyan. ``rows`` is
    emptied once read."""
    from ..index import LOG_FIELDS

    field = {name: itemgetter(i) for i, name in enumerate(LOG_FIELDS)}
    key, version_id = field["key"], field["version_id"]
    version_ids = [v or "not pushed" for v in map(version_id, rows)]
    for i in compress(count(), map(field["unverified"], rows)):
        version_ids[i] += " (unverified)"
    if published or names:  # few versions are named or published: find them by VersionId, then key
        marked = {v for _, v in published} | {v for _, v in names}
        for i in compress(count(), map(marked.__contains__, map(version_id, rows))):
            where = key(rows[i]), version_id(rows[i])
            if where in published:
                version_ids[i] += " published"
            if where in names:
                version_ids[i] += f" [{', '.join(names[where])}]"
    columns = [[s[:8] or "-" for s in map(field["sha256"], rows)],
               local_times(list(map(field["saved_at"], rows))),
               human_sizes(map(field["size"], rows)),
               [a + "@" + h for a, h in zip(map(field["author"], rows), map(field["host"], rows),
                                            strict=True)],
               *([list(map(field["path"], rows))] if with_path else []),
               list(map(field["kind"], rows)),
               version_ids,
               [m or "" for m in map(field["message"], rows)]]
    rows.clear()  # read: a big log's rows go before its lines come (peak memory)
    headers = (*LOG_HEADERS[:4], "path", *LOG_HEADERS[4:]) if with_path else LOG_HEADERS
    widths = [max(len(h), max(map(len, c), default=0))
              for h, c in zip(headers[:-1], columns[:-1], strict=True)]
    first, middle = f"%-{widths[0]}s", "".join(f"  %-{w}s" for w in widths[1:-1])
    header = (first + middle + f"  %-{widths[-1]}s  %s") % headers
    if colour:
        header, first = f"\x1b[1m{header}\x1b[0m", f"\x1b[36m{first}\x1b[0m"
    # a version without a message ends at its VersionId ("%.0s": the empty message)
    line, bare = first + middle + f"  %-{widths[-1]}s  %s", first + middle + "  %s%.0s"
    lines = [(line % cells).rstrip(" ") if cells[-1] else bare % cells
             for cells in zip(*columns, strict=True)]
    lines.insert(0, header)
    return lines


def when(iso: str | None) -> str:
    """An index timestamp (ISO 8601; without a zone: UTC) in local time, to the second
    ("" for none, or for text that is no timestamp)."""
    from datetime import datetime, timezone

    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso[:-1] + "+00:00" if iso[-1] in "Zz" else iso)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone().isoformat(sep=" ")[:19]
    except (ValueError, OverflowError, OSError):
        return ""


def local_times(stamps: list[str]) -> list[str]:
    """:func:`when` of each of ``stamps``. Those as nbvc writes them (to the microsecond,
    in UTC: 32 characters ending in +00:00) take their hour's local time from a table,
    or their minute's where the zone is not a whole number of hours off UTC; the rest,
    and all of them where no table can hold the times (see :class:`_LocalTimes`), the
    long way."""
    for table, cut in ((_LocalTimes(3600), 13), (_LocalTimes(60), 16)):
        try:
            return [table[s[:cut]] + s[cut:19] if s[26:] == "+00:00" else when(s) for s in stamps]
        except _NotWhole:
            continue
    return [when(s) for s in stamps]


class _NotWhole(Exception):
    """An hour (or minute) that does not lie a whole number of hours (minutes) off UTC
    throughout, or that is no time."""


class _LocalTimes(dict):
    """A UTC hour ("2026-11-27T09", ``unit`` 3600) or minute ("2026-11-27T09:30", 60)
    -> its local time ("2026-11-27 10", "2026-11-27 10:30"), worked out once; raises
    :class:`_NotWhole` where the zone's offset is not whole units (India's 5:30 for
    hours) or changes within the unit (a daylight-saving change at a half hour)."""

    def __init__(self, unit: int) -> None:
        import time
        from datetime import datetime

        self.unit, self.parse, self.localtime, self.strftime = (
            unit, datetime.fromisoformat, time.localtime, time.strftime)
        self.suffix, self.pattern = (":00+00:00", "%Y-%m-%d %H") if unit == 3600 else \
            ("+00:00", "%Y-%m-%d %H:%M")

    def __missing__(self, utc: str) -> str:
        try:
            start = self.parse(utc + self.suffix).timestamp()
            first, last = self.localtime(start), self.localtime(start + self.unit - 1)
        except (ValueError, OverflowError, OSError):
            raise _NotWhole(utc) from None
        if first.tm_gmtoff != last.tm_gmtoff or first.tm_gmtoff % self.unit or first.tm_year < 1000:
            raise _NotWhole(utc)  # (strftime writes years before 1000 without their zeros)
        local = self[utc] = self.strftime(self.pattern, first)
        return local


def human_size(size: int) -> str:
    """A size in bytes as people read it: 812 B, 20.5 KB, 1.2 MB, 3.0 GB (to a tenth,
    halves rounded up)."""
    for unit, shift in (("GB", 30), ("MB", 20), ("KB", 10)):
        if size >= 1 << shift:
            tenths = (size * 10 + (1 << (shift - 1))) >> shift
            return f"{tenths // 10}.{tenths % 10} {unit}"
    return f"{size} B"


def human_sizes(sizes: Iterable[int]) -> list[str]:
    """:func:`human_size` of each of ``sizes``, each text made once per tenth of a unit."""
    small, kilo, mega = _Texts("%d B"), _Texts("%d.%d KB", 10), _Texts("%d.%d MB", 10)
    return [small[n] if n < 1024 else kilo[(n * 10 + 512) >> 10] if n < 1048576
            else mega[(n * 10 + 524288) >> 20] if n < 1073741824 else human_size(n)
            for n in sizes]


class _Texts(dict):
    """A number -> ``pattern`` % it (``tenths``: % its whole units and tenths), made once."""

    def __init__(self, pattern: str, tenths: int = 0) -> None:
        self.pattern, self.tenths = pattern, tenths

    def __missing__(self, number: int) -> str:
        text = self[number] = self.pattern % (divmod(number, 10) if self.tenths else number)
        return text
