"""pull as git users expect it: two workspaces (two machines) on one real S3 server.

Changed only here: left alone. Changed only there: fast-forward. Changed on both
sides: a three-way, cell-by-cell merge by nbdime, or a conflict listed cell by cell
with the working file untouched. Deleted there: an unchanged copy goes, a changed
one stays. pull never takes bytes out of a working file that are not in the result.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import nbformat
import pytest

from nbvc.core import sync
from nbvc.core.workspace import Workspace

from .conftest import run_nbvc
from .test_sync import new_workspace


def write_cells(path: Path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    for n, cell in enumerate(nb.cells):
        cell.id = f"cell-{n}"  # the same cells on both machines
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def cells(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


@pytest.fixture
def two(tmp_path: Path, moto_server, bucket_url: str) -> tuple[Workspace, Workspace]:  # noqa: ANN001
    """Two machines that both have n.ipynb (three cells) as pushed by the first."""
    here = new_workspace(tmp_path / "here", bucket_url, moto_server.url)
    there = new_workspace(tmp_path / "there", bucket_url, moto_server.url, host="desktop")
    write_cells(here.root / "n.ipynb", "a = 1", "b = 2", "c = 3")
    sync.push(here)
    sync.pull(there)
    return here, there


def pull_one(ws: Workspace, **options: object) -> sync.PullOutcome:
    _, outcomes = sync.pull(ws, **options)  # type: ignore[arg-type]
    [outcome] = outcomes
    return outcome


@pytest.mark.parametrize("how", ["edit", "save", "force"])
def test_a_change_made_only_here_is_left_alone(how: str, two) -> None:  # noqa: ANN001
    here, _ = two
    write_cells(here.root / "n.ipynb", "a = 100", "b = 2", "c = 3")
    if how == "save":
        here.save([str(here.root / "n.ipynb")])
    outcome = pull_one(here, force=how == "force")
    assert outcome.status == "ahead" and "nbvc push" in outcome.detail
    assert cells(here.root / "n.ipynb") == ["a = 100", "b = 2", "c = 3"]
    assert [o.status for o in sync.push(here).outcomes] == ["uploaded"]


def test_a_change_made_only_there_is_fast_forwarded(two) -> None:  # noqa: ANN001
    here, there = two
    write_cells(there.root / "n.ipynb", "a = 1", "b = 20", "c = 3")
    sync.push(there)
    assert pull_one(here).status == "updated"
    assert cells(here.root / "n.ipynb") == ["a = 1", "b = 20", "c = 3"]
    assert pull_one(here).status == "up-to-date"


def test_changes_to_different_cells_merge_and_the_merge_pushes_without_force(two) -> None:  # noqa: ANN001
    here, there = two
    write_cells(there.root / "n.ipynb", "a = 1", "b = 2", "c = 30")
    sync.push(there)
    write_cells(here.root / "n.ipynb", "a = 10", "b = 2", "c = 3")
    outcome = pull_one(here)
    assert outcome.status == "merged", outcome
    assert cells(here.root / "n.ipynb") == ["a = 10", "b = 2", "c = 30"]
    [merge, mine, *_] = here.log(str(here.root / "n.ipynb"))
    assert merge["merge_parent_uid"] and merge["parent_uid"] == mine["uid"]
    assert "merged" in merge["message"]
    assert {o.status for o in sync.push(here).outcomes} == {"uploaded"}
    assert pull_one(there).status == "updated"  # the other machine fast-forwards to the merge
    assert cells(there.root / "n.ipynb") == ["a = 10", "b = 2", "c = 30"]
    learned = there.log(str(there.root / "n.ipynb"))[0]  # as fetched: from the object's metadata
    assert learned["merge_parent_uid"] == merge["merge_parent_uid"]  # both parents travel


def test_a_push_conflict_is_resolved_by_pull_then_push(two) -> None:  # noqa: ANN001
    here, there = two
    write_cells(there.root / "n.ipynb", "a = 1", "b = 2", "c = 30")
    sync.push(there)
    write_cells(here.root / "n.ipynb", "a = 10", "b = 2", "c = 3")
    [refused] = sync.push(here).outcomes
    assert refused.status == "conflict" and f"nbvc pull {refused.path}" in refused.detail
    assert pull_one(here).status == "merged"
    assert {o.status for o in sync.push(here).outcomes} == {"uploaded"}


def test_a_cell_changed_on_both_sides_is_a_conflict_and_the_file_is_untouched(two) -> None:  # noqa: ANN001
    here, there = two
    write_cells(there.root / "n.ipynb", "a = 'theirs'", "b = 2", "c = 3")
    sync.push(there)
    write_cells(here.root / "n.ipynb", "a = 'mine'", "b = 2", "c = 33")
    mine = (here.root / "n.ipynb").read_bytes()
    outcome = pull_one(here)
    assert outcome.status == "conflict"
    assert "cell 1 (source): changed here and there" in outcome.detail
    assert "--strategy" in outcome.detail
    assert (here.root / "n.ipynb").read_bytes() == mine
    cli = run_nbvc("pull", cwd=here.root)
    assert cli.returncode == 4 and "cell 1 (source)" in cli.stderr
    outcome = pull_one(here, strategy="theirs")  # the conflicting cell from theirs, the rest merged
    assert outcome.status == "merged"
    assert cells(here.root / "n.ipynb") == ["a = 'theirs'", "b = 2", "c = 33"]
    assert {o.status for o in sync.push(here).outcomes} == {"uploaded"}
    saved = [r["sha256"] for r in here.log(str(here.root / "n.ipynb"))]
    assert here.objects.read(saved[1]) == mine  # yours stays in history


def test_strategy_must_be_ours_or_theirs(two) -> None:  # noqa: ANN001
    here, _ = two
    answer = run_nbvc("pull", "--strategy", "both", cwd=here.root)
    assert answer.returncode == 2 and "ours or theirs" in answer.stderr
    assert "Traceback" not in answer.stderr


def test_a_notebook_deleted_there_goes_here_unless_changed_here(two) -> None:  # noqa: ANN001
    here, there = two
    write_cells(there.root / "keep.ipynb", "k")
    sync.push(there)
    sync.pull(here)
    there.store.delete(there.key("n.ipynb"))
    there.store.delete(there.key("keep.ipynb"))
    write_cells(here.root / "keep.ipynb", "changed here")
    first = run_nbvc("pull", "--json", cwd=here.root)
    assert first.returncode == 0, first.stderr
    results = {r["path"]: r for r in json.loads(first.stdout)["results"]}
    assert results["n.ipynb"]["status"] == "removed" and not (here.root / "n.ipynb").exists()
    assert results["keep.ipynb"]["status"] == "kept"
    assert cells(here.root / "keep.ipynb") == ["changed here"]
    again = run_nbvc("pull", cwd=here.root)
    assert again.returncode == 0, again.stderr  # never wedged
    assert here.log(str(here.root / "n.ipynb"))  # its history stays
    pushed = run_nbvc("push", cwd=here.root)  # as pull said: push brings it back
    assert pushed.returncode == 0 and pushed.stdout.startswith("1 uploaded"), pushed.stdout
    latest = there.store.head(there.key("keep.ipynb"))
    assert there.store.get(latest.key, latest.version_id) == (here.root / "keep.ipynb").read_bytes()
    assert run_nbvc("pull", cwd=here.root).returncode == 0


def test_pull_keeps_the_working_files_mode(two) -> None:  # noqa: ANN001
    here, there = two
    os.chmod(here.root / "n.ipynb", 0o664)
    write_cells(there.root / "n.ipynb", "a = 1", "b = 2", "c = 3", "d = 4")
    sync.push(there)
    assert pull_one(here).status == "updated"
    assert stat.S_IMODE((here.root / "n.ipynb").stat().st_mode) == 0o664
