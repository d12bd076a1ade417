"""The bad-input catalogue: each case gets a one-line error naming what is wrong, a
non-zero exit, no traceback, and no change to the workspace or the bucket."""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from nbvc.core import sync
from nbvc.core.workspace import Workspace

from ..conftest import make_bucket, s3_client, write_notebook
from ..s3server import MotoServer
from .helpers import fresh_workspace


def nbvc(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nbvc", *args], cwd=root, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def snapshot(ws: Workspace) -> tuple:
    """What must not change: every file's bytes (the index by its rows; the sync lock
    file holds nothing, and a command that tries the lock may create it) and the bucket."""
    files = {}
    for path in sorted(ws.root.rglob("*")):
        if path.is_file() and not path.name.startswith(("index.db", "sync.lock")):
            files[str(path.relative_to(ws.root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    index = ws.index.rows("SELECT uid, version_id FROM saves ORDER BY id")
    try:
        bucket = sorted((v.key, v.version_id) for v in ws.store.list_versions(""))
    except Exception:
        bucket = []
    return files, index, bucket


def refuse(ws: Workspace, result: subprocess.CompletedProcess[str], before: tuple, *words: str) -> None:
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error:"), result.stderr
    assert len([line for line in lines if line.startswith("error:")]) == 1
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert snapshot(ws) == before


@pytest.fixture
def ws(tmp_path: Path, moto_server) -> Iterator[Workspace]:
    ws = fresh_workspace(tmp_path / "ws", moto_server.url)
    write_notebook(ws.root / "good.ipynb", "fine")
    sync.push(ws)
    yield ws


@pytest.mark.parametrize(("content", "words"), [
    (b"", ("empty file",)),
    (b"{oops", ("not JSON", "line 1")),
    (b'["a list"]', ("not a notebook",)),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "nope"}]}',
     ("invalid nbformat",)),
    (b"\xff\xfe\xfa not utf-8", ("not UTF-8",)),
    (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [], "x": ' + b"9" * 5000
     + b"}", ("Python cannot read", "4300 digits")),
])
def test_unreadable_notebooks(ws: Workspace, content: bytes, words: tuple[str, ...]) -> None:
    (ws.root / "bad.ipynb").write_bytes(content)
    before = snapshot(ws)
    refuse(ws, nbvc(ws.root, "save", "bad.ipynb"), before, "bad.ipynb", *words)


def test_push_skips_a_bad_notebook_pushes_the_rest_and_says_partly_done(ws: Workspace) -> None:
    (ws.root / "bad.ipynb").write_bytes(b"{oops")
    write_notebook(ws.root / "good.ipynb", "changed")
    result = nbvc(ws.root, "push")
    assert result.returncode == 7, result.stderr
    assert result.stderr.splitlines() == [
        "skipped  bad.ipynb: not JSON (Expecting property name enclosed in double quotes at "
        "line 1 column 2)"]
    assert "1 uploaded" in result.stdout
    assert ws.index.pending(None) == []


def test_push_stops_with_exit_6_when_no_save_can_be_kept(ws: Workspace) -> None:
    """The objects folder takes nothing (a file where it should be: the same error as
    a read-only or full disk): no notebook is to blame, so push does not go on."""
    objects = ws.root / ".nbvc" / "objects"
    shutil.rmtree(objects)
    objects.write_bytes(b"")
    write_notebook(ws.root / "good.ipynb", "changed")
    before = snapshot(ws)
    refuse(ws, nbvc(ws.root, "push"), before, "cannot write to", "objects")
    objects.unlink()  # a missing folder is made again
    assert nbvc(ws.root, "push").returncode == 0


def test_an_nbformat_3_notebook_is_kept_byte_for_byte(ws: Workspace) -> None:
    v3 = nbformat.v3
    nb = v3.new_notebook(worksheets=[v3.new_worksheet(cells=[v3.new_code_cell(input="1 + 1")])])
    data = nbformat.writes(nb, version=3).encode()
    (ws.root / "old.ipynb").write_bytes(data)
    assert nbvc(ws.root, "push").returncode == 0
    assert ws.store.get(ws.key("old.ipynb")) == data


def test_a_large_notebook_is_saved_and_pushed(ws: Workspace, request: pytest.FixtureRequest) -> None:
    megabytes = 200 if request.config.getoption("--full") else 25
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('x')")
    cell.outputs = [nbformat.v4.new_output("stream", text="y" * (1 << 20)) for _ in range(megabytes)]
    nb.cells = [cell]
    nbformat.write(nb, str(ws.root / "big.ipynb"))
    assert nbvc(ws.root, "push").returncode == 0
    row = ws.index.last_save("big.ipynb")
    assert row["size"] > megabytes << 20
    head = ws.store.head(ws.key("big.ipynb"))
    assert head.size == row["size"]


def test_unicode_and_space_filled_paths_push_and_pull(ws: Workspace, tmp_path: Path,
                                                      moto_server) -> None:
    write_notebook(ws.root / "dossier été" / "cahier n° 1 ☃.ipynb", "unicode")
    assert nbvc(ws.root, "push").returncode == 0
    other = fresh_workspace(tmp_path / "other", moto_server.url, bucket=ws.store.bucket)
    assert nbvc(other.root, "pull").returncode == 0
    assert (other.root / "dossier été" / "cahier n° 1 ☃.ipynb").read_bytes() == \
        (ws.root / "dossier été" / "cahier n° 1 ☃.ipynb").read_bytes()


def test_a_symlink_pointing_outside_is_refused(ws: Workspace, tmp_path: Path) -> None:
    outside = write_notebook(tmp_path / "secret.ipynb", "secret")
    (ws.root / "link.ipynb").symlink_to(outside)
    before = snapshot(ws)
    refuse(ws, nbvc(ws.root, "save", "link.ipynb"), before, "outside the workspace")


@pytest.mark.parametrize(("ref", "words"), [
    ("zzzz-no-such", ("no version matches",)),
    ("~9", ("goes back past",)),
    ("abc", ("7+ characters",)),
])
def test_bad_version_refs(ws: Workspace, ref: str, words: tuple[str, ...]) -> None:
    before = snapshot(ws)
    refuse(ws, nbvc(ws.root, "show", "good.ipynb", "--version", ref), before, *words)


def test_a_version_of_another_notebook(ws: Workspace) -> None:
    write_notebook(ws.root / "other.ipynb", "o")
    sync.push(ws)
    foreign = ws.index.last_save("other.ipynb")["version_id"]
    before = snapshot(ws)
    refuse(ws, nbvc(ws.root, "restore", "good.ipynb", "--version", foreign), before,
           "is a version of other.ipynb")


def test_an_ambiguous_hash_prefix(ws: Workspace) -> None:
    for n in range(40):  # enough versions that two share a 7-character prefix is unlikely;
        write_notebook(ws.root / "good.ipynb", f"v{n}")  # so force one
        ws.save([str(ws.root / "good.ipynb")])
    ws.index.conn.execute("UPDATE saves SET sha256='abcdef0' || substr(sha256, 8) WHERE path='good.ipynb'")
    before = snapshot(ws)
    refuse(ws, nbvc(ws.root, "show", "good.ipynb", "--version", "abcdef0"), before, "matches")


def test_a_nonexistent_bucket(ws: Workspace) -> None:
    ws.update_settings({"remote": "s3://nbvc-nobody-made-this"})
    write_notebook(ws.root / "good.ipynb", "changed")
    ws.save([str(ws.root / "good.ipynb")])
    before = snapshot(ws)
    refuse(ws, nbvc(ws.root, "push"), before, "does not exist")


@pytest.mark.parametrize("status", [None, "Suspended"])
def test_a_bucket_without_versioning(ws: Workspace, moto_server, status: str | None) -> None:
    bucket = make_bucket(s3_client(moto_server.url), versioning=status)
    ws.update_settings({"remote": f"s3://{bucket}"})
    write_notebook(ws.root / "good.ipynb", "changed")
    ws.save([str(ws.root / "good.ipynb")])
    before = snapshot(ws)
    refuse(ws, nbvc(ws.root, "push"), before, f"versioning is {status or 'Disabled'}")


def test_no_credentials(ws: Workspace, tmp_path: Path) -> None:
    write_notebook(ws.root / "good.ipynb", "changed")
    ws.save([str(ws.root / "good.ipynb")])
    ws.index.set_fact("versioning-enabled", "")
    before = snapshot(ws)
    env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_EC2_METADATA_DISABLED": "true"}
    for name in env:
        os.environ.pop(name, None)
    result = nbvc(ws.root, "push", env={k: v for k, v in env.items() if v})
    refuse(ws, result, before, "no AWS credentials")


def test_wrong_credentials(tmp_path: Path) -> None:
    server = MotoServer()
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"  # this server checks every signature
    try:
        server.start()
    finally:
        del os.environ["INITIAL_NO_AUTH_ACTION_COUNT"]
    try:
        root = tmp_path / "w"
        root.mkdir()
        ws, _ = Workspace.init(root, {"remote": "s3://any", "endpoint_url": server.url})
        write_notebook(root / "a.ipynb", "1")
        ws.save([str(root / "a.ipynb")])
        before = snapshot(ws)
        result = nbvc(root, "push", env={"AWS_ACCESS_KEY_ID": "AKIAWRONGWRONG", "NBVC_RETRIES": "1"})
        refuse(ws, result, before, "access denied", "InvalidAccessKeyId")
    finally:
        server.stop()


def test_an_endpoint_that_is_not_s3(ws: Workspace, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>hello</html>")
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(*a, directory=str(site), **kw)  # noqa: E731
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        ws.update_settings({"endpoint_url": f"http://127.0.0.1:{web.server_address[1]}", "retries": 1})
        ws.index.set_fact("versioning-enabled", "")
        write_notebook(ws.root / "good.ipynb", "changed")
        ws.save([str(ws.root / "good.ipynb")])
        files, index, _ = snapshot(ws)
        result = nbvc(ws.root, "push")
        assert result.returncode == 5 and "Traceback" not in result.stderr
        assert len([x for x in result.stderr.splitlines() if x.startswith("error:")]) == 1
        assert snapshot(ws)[:2] == (files, index)
    finally:
        web.shutdown()


def test_a_locked_index(ws: Workspace) -> None:
    write_notebook(ws.root / "good.ipynb", "changed")
    before = snapshot(ws)
    holder = sqlite3.connect(ws.nbvc_dir / "index.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = nbvc(ws.root, "save", "good.ipynb", env={"NBVC_LOCK_TIMEOUT": "0.5"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    refuse(ws, result, before, "locked by another process")


def test_a_read_only_workspace(ws: Workspace) -> None:
    write_notebook(ws.root / "good.ipynb", "changed")
    before = snapshot(ws)
    for folder in (ws.root, *ws.root.parents):  # let the unprivileged user in, not write
        if str(folder).startswith(("/tmp/", "/var/tmp/")):
            folder.chmod(folder.stat().st_mode | 0o755)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*nobody, sys.executable, "-c", "import nbvc"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot run Python as an unprivileged user here (root ignores permissions)")
    result = subprocess.run([*nobody, sys.executable, "-m", "nbvc", "save", "good.ipynb"],
                            cwd=ws.root, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "HOME": "/tmp", "XDG_CONFIG_HOME": "/nonexistent"})
    refuse(ws, result, before, "cannot write to", "Permission denied")
