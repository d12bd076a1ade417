"""papermill runs an exact published version through the nbvc:// handler (real kernel)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbvc.core import publish as pub
from nbvc.core import sync
from nbvc.core.workspace import Workspace
from nbvc.papermill import split

from .conftest import write_notebook

pytest.importorskip("papermill")


def run_papermill(source: str, out: Path, cwd: Path, env: dict[str, str] | None = None):  # noqa: ANN201
    return subprocess.run(
        [sys.executable, "-m", "papermill", source, str(out), "-k", "python3", "--no-progress-bar"],
        cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300,
    )


def printed(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


def test_split_reads_key_and_optional_version() -> None:
    assert split("nbvc://published/k/a.ipynb@3HL4.kqt") == ("published/k/a.ipynb", "3HL4.kqt")
    assert split("nbvc://published/k/a.ipynb") == ("published/k/a.ipynb", None)
    assert split("nbvc://published/k@home/a.ipynb") == ("published/k@home/a.ipynb", None)


def test_papermill_runs_the_pinned_published_version(tmp_path: Path, moto_server, bucket_url: str) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    ws, _ = Workspace.init(root, {"remote": bucket_url, "endpoint_url": moto_server.url,
                                  "user": "kylek"})
    nb = write_notebook(root / "report.ipynb", "print('version one')")
    sync.push(ws)
    first = pub.publish(ws, str(nb))
    write_notebook(nb, "print('version two')")
    sync.push(ws)
    pub.publish(ws, str(nb))
    pinned = f"nbvc://published/kylek/report.ipynb@{first['published_version_id']}"
    result = run_papermill(pinned, tmp_path / "pinned.ipynb", cwd=root)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "version one" in printed(tmp_path / "pinned.ipynb")
    result = run_papermill("nbvc://published/kylek/report.ipynb", tmp_path / "latest.ipynb",
                           cwd=tmp_path, env={"NBVC_REMOTE": bucket_url,
                                              "NBVC_ENDPOINT_URL": moto_server.url})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "version two" in printed(tmp_path / "latest.ipynb")
