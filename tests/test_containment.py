"""What the bucket sends is written only inside the workspace, never into nbvc's or
Jupyter's own folders, and one key that cannot be written stops no other."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import nbformat
import pytest

from nbvc import files
from nbvc.core import sync
from nbvc.files import name_folding
from nbvc.keys import UnsafeKey, check_relpath

from .conftest import run_nbvc, write_notebook
from .test_sync import new_workspace


def notebook_bytes(text: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(text)]
    return nbformat.writes(nb).encode()


def put(ws, rel_key: str, text: str) -> None:  # noqa: ANN001
    """Another tool writes a notebook straight into the bucket."""
    import hashlib

    data = notebook_bytes(text)
    ws.store.put(f"{ws.settings.workspace_prefix}/{rel_key}", data, sha256=hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize("path", [".nbvc/index.ipynb", "sub/.ipynb_checkpoints/a-checkpoint.ipynb",
                                  ".nbvc/objects/x.ipynb"])
def test_paths_into_nbvcs_or_jupyters_own_folders_are_refused(path: str) -> None:
    with pytest.raises(UnsafeKey, match="own folder"):
        check_relpath(path)


def test_pull_never_writes_through_a_symlink_leading_out_and_the_rest_arrive(
        tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    ws = new_workspace(tmp_path / "ws", bucket_url, moto_server.url)
    outside = tmp_path / "outside"
    outside.mkdir()
    (ws.root / "linked").symlink_to(outside, target_is_directory=True)
    put(ws, "linked/escape.ipynb", "written outside?")
    put(ws, "good.ipynb", "fine")
    put(ws, ".ipynb_checkpoints/good-checkpoint.ipynb", "into Jupyter's folder?")
    answer = run_nbvc("pull", "--json", cwd=ws.root)
    results = {r["path"]: r for r in json.loads(answer.stdout)["results"]}
    assert results["linked/escape.ipynb"]["status"] == "refused"
    assert "symlink" in results["linked/escape.ipynb"]["detail"]
    assert list(outside.iterdir()) == []
    assert (ws.root / "good.ipynb").is_file()
    assert not (ws.root / ".ipynb_checkpoints").exists()
    assert answer.returncode == 7  # partly done: the rest arrived


def test_names_the_file_system_cannot_hold_and_file_folder_clashes_stop_no_other(
        tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    ws = new_workspace(tmp_path / "ws", bucket_url, moto_server.url)
    put(ws, "n" * 300 + ".ipynb", "too long a name")
    put(ws, "both.ipynb", "a file")
    put(ws, "both.ipynb/inner.ipynb", "and a folder of the same name")
    put(ws, "good.ipynb", "fine")
    fetched = run_nbvc("fetch", cwd=ws.root)
    assert fetched.returncode == 0, fetched.stderr
    answer = run_nbvc("pull", "--json", cwd=ws.root)
    assert "unexpected" not in answer.stderr
    results = {r["path"]: r["status"] for r in json.loads(answer.stdout)["results"]}
    assert results["good.ipynb"] == "updated" and (ws.root / "good.ipynb").is_file()
    assert results["n" * 300 + ".ipynb"] == "skipped"
    assert sorted([results["both.ipynb"], results["both.ipynb/inner.ipynb"]]) == ["skipped", "updated"]
    assert answer.returncode == 7  # partly done


TWINS = ["Report.ipynb", "report.ipynb", "caf\u00e9.ipynb", "cafe\u0301.ipynb"]


def test_names_differing_only_in_case_or_normalisation_both_arrive_where_both_fit(
        tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    ws = new_workspace(tmp_path / "ws", bucket_url, moto_server.url)
    assert name_folding(str(ws.root)) == (False, False)  # Linux: names are bytes
    for n, name in enumerate(TWINS):
        put(ws, name, f"twin {n}")
    answer = run_nbvc("pull", "--json", cwd=ws.root)
    assert answer.returncode == 0, answer.stderr
    assert sorted(os.listdir(ws.root)) == sorted([".nbvc", *TWINS])


def test_where_names_fold_one_twin_is_skipped_and_none_overwritten(
        tmp_path: Path, moto_server, bucket_url: str, monkeypatch) -> None:  # noqa: ANN001
    """macOS and Windows fold names; no such file system can be mounted here, so the
    probe's answer is theirs: pull must keep the twin already on disk."""
    ws = new_workspace(tmp_path / "ws", bucket_url, moto_server.url)
    write_notebook(ws.root / "report.ipynb", "mine, on disk")
    assert sync.push(ws).ok
    for n, name in enumerate(TWINS):
        if name != "report.ipynb":
            put(ws, name, f"twin {n}")
    monkeypatch.setattr(files, "name_folding", lambda folder: (True, True))
    _fetched, outcomes = sync.pull(ws)
    results = {o.path: o for o in outcomes}
    assert results["Report.ipynb"].status == "skipped"
    assert results["Report.ipynb"].detail.startswith("its name differs from report.ipynb only in")
    assert results["report.ipynb"].status == "up-to-date"
    first, second = sorted(["caf\u00e9.ipynb", "cafe\u0301.ipynb"])  # neither on disk: in order
    assert (results[first].status, results[second].status) == ("updated", "skipped")
    assert sorted(os.listdir(ws.root)) == sorted([".nbvc", "report.ipynb", first])
    [mine] = ws.log(str(ws.root / "report.ipynb"))
    assert (ws.root / "report.ipynb").read_bytes() == ws.objects.read(mine["sha256"])


def test_restore_keeps_the_notebooks_mode(tmp_path: Path) -> None:
    assert run_nbvc("init", cwd=tmp_path).returncode == 0
    nb = tmp_path / "m.ipynb"
    for text in ("one", "two"):
        write_notebook(nb, text)
        run_nbvc("save", "m.ipynb", cwd=tmp_path, check=True)
    os.chmod(nb, 0o644)
    run_nbvc("restore", "m.ipynb", "--version", "latest~1", cwd=tmp_path, check=True)
    assert stat.S_IMODE(nb.stat().st_mode) == 0o644


def test_a_remote_delete_never_removes_a_file_through_a_symlink_leading_out(
        tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    import shutil

    ws = new_workspace(tmp_path / "ws", bucket_url, moto_server.url)
    put(ws, "sub/x.ipynb", "pulled once")
    assert run_nbvc("pull", cwd=ws.root).returncode == 0
    outside = tmp_path / "outside"
    shutil.move(str(ws.root / "sub"), str(outside))  # the same bytes, now outside
    (ws.root / "sub").symlink_to(outside, target_is_directory=True)
    ws.store.delete(ws.key("sub/x.ipynb"))
    answer = run_nbvc("pull", "--json", cwd=ws.root)
    [result] = json.loads(answer.stdout)["results"]
    assert result["status"] == "refused" and "symlink" in result["detail"]
    assert (outside / "x.ipynb").is_file()
