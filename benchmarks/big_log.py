"""``nbvc log`` of a whole workspace with a big history, end to end (``nbvc log >
/dev/null`` in a subprocess), without a bucket: the log side of the ``scale`` scenario
in seconds instead of the scenario's 20 minutes, and of saved histories too.

    python -m benchmarks.big_log [--versions 20000,100000] [--runs 5] [--code DIR,DIR]

Two histories of each size, recorded in the index directly: ``fetched`` as fetch
records a bucket's listing (1,000 notebooks in ten folders, each notebook's versions
together, their times interleaved with the others', as in the scale scenario's
bucket) and ``saved`` as local saves are (in time order, a year of them, sizes from
bytes to megabytes, some messages, unverified, named and published versions).
``--code``: folders holding an ``nbvc`` package to time instead of the installed one
(put first on ``PYTHONPATH``), interleaved run by run: e.g. a copy of the code before
a change and one after.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path


def record(root: Path, versions: int, order: str) -> None:
    """A workspace at ``root`` whose index holds ``versions`` versions in ``order``."""
    from nbvc.core.workspace import Workspace

    ws, _ = Workspace.init(root, {"user": "bench"})
    notebooks = max(1, versions // 100)
    rng = random.Random(7)
    start = datetime(2025, 12, 1, tzinfo=timezone.utc)
    rows = []
    for n in range(versions):
        path = f"d{n % 10}/f{n % notebooks:05d}.ipynb"
        row = {"uid": f"u{n}", "path": path, "sha256": f"{rng.getrandbits(256):064x}",
               "md5": f"{n:032x}", "parent_uid": None}
        if order == "fetched":
            row.update(size=60 + n % 40, saved_at=f"2026-11-27T00:00:{n % 60:02d}.{n:06d}+00:00",
                       author="other", host="elsewhere", message=None, key=ws.key(path),
                       version_id=f"{rng.getrandbits(128):032x}", etag="e",
                       pushed_at="2026-11-27T00:01:00.000000+00:00")
        else:
            when = start + timedelta(seconds=n * 317 + rng.randrange(300),
                                     microseconds=rng.randrange(1_000_000))
            row.update(size=int(rng.lognormvariate(10, 1.5)),
                       saved_at=when.isoformat(timespec="microseconds"),
                       author=rng.choice(["ana", "bo", "zoë"]), host="laptop",
                       message=rng.choice([None] * 8 + ["a good state"]), unverified=int(n % 100 == 0))
            if n < versions * 0.9:  # pushed since, but for the newest
                row.update(key=ws.key(path), version_id=f"{rng.getrandbits(128):032x}", etag="e",
                           pushed_at=row["saved_at"])
        rows.append(row)
    if order == "fetched":
        rows.sort(key=lambda r: (r["path"], r["saved_at"]), reverse=True)
    ws.index.insert_saves([(row, None) for row in rows])
    if order == "saved":  # a name on one version in 500, a publish from one in 1,500
        for n, row in enumerate(rows[:int(versions * 0.9):500]):
            ws.index.set_name({"path": row["path"], "name": f"n{n}", "key": row["key"],
                               "version_id": row["version_id"], "sha256": row["sha256"],
                               "tagged_at": row["saved_at"], "tagged_by": "ana",
                               "record_key": f"nbvc-names/n{n}", "record_version_id": "r"})
            if n % 3 == 0:
                ws.index.insert_publish({
                    "path": row["path"], "sha256": row["sha256"], "source_key": row["key"],
                    "source_version_id": row["version_id"], "published_key": f"published/{n}",
                    "published_version_id": f"p{n}", "published_at": row["saved_at"],
                    "author": "ana"})
    ws.close()


def timed_log(root: Path, code: str | None) -> float:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbvc", "log"], cwd=root, env=env,
                   stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", default="20000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--code", default="", help="package folders to compare, comma-separated")
    args = parser.parse_args()
    codes = [c for c in args.code.split(",") if c] or [None]
    with tempfile.TemporaryDirectory(prefix="nbvc-bench-log-") as scratch:
        for versions in (int(v) for v in args.versions.split(",")):
            for order in ("fetched", "saved"):
                root = Path(scratch) / f"{order}{versions}"
                root.mkdir()
                record(root, versions, order)
                for code in codes:
                    timed_log(root, code)  # bytecode compiled, index in the page cache
                samples: dict[str | None, list[float]] = {code: [] for code in codes}
                for _ in range(args.runs):
                    for code in codes:
                        samples[code].append(timed_log(root, code))
                for code, values in samples.items():
                    print(f"{versions} versions, {order}, {code or 'installed'}: best "
                          f"{min(values):.3f} s, median {statistics.median(values):.3f} s")


if __name__ == "__main__":
    main()
