"""The History panel's first page of a notebook with 10,000 versions against one with
10: ``GET /api/nbvc/log/<path>?limit=50`` from a real ``jupyter server`` on loopback
(the panel's first rows wait for this answer).

    python -m benchmarks.panel_log [--versions 10,10000] [--runs 15]

The versions are recorded in the index directly (the REST route reads only the index),
so building the history takes seconds, not a push of 10,000 saves.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

TOKEN = "nbvc-benchmark"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def workspace_with(root: Path, versions: int) -> None:
    """A workspace whose notebook ``n.ipynb`` has ``versions`` recorded versions."""
    from nbvc.core.workspace import Workspace, new_uid

    ws, _ = Workspace.init(root, {"user": "bench"})
    rows, parent = [], None
    for n in range(versions):
        uid = new_uid()
        rows.append(({"uid": uid, "path": "n.ipynb", "sha256": f"{n:064x}", "md5": f"{n:032x}",
                      "size": 1000 + n, "saved_at": f"2026-01-01T00:00:{n % 60:02d}.{n:06d}+00:00",
                      "author": "bench", "host": "vm", "parent_uid": parent,
                      "message": f"version {n}"}, None))
        parent = uid
    ws.index.insert_saves(rows)
    ws.close()


def timed_first_page(root: Path, runs: int) -> float:
    port = free_port()
    config = Path(tempfile.mkdtemp(prefix="nbvc-bench-jupyter-"))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config)}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("jupyter")), "server", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", f"--ServerApp.token={TOKEN}"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/nbvc/log/n.ipynb?limit=50"
    headers = {"Authorization": f"token {TOKEN}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url, headers=headers, timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("jupyter server did not answer in 60 s")
            time.sleep(0.2)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            answer = requests.get(url, headers=headers, timeout=30)
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200 and len(answer.json()["versions"]) <= 50
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default="10,10000")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for count in (int(c) for c in args.versions.split(",")):
        with tempfile.TemporaryDirectory(prefix="nbvc-bench-panel-") as folder:
            root = Path(folder)
            workspace_with(root, count)
            seconds = timed_first_page(root, args.runs)
            print(f"{count:>6} versions: first page (50 rows) in {seconds * 1000:6.1f} ms "
                  f"(median of {args.runs})")


if __name__ == "__main__":
    main()
