"""kill -9 during a push, at random moments: the next push finishes the job and
every save is in the bucket exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from nbvc.workspace import Workspace

from ..conftest import write_notebook
from .helpers import audit, fresh_workspace

NOTEBOOKS = 200


def start_push(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "nbvc", "push", "--jobs", "8"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_kill_9_at_a_random_moment_then_push_again(tmp_path: Path, moto_server, crash_run: int,
                                                   figures) -> None:
    rng = random.Random(crash_run)
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    for i in range(NOTEBOOKS):
        write_notebook(ws.root / f"d{i % 9}" / f"n{i}.ipynb", "x" * rng.randint(10, 4000), str(i))
    ws.close()
    for _ in range(2):  # two crashes in a row, with edits between them
        process = start_push(ws.root)
        time.sleep(rng.uniform(0.3, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        figures["kill -9 during push"] += 1
        for i in rng.sample(range(NOTEBOOKS), 10):
            write_notebook(ws.root / f"d{i % 9}" / f"n{i}.ipynb", f"edit {rng.random()}", str(i))
    result = subprocess.run([sys.executable, "-m", "nbvc", "push"], cwd=ws.root, capture_output=True,
                            text=True, timeout=600, env=os.environ)
    assert result.returncode == 0, result.stderr
    figures["crash runs"] += 1
    audit(Workspace(ws.root), figures)
