"""``nbvc prune``: old versions leave the bucket for good, and never one anyone may
still need: the latest, a named or published one, anything not pushed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbvc.core import publish as pub
from nbvc.core import sync
from nbvc.core.workspace import Workspace

from .conftest import STORES, run_nbvc, workspace_on, write_notebook


@pytest.fixture(params=STORES)
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    return workspace_on(request, tmp_path)


def six_versions(ws: Workspace) -> list[dict]:
    """a.ipynb pushed six times; returns its log, newest first."""
    for n in range(6):
        write_notebook(ws.root / "a.ipynb", f"version {n}")
        assert sync.push(ws).ok
    return ws.log(str(ws.root / "a.ipynb"))


def bucket_versions(ws: Workspace) -> set[str]:
    return {v.version_id for v in ws.store.list_versions(ws.key("a.ipynb"))
            if not v.is_delete_marker}


def test_prune_keeps_the_newest_a_named_and_a_published_version(ws: Workspace) -> None:
    log = six_versions(ws)
    run_nbvc("tag", "a.ipynb", "keep-me", "--version", log[3]["version_id"], cwd=ws.root, check=True)
    pub.publish(ws, str(ws.root / "a.ipynb"), log[4]["version_id"])
    answer = run_nbvc("prune", "--keep-last", "2", "--yes", "--json", cwd=ws.root, check=True)
    result = json.loads(answer.stdout)
    kept = {log[0]["version_id"], log[1]["version_id"], log[3]["version_id"], log[4]["version_id"]}
    assert result["deleted"] == 2 and result["kept"] == 4
    assert bucket_versions(ws) == kept
    fresh = Workspace(ws.root)
    assert {r["version_id"] for r in fresh.log(str(ws.root / "a.ipynb"))} == kept
    doctor = json.loads(run_nbvc("doctor", "--json", cwd=ws.root).stdout)
    assert {c["name"]: c["status"] for c in doctor}["index vs bucket"] == "ok"


def test_a_dry_run_deletes_nothing_and_says_what_it_would(ws: Workspace) -> None:
    six_versions(ws)
    before = bucket_versions(ws)
    answer = run_nbvc("prune", "--keep-last", "1", "--dry-run", cwd=ws.root, check=True)
    assert answer.stdout.count("would delete a.ipynb") == 5
    assert answer.stdout.rstrip().endswith("5 version(s) would be deleted, 1 kept")
    assert bucket_versions(ws) == before


def test_without_yes_and_no_terminal_prune_refuses(ws: Workspace) -> None:
    six_versions(ws)
    before = bucket_versions(ws)
    refused = run_nbvc("prune", "--keep-last", "1", cwd=ws.root)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: prune would delete 5 version(s) for good")
    assert bucket_versions(ws) == before


def test_keep_within_keeps_recent_versions_and_unpushed_saves_are_never_touched(
        ws: Workspace) -> None:
    six_versions(ws)
    write_notebook(ws.root / "a.ipynb", "not pushed")
    [saved] = ws.save([str(ws.root / "a.ipynb")])
    answer = run_nbvc("prune", "--keep-last", "1", "--keep-within", "1h", "--yes", cwd=ws.root,
                      check=True)
    assert answer.stdout.startswith("nothing to delete")  # all six saved within the hour
    assert len(bucket_versions(ws)) == 6
    assert Workspace(ws.root).index.by_uid(saved.version["uid"]) is not None


@pytest.mark.parametrize(("args", "words"), [
    (["--keep-last", "0"], "--keep-last must be 1 or more"),
    (["--keep-last", "1", "--keep-within", "soon"], "--keep-within 'soon': not a span of time"),
])
def test_bad_limits_are_one_line_errors(ws: Workspace, args: list[str], words: str) -> None:
    six_versions(ws)
    refused = run_nbvc("prune", *args, "--yes", cwd=ws.root)
    assert refused.returncode == 2 and refused.stderr.startswith(f"error: {words}")
    assert len(bucket_versions(ws)) == 6
