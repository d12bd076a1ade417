"""kill -9 during a push, at random moments: the next push finishes the job and
every save is in the bucket exactly once."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from nbvc.core.workspace import Workspace

from ..conftest import write_notebook
from .helpers import audit, fresh_workspace, kill_mid_push

NOTEBOOKS = 200
EDITS = 10


def test_kill_9_at_a_random_moment_then_push_again(tmp_path: Path, moto_server, crash_run: int,
                                                   figures) -> None:
    rng = random.Random(crash_run)
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    for i in range(NOTEBOOKS):
        write_notebook(ws.root / f"d{i % 9}" / f"n{i}.ipynb", "x" * rng.randint(10, 4000), str(i))
    ws.close()
    for changed in (NOTEBOOKS, EDITS):  # two crashes in a row, with edits between them
        kill_mid_push(ws.root, rng.choice(["saving", "uploading"]), rng.randint(1, changed // 2))
        figures["kill -9 during push"] += 1
        for i in rng.sample(range(NOTEBOOKS), EDITS):
            write_notebook(ws.root / f"d{i % 9}" / f"n{i}.ipynb", f"edit {rng.random()}", str(i))
    result = subprocess.run([sys.executable, "-m", "nbvc", "push"], cwd=ws.root, capture_output=True,
                            text=True, timeout=600, env=os.environ)
    assert result.returncode == 0, result.stderr
    figures["crash runs"] += 1
    audit(Workspace(ws.root), figures)
