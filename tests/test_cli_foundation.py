"""init, save, log, remote and doctor, through the real command line."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run_nbvc, write_notebook


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    run_nbvc("init", "--user", "ana", cwd=root, check=True)
    return root


def test_version_flag_prints_the_version(tmp_path: Path) -> None:
    result = run_nbvc("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("nbvc 0.")


def test_a_misspelt_command_still_gets_suggestions(tmp_path: Path) -> None:
    result = run_nbvc("pus", cwd=tmp_path)
    assert result.returncode == 2 and "Did you mean 'push'" in result.stderr
    result = run_nbvc("remote", "sho", cwd=tmp_path)
    assert result.returncode == 2 and "Did you mean 'show'" in result.stderr
    result = run_nbvc("xyzzy", cwd=tmp_path)
    assert result.returncode == 2 and "No such command 'xyzzy'" in result.stderr
    assert "Did you mean" not in result.stderr


def test_nbvc_alone_shows_the_commands_and_exit_codes_and_exits_as_a_usage_error(
    tmp_path: Path
) -> None:
    for args in ((), ("remote",), ("retention",), ("jupyter",)):
        result = run_nbvc(*args, cwd=tmp_path)
        assert result.returncode == 2 and result.stdout.startswith("Usage: "), args
        assert "Commands:" in result.stdout, args
    full = run_nbvc(cwd=tmp_path).stdout
    assert "push" in full and "Exit codes" in full and "7  partly done" in full
    assert run_nbvc("-h", cwd=tmp_path).stdout == run_nbvc("--help", cwd=tmp_path).stdout == full


def test_every_command_has_help_with_examples(tmp_path: Path) -> None:
    for command in ("init", "save", "log", "doctor"):
        result = run_nbvc(command, "--help", cwd=tmp_path)
        assert result.returncode == 0 and "Example" in result.stdout, command


def test_help_describes_arguments_and_options(tmp_path: Path) -> None:
    help_text = run_nbvc("diff", "-h", cwd=tmp_path, check=True).stdout
    assert "Old side [latest version]." in help_text and "New side [the working file]." in help_text
    assert "Open nbdime's web diff" in help_text
    assert "Notebooks or folders [all]." in run_nbvc("push", "-h", cwd=tmp_path, check=True).stdout


def test_an_interrupted_command_exits_130(ws: Path) -> None:
    nb = write_notebook(ws / "a.ipynb", "1")
    run_nbvc("save", "a.ipynb", cwd=ws, check=True)
    write_notebook(nb, "2")
    run_nbvc("push", cwd=ws, check=True)
    # prune asks before deleting when its input is a terminal: interrupt it there
    controller, terminal = os.openpty()
    prune = subprocess.Popen([sys.executable, "-m", "nbvc", "prune", "--keep-last", "1"], cwd=ws,
                             stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             # ^C's default action, which a background job's shell may have unset
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.close(terminal)
    try:
        asked = b""
        while not asked.endswith(b"for good? [y/N]: "):
            chunk = prune.stdout.read1(4096)
            assert chunk, (asked, prune.stderr.read())
            asked += chunk
        # the prompt's last space is written just before the read of the answer begins; a
        # ^C that comes before that read may only be noted while the read waits on: press
        # it again until the command has ended
        for _ in range(300):
            prune.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                prune.wait(timeout=0.2)
                break
        assert prune.returncode == 130
        assert prune.stderr.read().decode().splitlines()[-1] == "interrupted"
    finally:
        os.close(controller)
        prune.kill()
        prune.wait()
    assert len(json.loads(run_nbvc("log", "a.ipynb", "--json", cwd=ws, check=True).stdout)) == 2


def test_init_creates_config_index_objects_and_embedded_store(ws: Path) -> None:
    assert (ws / ".nbvc" / "config.toml").exists()
    assert (ws / ".nbvc" / "index.db").exists()
    assert (ws / ".nbvc" / "objects").is_dir()
    assert (ws / ".nbvc" / "store" / "catalog.db").exists()


def test_index_uses_wal_and_a_schema_version(ws: Path) -> None:
    db = sqlite3.connect(ws / ".nbvc" / "index.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_save_records_a_version_and_identical_bytes_are_unchanged(ws: Path) -> None:
    write_notebook(ws / "analysis.ipynb", "1 + 1")
    first = run_nbvc("save", "analysis.ipynb", cwd=ws, check=True)
    assert first.stdout.startswith("saved")
    second = run_nbvc("save", "analysis.ipynb", cwd=ws, check=True)
    assert second.stdout.startswith("unchanged")
    rows = json.loads(run_nbvc("log", "analysis.ipynb", "--json", cwd=ws, check=True).stdout)
    assert len(rows) == 1


def test_log_lists_versions_newest_first_with_stable_json_fields(ws: Path) -> None:
    nb = write_notebook(ws / "sub" / "a.ipynb", "1")
    run_nbvc("save", "sub/a.ipynb", "-m", "first", cwd=ws, check=True)
    write_notebook(nb, "2")
    run_nbvc("save", "sub/a.ipynb", cwd=ws, check=True)
    rows = json.loads(run_nbvc("log", "sub/a.ipynb", "--json", cwd=ws, check=True).stdout)
    assert [r["message"] for r in rows] == [None, "first"]
    assert rows[0]["parent_save_id"] == rows[1]["save_id"]
    assert set(rows[0]) == {
        "path", "short", "sha256", "size", "saved_at", "author", "host", "message", "kind",
        "save_id", "parent_save_id", "merge_parent_save_id", "pushed", "key", "version_id",
        "pushed_at", "published", "verified", "names",
    }
    assert rows[0]["author"] == "ana" and rows[0]["pushed"] is False
    assert rows[0]["verified"] is True
    assert rows[0]["size"] == nb.stat().st_size


def test_log_table_says_not_pushed(ws: Path) -> None:
    write_notebook(ws / "a.ipynb", "1")
    run_nbvc("save", "a.ipynb", cwd=ws, check=True)
    table = run_nbvc("log", "a.ipynb", cwd=ws, check=True).stdout
    assert "not pushed" in table and "ana@" in table


def test_log_table_aligns_columns_by_characters_not_bytes(ws: Path) -> None:
    nb = write_notebook(ws / "a.ipynb", "1")
    run_nbvc("save", "a.ipynb", "-m", "by zoë", cwd=ws, env={"NBVC_USER": "zoë"}, check=True)
    write_notebook(nb, "2")
    run_nbvc("save", "a.ipynb", "-m", "by ana", cwd=ws, env={"NBVC_USER": "ana-maria"}, check=True)
    header, newest, oldest = run_nbvc("log", "a.ipynb", cwd=ws, check=True).stdout.splitlines()
    assert "zoë@" in oldest and "ana-maria@" in newest
    assert newest.index("by ana") == oldest.index("by zoë") == header.index("message")


def test_log_fast_lane_matches_the_full_command_line(ws: Path) -> None:
    nb = write_notebook(ws / "a.ipynb", "1")
    run_nbvc("save", "a.ipynb", "-m", "first", cwd=ws, check=True)
    write_notebook(nb, "2")
    run_nbvc("save", "a.ipynb", cwd=ws, check=True)
    write_notebook(ws / "b.ipynb", "other")
    run_nbvc("save", "b.ipynb", cwd=ws, check=True)
    for args in (("a.ipynb",), ("a.ipynb", "--json"), ("--json", "a.ipynb"), (), ("--json",)):
        lane = run_nbvc("log", *args, cwd=ws, check=True)
        full = run_nbvc("-C", str(ws), "log", *args, cwd=ws.parent, check=True)  # through the parser
        assert lane.stdout == full.stdout, args


def test_log_of_a_path_outside_the_workspace_is_refused(ws: Path, tmp_path: Path) -> None:
    write_notebook(tmp_path / "elsewhere.ipynb", "1")
    result = run_nbvc("log", str(tmp_path / "elsewhere.ipynb"), cwd=ws)
    assert result.returncode != 0 and result.stderr.startswith("error: ")
    assert "outside the workspace" in result.stderr and "Traceback" not in result.stderr


def test_log_of_a_notebook_never_saved_says_how_to_record_one(ws: Path) -> None:
    write_notebook(ws / "a.ipynb", "1")
    result = run_nbvc("log", "a.ipynb", cwd=ws)
    assert result.returncode == 3
    assert result.stderr.splitlines() == ["error: a.ipynb: no versions recorded",
                                          "hint: run 'nbvc save a.ipynb' to record one"]


def test_log_with_other_options_goes_to_the_full_parser(ws: Path) -> None:
    write_notebook(ws / "a.ipynb", "1")
    run_nbvc("save", "a.ipynb", cwd=ws, check=True)
    assert len(run_nbvc("log", "a.ipynb", "-n", "1", cwd=ws, check=True).stdout.splitlines()) == 2
    result = run_nbvc("log", "a.ipynb", "--bogus", cwd=ws)
    assert result.returncode == 2 and "No such option" in result.stderr


def test_output_into_a_closed_pipe_stops_quietly(ws: Path) -> None:
    write_notebook(ws / "a.ipynb", "1")
    run_nbvc("save", "a.ipynb", cwd=ws, check=True)
    reader_gone = subprocess.Popen([sys.executable, "-m", "nbvc", "log", "a.ipynb"], cwd=ws,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader_gone.stdout.close()
    assert (reader_gone.wait(timeout=60), reader_gone.stderr.read()) == (1, "")


def test_save_without_paths_records_every_changed_notebook(ws: Path) -> None:
    write_notebook(ws / "a.ipynb", "1")
    write_notebook(ws / "deep" / "er" / "b.ipynb", "2")
    result = run_nbvc("save", "--json", cwd=ws, check=True)
    assert sorted(r["path"] for r in json.loads(result.stdout)) == ["a.ipynb", "deep/er/b.ipynb"]


def test_save_works_from_a_subdirectory_and_with_unicode_names(ws: Path) -> None:
    write_notebook(ws / "dir with space" / "ünïcode nb.ipynb", "1")
    result = run_nbvc("save", "ünïcode nb.ipynb", cwd=ws / "dir with space", check=True)
    assert "dir with space/ünïcode nb.ipynb" in result.stdout


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"{not json", "not JSON"),
        (b'{"a": 1}', "not a notebook"),
        (b'{"nbformat": 4, "nbformat_minor": 5, "cells": "nope", "metadata": {}}', "invalid nbformat"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_bad_notebooks_get_one_line_errors_and_record_nothing(
    ws: Path, content: bytes, reason: str
) -> None:
    (ws / "bad.ipynb").write_bytes(content)
    result = run_nbvc("save", "bad.ipynb", cwd=ws)
    assert result.returncode == 2
    assert reason in result.stderr and "bad.ipynb" in result.stderr
    assert "Traceback" not in result.stderr
    assert run_nbvc("log", "bad.ipynb", cwd=ws).returncode == 3


def test_non_notebook_files_are_refused(ws: Path) -> None:
    (ws / "script.py").write_text("print(1)\n")
    result = run_nbvc("save", "script.py", cwd=ws)
    assert result.returncode == 2 and ".ipynb" in result.stderr


def test_symlink_pointing_outside_the_workspace_is_refused(ws: Path, tmp_path: Path) -> None:
    outside = write_notebook(tmp_path / "outside.ipynb", "secret")
    (ws / "link.ipynb").symlink_to(outside)
    result = run_nbvc("save", "link.ipynb", cwd=ws)
    assert result.returncode == 2 and "outside the workspace" in result.stderr


def test_commands_outside_a_workspace_say_how_to_start(tmp_path: Path) -> None:
    result = run_nbvc("log", "a.ipynb", cwd=tmp_path)
    assert result.returncode == 6
    assert "not an nbvc workspace" in result.stderr and "nbvc init" in result.stderr


def test_debug_flag_shows_the_traceback_and_keeps_the_exit_code(tmp_path: Path) -> None:
    result = run_nbvc("--debug", "log", "a.ipynb", cwd=tmp_path)
    assert result.returncode == 6 and "Traceback" in result.stderr
    assert "not an nbvc workspace" in result.stderr.splitlines()[-2]


def test_remote_set_and_show(ws: Path) -> None:
    run_nbvc("remote", "set", "s3://team-bucket", "--endpoint-url", "http://127.0.0.1:9",
             "--region", "eu-west-1", cwd=ws, check=True)
    info = json.loads(run_nbvc("remote", "show", "--json", cwd=ws, check=True).stdout)
    assert info["url"] == "s3://team-bucket/"
    assert (info["endpoint_url"], info["region"]) == ("http://127.0.0.1:9", "eu-west-1")
    assert info["workspace_prefix"] == "workspace/ana"


def test_remote_set_refuses_a_malformed_url(ws: Path) -> None:
    result = run_nbvc("remote", "set", "s3://bucket/with/path", cwd=ws)
    assert result.returncode == 2 and "s3://BUCKET" in result.stderr
    assert "bucket/with/path" not in (ws / ".nbvc" / "config.toml").read_text()


@pytest.mark.parametrize("name", ["Bad_Bucket!!", "ab", "-leading-hyphen", "with space"])
def test_remote_set_refuses_what_cannot_name_a_bucket(ws: Path, name: str) -> None:
    result = run_nbvc("remote", "set", f"s3://{name}", cwd=ws)
    assert result.returncode == 2 and "is not a bucket name" in result.stderr
    assert name not in (ws / ".nbvc" / "config.toml").read_text()


def test_doctor_passes_on_the_embedded_store(ws: Path) -> None:
    result = run_nbvc("doctor", "--json", cwd=ws, check=True)
    assert {c["name"]: c["status"] for c in json.loads(result.stdout)}["versioning"] == "ok"


def test_init_with_an_s3_remote_and_doctor_against_the_real_server(
    tmp_path: Path, moto_server, bucket_url: str
) -> None:
    run_nbvc("init", "--remote", bucket_url, "--endpoint-url", moto_server.url, "--user", "kylek",
             cwd=tmp_path, check=True)
    checks = json.loads(run_nbvc("doctor", "--json", cwd=tmp_path, check=True).stdout)
    assert {c["name"]: c["status"] for c in checks} == {
        "config": "ok", "index": "ok", "local objects": "ok", "credentials": "ok",
        "remote": "ok", "index vs bucket": "ok", "versioning": "ok", "conditional writes": "ok",
        "retention": "ok",
    }
    from .conftest import s3_client

    listing = s3_client(moto_server.url).list_object_versions(Bucket=bucket_url[5:])
    assert not listing.get("Versions") and not listing.get("DeleteMarkers")  # the probe left nothing


def test_doctor_explains_disabled_versioning(tmp_path: Path, moto_server) -> None:
    from .conftest import make_bucket, s3_client

    bucket = make_bucket(s3_client(moto_server.url), versioning=None)
    run_nbvc("init", "--remote", f"s3://{bucket}", "--endpoint-url", moto_server.url,
             cwd=tmp_path, check=True)
    result = run_nbvc("doctor", cwd=tmp_path)
    assert result.returncode == 5
    assert "Disabled" in result.stdout and "put-bucket-versioning" in result.stdout


def test_doctor_reports_a_missing_bucket(tmp_path: Path, moto_server) -> None:
    run_nbvc("init", "--remote", "s3://nbvc-no-such-bucket", "--endpoint-url", moto_server.url,
             cwd=tmp_path, check=True)
    result = run_nbvc("doctor", "--json", cwd=tmp_path)
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert result.returncode == 5 and "does not exist" in checks["remote"]["detail"]


def test_doctor_reports_an_unreachable_endpoint(tmp_path: Path) -> None:
    from .s3server import free_port

    run_nbvc("init", "--remote", "s3://unreachable", "--endpoint-url", f"http://127.0.0.1:{free_port()}",
             cwd=tmp_path, check=True)
    result = run_nbvc("doctor", "--json", cwd=tmp_path, env={"NBVC_RETRIES": "1"})
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert result.returncode == 5 and "cannot reach" in checks["remote"]["detail"]


def test_status_fast_lane_matches_the_full_command_line(ws: Path) -> None:
    write_notebook(ws / "a.ipynb", "saved")
    run_nbvc("save", cwd=ws, check=True)
    write_notebook(ws / "b.ipynb", "new")
    for args in ((), ("--json",), ("a.ipynb",)):
        lane = run_nbvc("status", *args, cwd=ws, check=True)
        full = run_nbvc("-C", str(ws), "status", *args, cwd=ws.parent, check=True)  # through the parser
        assert lane.stdout == full.stdout, args
    assert run_nbvc("status", cwd=ws).stdout == "pending      a.ipynb (1 to push)\nnew          b.ipynb\n"


def test_status_with_other_options_goes_to_the_full_parser(ws: Path) -> None:
    assert "Example" in run_nbvc("status", "--help", cwd=ws, check=True).stdout
    result = run_nbvc("status", "--bogus", cwd=ws)
    assert result.returncode == 2 and "No such option" in result.stderr


def test_status_outside_a_workspace_is_one_line_and_exit_6(tmp_path: Path) -> None:
    result = run_nbvc("status", cwd=tmp_path)
    assert result.returncode == 6 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: not an nbvc workspace")
