"""A real ``jupyter server`` process on loopback, driven through its REST API."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from .s3server import free_port

START_DEADLINE_S = 60.0
TOKEN = "nbvc-test-token"


def wait_until(condition: Any, timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll ``condition`` until it returns something truthy, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


JUPYTER = str(Path(sys.executable).with_name("jupyter"))


class JupyterServer:
    """``jupyter APP`` started in ``root`` as a user starts it: the root is the current
    folder and no ``--config`` is given. ``config`` (text of a Python config file) goes
    where Jupyter reads the user's config (``jupyter --config-dir``, here a fresh
    ``JUPYTER_CONFIG_DIR``). The only flags are what a headless test needs (loopback
    address, port, token, no browser, root). ``api()`` sends authenticated requests."""

    def __init__(self, root: Path, config: str = "", env: dict[str, str] | None = None,
                 app: str = "server") -> None:
        self.root = root
        self.config = config
        self.env = env or {}
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dirs = tempfile.TemporaryDirectory(prefix="nbvc-jupyter-")
        self.config_dir = Path(self.dirs.name) / "config"
        self.config_dir.mkdir()
        self.log_path = Path(self.dirs.name) / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def environ(self) -> dict[str, str]:
        """The environment Jupyter (and any jupyter or nbvc command of the test) runs in:
        the tests' S3 credentials unless the environment has its own (a server a module
        shares is started before its first test's environment is set)."""
        from .conftest import TEST_ENV

        base = Path(self.dirs.name)
        return {**TEST_ENV, **os.environ, "JUPYTER_CONFIG_DIR": str(self.config_dir),
                "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTER_DATA_DIR": str(base / "data"),
                "JUPYTER_PLATFORM_DIRS": "1", "JUPYTERLAB_SETTINGS_DIR": str(base / "lab-settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(base / "lab-workspaces"), **self.env}

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A command (``jupyter ...``, ``nbvc ...``) run in the root, in Jupyter's environment."""
        program = str(Path(sys.executable).with_name(args[0]))
        return subprocess.run([program, *args[1:]], cwd=self.root, env=self.environ,
                              capture_output=True, text=True, timeout=120)

    def start(self) -> JupyterServer:
        if self.config:
            (self.config_dir / "jupyter_server_config.py").write_text(self.config)
        self.process = subprocess.Popen(
            [JUPYTER, self.app, "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={TOKEN}"],
            cwd=self.root, env=self.environ, stdout=open(self.log_path, "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter {self.app} exited: {self.log()[-3000:]}")
            try:
                if self.api("GET", "/api/status").status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"jupyter {self.app} did not start: {self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def api(self, method: str, path: str, token: str | None = TOKEN, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"token {token}"} if token else {}
        return requests.request(method, self.url + path, headers=headers, timeout=60, **kwargs)

    def save(self, path: str, notebook: dict[str, Any]) -> requests.Response:
        """Save a notebook the way the front end does (PUT /api/contents)."""
        return self.api("PUT", f"/api/contents/{path}",
                        json={"type": "notebook", "format": "json", "content": notebook})


def saves_through_an_outage(root: Path, archiving: str, count: int) -> list[str]:
    """Save ``count`` notebooks through Jupyter while no S3 server runs, then start
    one (and its bucket); returns the sources of the versions that landed, oldest first.

    ``archiving`` is the config line that turns nbvc on (hook or contents manager).
    """
    import json

    from .conftest import s3_client
    from .s3server import MotoServer

    port = free_port()
    config = f"""{archiving}
c.NbvcSettings.remote = "s3://after-outage"
c.NbvcSettings.s3_endpoint_url = "http://127.0.0.1:{port}"
c.NbvcSettings.user = "kylek"
c.NbvcSettings.retry_delay_max = 1
"""
    jupyter = JupyterServer(root, config, env={"NBVC_RETRIES": "1"}).start()
    server = MotoServer(port=port)
    try:
        for n in range(count):
            nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": f"save {n}",
                             "id": "c1"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            answer = jupyter.save("outage.ipynb", nb)
            assert answer.status_code in (200, 201), answer.text

        def reported() -> dict[str, Any]:  # the outage is visible over REST, per notebook
            info = jupyter.api("GET", "/api/nbvc").json()
            return info if info["failing"] and info["notebooks"] else {}
        info = wait_until(reported, what="the failing uploads to be reported")
        assert info["last_upload_error"] and info["pending"] == count, info
        assert [(n["path"], n["state"]) for n in info["notebooks"]] == [("outage.ipynb", "failed")]
        server.start()
        client = s3_client(server.url)
        client.create_bucket(Bucket="after-outage")
        client.put_bucket_versioning(Bucket="after-outage",
                                     VersioningConfiguration={"Status": "Enabled"})
        key = "workspace/kylek/outage.ipynb"

        def landed() -> list[dict[str, Any]]:
            found = client.list_object_versions(Bucket="after-outage", Prefix=key).get("Versions", [])
            return found if len(found) == count else []
        found = wait_until(landed, timeout=120, what=f"{count} versions after the outage")
        bodies = [client.get_object(Bucket="after-outage", Key=key, VersionId=v["VersionId"])
                  ["Body"].read() for v in reversed(found)]
        return ["".join(json.loads(body)["cells"][0]["source"]) for body in bodies]
    finally:
        jupyter.stop()
        server.stop()
