"""`nbvc log` of the whole workspace: every notebook's versions, newest first, with paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nbvc

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


def recorded(root: Path) -> None:
    """Six versions of a.ipynb and b.ipynb as an index holds them, with the times,
    sizes, kinds and marks the table has to show: around the United States'
    daylight-saving changes of 2026, one time as another tool writes it."""
    ws = nbvc.Workspace.init(root, {"user": "ana"})[0]
    versions = [
        ("2026-03-08T06:59:59.999999+00:00", 512, {"message": "before"}),
        ("2026-03-08T07:00:00.000000+00:00", 1280, {"origin": "checkpoint", "message": "good"}),
        ("2026-03-08T08:15:00Z", 1048575, {"unverified": 1, "author": "zoë"}),
        ("2026-11-01T05:30:00.250000+00:00", 5 * 2**20 + 1, {"path": "b.ipynb", "merge_parent_uid": "u0"}),
        ("2026-11-01T06:30:00.250000+00:00", 3 * 2**30, {"version_id": None, "message": "not yet  "}),
        ("2026-11-02T00:00:00.000000+00:00", 0, {"kind": "delete", "sha256": "", "message": "deleted"}),
    ]
    for n, (saved_at, size, fields) in enumerate(versions):
        path = fields.get("path", "a.ipynb")
        ws.index.insert_save({
            "uid": f"u{n}", "path": path, "kind": "save", "sha256": f"{n + 10:x}" * 64, "md5": "",
            "size": size, "saved_at": saved_at, "author": "ana", "host": "pc", "parent_uid": None,
            "message": None, "key": ws.key(path), "version_id": f"v{n}", "etag": "e",
            "pushed_at": saved_at, **fields})
    ws.index.insert_publish({
        "path": "a.ipynb", "sha256": "b" * 64, "source_key": ws.key("a.ipynb"), "source_version_id": "v1",
        "published_key": "published/ana/a.ipynb", "published_version_id": "p1",
        "published_at": "2026-03-08T07:01:00+00:00", "author": "ana"})
    for name in ("ok", "best"):
        ws.index.set_name({"path": "a.ipynb", "name": name, "key": ws.key("a.ipynb"), "version_id": "v1",
                           "sha256": "", "tagged_at": "", "tagged_by": "ana",
                           "record_key": f"nbvc-names/{name}", "record_version_id": "r"})
    ws.close()


#: the US Eastern time zone's rules, and India's (5:30 ahead), spelt for libc (no tz database)
EASTERN, INDIA = "EST5EDT,M3.2.0,M11.1.0", "IST-5:30"


def test_the_table_shows_local_times_sizes_kinds_and_marks(tmp_path: Path) -> None:
    """Times in the local zone to the second (cut, not rounded), across daylight-saving
    changes and half an hour off UTC; sizes to a tenth of a unit, halves up; a delete's
    missing hash as "-"; columns as wide as their widest cell in characters, no
    trailing spaces; unverified, published and names after the VersionId."""
    recorded(tmp_path)
    assert run_nbvc("log", "a.ipynb", cwd=tmp_path, env={"TZ": EASTERN}, check=True).stdout == (
        "version   saved                size       author  kind        version id               message\n"
        "-         2026-11-01 19:00:00  0 B        ana@pc  delete      v5                       deleted\n"
        "eeeeeeee  2026-11-01 01:30:00  3.0 GB     ana@pc  save        not pushed               not yet\n"
        "cccccccc  2026-03-08 04:15:00  1024.0 KB  zoë@pc  save        v2 (unverified)\n"
        "bbbbbbbb  2026-03-08 03:00:00  1.3 KB     ana@pc  checkpoint  v1 published [best, ok]  good\n"
        "aaaaaaaa  2026-03-08 01:59:59  512 B      ana@pc  save        v0                       before\n")
    in_india = run_nbvc("log", cwd=tmp_path, env={"TZ": INDIA}, check=True).stdout.splitlines()
    assert [(line[10:29], line.split()[6]) for line in in_india[1:]] == [
        ("2026-11-02 05:30:00", "a.ipynb"), ("2026-11-01 12:00:00", "a.ipynb"),
        ("2026-11-01 11:00:00", "b.ipynb"), ("2026-03-08 13:45:00", "a.ipynb"),
        ("2026-03-08 12:30:00", "a.ipynb"), ("2026-03-08 12:29:59", "a.ipynb")]
