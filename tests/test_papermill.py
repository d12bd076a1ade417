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
from nbvc.integrations.papermill import split

from .conftest import run_nbvc, write_notebook

pytest.importorskip("papermill")


def run_papermill(source: str, out: Path | str, cwd: Path, *args: str,  # noqa: ANN201
                  env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "papermill", source, str(out), "-k", "python3", "--no-progress-bar",
         *args],
        cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300,
    )


def workspace_on_the_server(tmp_path: Path, moto_server, bucket_url: str) -> Workspace:  # noqa: ANN001
    root = tmp_path / "ws"
    root.mkdir()
    return Workspace.init(root, {"remote": bucket_url, "endpoint_url": moto_server.url,
                                 "user": "kylek"})[0]


def printed(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


def test_split_reads_key_and_optional_version() -> None:
    assert split("nbvc://published/k/a.ipynb@3HL4.kqt") == ("published/k/a.ipynb", "3HL4.kqt")
    assert split("nbvc://published/k/a.ipynb") == ("published/k/a.ipynb", None)
    assert split("nbvc://published/k@home/a.ipynb") == ("published/k@home/a.ipynb", None)


def test_papermill_runs_the_pinned_published_version(tmp_path: Path, moto_server, bucket_url: str) -> None:
    ws = workspace_on_the_server(tmp_path, moto_server, bucket_url)
    root = ws.root
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


def test_a_run_written_to_nbvc_is_one_version_with_its_lineage(tmp_path: Path, moto_server,
                                                               bucket_url: str) -> None:
    ws = workspace_on_the_server(tmp_path, moto_server, bucket_url)
    root = ws.root
    nb = write_notebook(root / "job.ipynb", "print('step', 1)")
    nbformat_nb = json.loads(nb.read_text())
    nbformat_nb["cells"][0]["metadata"]["tags"] = ["parameters"]
    nbformat_nb["cells"].extend(json.loads(nb.read_text())["cells"] * 2)
    for n, cell in enumerate(nbformat_nb["cells"]):
        cell["id"] = f"c{n}"
    nbformat_nb["metadata"]["kernelspec"] = {"name": "python3", "language": "python",
                                             "display_name": "Python 3"}
    nbformat_nb["metadata"]["language_info"] = {"name": "python"}
    nb.write_text(json.dumps(nbformat_nb))
    sync.push(ws)
    source = pub.publish(ws, str(nb))
    pinned = f"nbvc://published/kylek/job.ipynb@{source['published_version_id']}"
    out = "nbvc://workspace/kylek/runs/job-out.ipynb"
    result = run_papermill(pinned, out, root, "-p", "region", "eu")
    assert result.returncode == 0, result.stderr[-2000:]
    key = "workspace/kylek/runs/job-out.ipynb"
    [version] = [v for v in ws.store.list_versions(key) if v.key == key]  # one run, one version
    meta = sync.read_metadata(ws.store.head(key, version.version_id).metadata)
    assert meta["origin"] == "run" and meta["run-failed"] == "false"
    assert (meta["run-input"], meta["run-input-version"]) == (
        "published/kylek/job.ipynb", source["published_version_id"])
    assert json.loads(meta["run-parameters"]) == {"region": "eu"}
    assert meta["run-started"] and meta["run-ended"] >= meta["run-started"]
    assert sync.fetch(ws).learned >= 1
    runs = json.loads(run_nbvc("log", "--kind", "run", "--json", cwd=root, check=True).stdout)
    assert [(r["path"], r["kind"], r["version_id"]) for r in runs] == [
        ("runs/job-out.ipynb", "run", version.version_id)]


def test_a_failed_run_is_one_version_marked_failed(tmp_path: Path, moto_server,
                                                  bucket_url: str) -> None:
    ws = workspace_on_the_server(tmp_path, moto_server, bucket_url)
    root = ws.root
    write_notebook(root / "bad.ipynb", "raise ValueError('broken input')")
    out = "nbvc://workspace/kylek/runs/bad-out.ipynb"
    result = run_papermill(str(root / "bad.ipynb"), out, root)
    assert result.returncode != 0
    key = "workspace/kylek/runs/bad-out.ipynb"
    [version] = [v for v in ws.store.list_versions(key) if v.key == key]
    assert sync.read_metadata(ws.store.head(key, version.version_id).metadata)["run-failed"] == "true"


def test_handler_errors_are_one_line_with_nbvcs_exit_code(tmp_path: Path, moto_server,
                                                          bucket_url: str) -> None:
    root = workspace_on_the_server(tmp_path, moto_server, bucket_url).root
    result = run_papermill("nbvc://published/kylek/nosuch.ipynb", str(tmp_path / "o.ipynb"), root)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: nbvc: ")
