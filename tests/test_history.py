"""`nbvc log` of the whole workspace: every notebook's versions, newest first, with paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_nbvc, write_notebook


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Four saves of two notebooks by two users, oldest first: a1 (ana), b1 (bo), a2 (ana), b2 (bo)."""
    assert run_nbvc("init", cwd=tmp_path).returncode == 0
    for name, user, text in (("a", "ana", "a1"), ("sub/b", "bo", "b1"), ("a", "ana", "a2"),
                             ("sub/b", "bo", "b2")):
        write_notebook(tmp_path / f"{name}.ipynb", text)
        saved = run_nbvc("save", f"{name}.ipynb", "-m", text, cwd=tmp_path, env={"NBVC_USER": user})
        assert saved.returncode == 0, saved.stderr
    return tmp_path


def log_json(root: Path, *args: str) -> list[dict]:
    answer = run_nbvc("log", "--json", *args, cwd=root)
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def test_log_without_a_path_lists_every_notebook_newest_first(history: Path) -> None:
    records = log_json(history)
    assert [(r["path"], r["message"]) for r in records] == [
        ("sub/b.ipynb", "b2"), ("a.ipynb", "a2"), ("sub/b.ipynb", "b1"), ("a.ipynb", "a1")]
    table = run_nbvc("log", cwd=history).stdout.splitlines()
    assert table[0].split() == ["version", "saved", "size", "author", "path", "kind", "version", "id",
                                "message"]
    assert "sub/b.ipynb" in table[1] and table[1].rstrip().endswith("b2") and "not pushed" in table[1]


def test_log_filters_by_count_author_and_time(history: Path) -> None:
    assert [r["message"] for r in log_json(history, "-n", "2")] == ["b2", "a2"]
    assert [r["message"] for r in log_json(history, "--author", "ana")] == ["a2", "a1"]
    assert len(log_json(history, "--since", "1h")) == 4
    assert log_json(history, "--since", "2999-01-01") == []
    assert [r["message"] for r in log_json(history, "a.ipynb", "--author", "ana", "-n", "1")] == ["a2"]


def test_a_bad_since_is_a_one_line_error(history: Path) -> None:
    answer = run_nbvc("log", "--since", "yesterdayish", cwd=history)
    assert answer.returncode == 2 and "--since 'yesterdayish'" in answer.stderr
    assert "Traceback" not in answer.stderr


def test_each_version_says_what_made_it(tmp_path: Path) -> None:
    """save, checkpoint (save -m), restore; the table has a kind column, --kind filters."""
    assert run_nbvc("init", cwd=tmp_path).returncode == 0
    nb = tmp_path / "k.ipynb"
    write_notebook(nb, "one")
    assert run_nbvc("save", "k.ipynb", cwd=tmp_path).returncode == 0
    write_notebook(nb, "two")
    assert run_nbvc("save", "k.ipynb", "-m", "a good state", cwd=tmp_path).returncode == 0
    assert run_nbvc("restore", "k.ipynb", "--version", "~1", cwd=tmp_path).returncode == 0
    assert [r["kind"] for r in log_json(tmp_path, "k.ipynb")] == ["restore", "checkpoint", "save"]
    assert [r["message"] for r in log_json(tmp_path, "--kind", "checkpoint")] == ["a good state"]
    table = run_nbvc("log", "k.ipynb", cwd=tmp_path).stdout.splitlines()
    at = table[0].index("kind")  # the column starts where its header does
    assert [line[at:].split()[0] for line in table[1:]] == ["restore", "checkpoint", "save"]
    refused = run_nbvc("log", "--kind", "snapshot", cwd=tmp_path)
    assert refused.returncode == 2 and refused.stderr.startswith("error: --kind must be one of")


def test_a_versions_kind_reaches_another_machine(tmp_path: Path, moto_server, bucket_url: str) -> None:  # noqa: ANN001
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    for root in (mine, theirs):
        root.mkdir()
        assert run_nbvc("init", "--remote", bucket_url, "--endpoint-url", moto_server.url,
                        "--user", "ana", cwd=root).returncode == 0
    write_notebook(mine / "k.ipynb", "one")
    assert run_nbvc("save", "k.ipynb", "-m", "review me", cwd=mine).returncode == 0
    assert run_nbvc("push", cwd=mine).returncode == 0
    assert run_nbvc("fetch", cwd=theirs).returncode == 0
    assert [(r["kind"], r["message"]) for r in log_json(theirs, "k.ipynb")] == [
        ("checkpoint", "review me")]
