"""Credentials never leak; hostile buckets cannot write outside the workspace; the
extension's routes need Jupyter's authentication and XSRF for browser POSTs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests
from hypothesis import given
from hypothesis import strategies as st

from nbvc.core.refs import MIN_HASH_PREFIX, AmbiguousRef, UnknownRef, resolve_ref
from nbvc.core.workspace import Workspace

from ..conftest import make_bucket, s3_client, write_notebook
from ..jupyterserver import TOKEN, JupyterServer

KEY_ID = "AKIANBVCLEAKCHECK777"
SECRET = "nbvcSecretLeakCheck/Zq81xWv0"


def test_credentials_appear_nowhere(tmp_path: Path, moto_server) -> None:
    bucket = make_bucket(s3_client(moto_server.url))
    root = tmp_path / "w"
    root.mkdir()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET}
    outputs = []

    def nbvc(*args: str) -> None:
        result = subprocess.run([sys.executable, "-m", "nbvc", *args], cwd=root, env=env,
                                capture_output=True, text=True, timeout=300)
        outputs.extend([result.stdout, result.stderr])

    nbvc("init", "--remote", f"s3://{bucket}", "--endpoint-url", moto_server.url)
    write_notebook(root / "a.ipynb", "1")
    for args in (["push", "--json"], ["log", "a.ipynb", "--json"], ["fetch", "--json"],
                 ["publish", "a.ipynb", "--json"], ["published", "--json"], ["doctor", "--json"],
                 ["url", "a.ipynb", "--json"], ["status", "--json"], ["remote", "show", "--json"],
                 ["--debug", "show", "a.ipynb", "--version", "nope"]):
        nbvc(*args)
    env["NBVC_REMOTE"] = "s3://nbvc-missing-bucket"
    nbvc("push", "--json")
    nbvc("doctor")
    # a presigned URL carries the access key id by design (that is how S3 checks it),
    # never the secret; everything else must carry neither
    url_output = next(o for o in outputs if '"expires_in"' in o)
    assert SECRET not in url_output
    others = [o for o in outputs if o is not url_output]
    for text in others:
        assert KEY_ID not in text and SECRET not in text
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert KEY_ID.encode() not in data and SECRET.encode() not in data, path


def test_jupyter_settings_credentials_stay_in_memory(tmp_path: Path, moto_server) -> None:
    bucket = make_bucket(s3_client(moto_server.url))
    config = f"""
from nbvc.jupyter import BookstoreContentsArchiver
c.ServerApp.contents_manager_class = BookstoreContentsArchiver
c.BookstoreSettings.s3_bucket = "{bucket}"
c.BookstoreSettings.s3_endpoint_url = "{moto_server.url}"
c.BookstoreSettings.s3_access_key_id = "{KEY_ID}"
c.BookstoreSettings.s3_secret_access_key = "{SECRET}"
"""
    jupyter = JupyterServer(tmp_path, config, env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    jupyter.start()
    try:
        nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        assert jupyter.save("x.ipynb", nb).status_code == 201
        info = jupyter.api("GET", "/api/nbvc").text
        log = jupyter.api("GET", "/api/nbvc/log/x.ipynb").text
    finally:
        jupyter.stop()
    for text in (info, log, jupyter.log()):
        assert KEY_ID not in text and SECRET not in text
    for path in (tmp_path / ".nbvc").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes() and KEY_ID.encode() not in path.read_bytes()


def test_browser_posts_need_the_xsrf_token(tmp_path: Path) -> None:
    config = 'c.ServerApp.jpserver_extensions = {"nbvc": True}\n'
    jupyter = JupyterServer(tmp_path, config).start()
    try:
        browser = requests.Session()
        browser.get(f"{jupyter.url}/login?token={TOKEN}", timeout=30)  # logs in: cookies
        browser.get(f"{jupyter.url}/api/nbvc", timeout=30)
        assert browser.get(f"{jupyter.url}/api/nbvc", timeout=30).status_code == 200
        forged = browser.post(f"{jupyter.url}/api/nbvc/clone", json={}, timeout=30)
        assert forged.status_code == 403
        xsrf = browser.cookies.get("_xsrf")
        assert xsrf
        real = browser.post(f"{jupyter.url}/api/nbvc/clone", json={}, timeout=30,
                            headers={"X-XSRFToken": xsrf})
        assert real.status_code == 400  # through XSRF; refused for the missing key
        assert requests.get(f"{jupyter.url}/api/nbvc", timeout=30).status_code == 403
    finally:
        jupyter.stop()


# -- version refs, property-based -----------------------------------------------------

refs = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"~[0-9]{1,4}", fullmatch=True),
    st.from_regex(r"[0-9a-f]{1,64}", fullmatch=True),
    st.just("latest"),
)


def _workspace(tmp_path_factory) -> Workspace:  # noqa: ANN001
    root = tmp_path_factory.mktemp("refs")
    ws, _ = Workspace.init(root, {"user": "u"})
    for n in range(5):
        write_notebook(root / "a.ipynb", f"v{n}")
        ws.save([str(root / "a.ipynb")])
    return ws


@given(ref=refs)
def test_any_ref_resolves_to_a_version_of_that_notebook_or_fails_cleanly(tmp_path_factory, ref: str) -> None:
    ws = _WS.get("ws") or _WS.setdefault("ws", _workspace(tmp_path_factory))
    try:
        row = resolve_ref(ws, "a.ipynb", ref)
    except (UnknownRef, AmbiguousRef) as exc:
        assert exc.message and "\n" not in exc.message
        return
    except Exception as exc:  # only nbvc's own usage errors are allowed
        from nbvc.errors import UsageError

        assert isinstance(exc, UsageError), exc
        return
    assert row["path"] == "a.ipynb"
    stripped = ref.strip()
    if stripped.startswith("~"):
        history = ws.index.history("a.ipynb")
        assert row["uid"] == history[int(stripped[1:])]["uid"]
    elif stripped not in ("latest",) and row["version_id"] != stripped and row["uid"] != stripped:
        assert len(stripped) >= MIN_HASH_PREFIX and row["sha256"].startswith(stripped.lower())


_WS: dict[str, Workspace] = {}
