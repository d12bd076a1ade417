"""Every Jupyter set-up in docs/jupyter.md, started exactly as the docs say: `jupyter lab`,
`jupyter notebook` or `jupyter server` in a folder, no `--config`; configuration only
where Jupyter reads it (`jupyter --config-dir`, a system config folder)."""

from __future__ import annotations

import concurrent.futures
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from .conftest import make_bucket, run_nbvc, s3_client
from .jupyterserver import JupyterServer, wait_until
from .test_jupyter import body, notebook, versions, workspace_server

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def s3(moto_server) -> tuple[str, object]:  # noqa: ANN001
    return moto_server.url, s3_client(moto_server.url)


def extension_list(jupyter: JupyterServer) -> str:
    listed = jupyter.command("jupyter", "server", "extension", "list")
    return ANSI.sub("", listed.stdout + listed.stderr)


@contextmanager
def disabled_in_environment(jupyter: JupyterServer) -> Iterator[None]:
    """`jupyter server extension disable nbvc` (the environment's config), undone after."""
    off = jupyter.command("jupyter", "server", "extension", "disable", "nbvc")
    try:
        assert off.returncode == 0 and "successfully disabled" in off.stdout + off.stderr, off.stderr
        yield
    finally:
        on = jupyter.command("jupyter", "server", "extension", "enable", "nbvc")
        assert "successfully enabled" in on.stdout + on.stderr, on.stderr


def nbvc_lines(jupyter: JupyterServer) -> list[str]:
    return [line for line in jupyter.log().splitlines() if re.search(r"\bnbvc \d", line)]


def test_installing_nbvc_enables_its_server_extension_and_jupyter_validates_it(tmp_path: Path) -> None:
    jupyter = JupyterServer(tmp_path)
    listed = extension_list(jupyter)
    assert re.search(r"nbvc\s+enabled", listed) and re.search(r"nbvc [\d.]+\s+OK", listed), listed
    with disabled_in_environment(jupyter):  # and enabled again after, as it says
        assert re.search(r"nbvc\s+disabled", extension_list(jupyter))


def test_every_nbvc_jupyter_path_the_docs_name_resolves_as_jupyter_resolves_it() -> None:
    """Configs name ``nbvc.jupyter.<name>`` (the stable path; the code is in
    nbvc.integrations.jupyter): each one in the docs still imports."""
    from traitlets.utils.importstring import import_item

    root = Path(__file__).parent.parent
    text = "\n".join(p.read_text(encoding="utf-8") for p in [root / "README.md", *root.glob("docs/*.md")])
    named = set(re.findall(r"\bnbvc\.jupyter(?:\.| import )(\w+)", text))  # a.b.c, from a.b import c
    assert {"post_save_hook", "BookstoreContentsArchiver"} <= named
    for name in sorted(named):
        assert import_item(f"nbvc.jupyter.{name}").__module__.startswith("nbvc.integrations.jupyter."), name


@pytest.mark.parametrize("app", ["lab", "notebook", "server"])
def test_jupyter_started_in_a_workspace_archives_every_save(app: str, s3, tmp_path: Path) -> None:
    """docs/jupyter.md: `nbvc init --remote s3://...`, then `jupyter lab` (or notebook, server)."""
    endpoint, client = s3
    bucket = make_bucket(client)
    jupyter = workspace_server(tmp_path, bucket, endpoint, app=app).start()
    try:
        assert jupyter.save("a.ipynb", notebook("1")).status_code == 201
        assert jupyter.save("a.ipynb", notebook("2")).status_code == 200
        key = "workspace/kylek/a.ipynb"
        found = wait_until(lambda: (v := versions(client, bucket, key)) and len(v) == 2 and v,
                           what="two versions")
        assert body(client, bucket, key, found[0]["VersionId"]) == (tmp_path / "a.ipynb").read_bytes()
        info = jupyter.api("GET", "/api/nbvc").json()
        assert info["active"] and info["remote"] == f"s3://{bucket}/workspace/kylek/"
        [line] = nbvc_lines(jupyter)  # one line at start says where saves go
        where = f"of {tmp_path.resolve()} to s3://{bucket}/workspace/kylek/"
        assert f"archiving every notebook save {where}" in line
    finally:
        jupyter.stop()


def test_outside_a_workspace_jupyter_is_left_alone_and_says_why(tmp_path: Path) -> None:
    jupyter = JupyterServer(tmp_path).start()
    try:
        assert jupyter.save("plain.ipynb", notebook("x")).status_code == 201
        info = jupyter.api("GET", "/api/nbvc").json()
        assert info["active"] is False and "nbvc init" in info["reason"]
        assert jupyter.api("GET", "/api/nbvc/log/plain.ipynb").status_code == 409
        [line] = nbvc_lines(jupyter)
        assert "inactive" in line and "is not an nbvc workspace" in line
    finally:
        jupyter.stop()
    assert not (tmp_path / ".nbvc").exists()


def test_nbvc_jupyter_config_write_turns_nbvc_on_where_jupyter_reads(s3, tmp_path: Path) -> None:
    """`nbvc jupyter config --write && jupyter notebook`, even after the environment's
    switch was turned off."""
    endpoint, client = s3
    bucket = make_bucket(client)
    jupyter = workspace_server(tmp_path, bucket, endpoint, app="notebook")
    with disabled_in_environment(jupyter):
        written = jupyter.command("nbvc", "jupyter", "config", "--write")
        assert written.returncode == 0, written.stderr
        first = jupyter.command("jupyter", "--paths", "--json")
        target = Path(json.loads(first.stdout)["config"][0]) / "jupyter_server_config.d" / "nbvc.json"
        assert json.loads(target.read_text()) == {"ServerApp": {"jpserver_extensions": {"nbvc": True}}}
        assert str(target) in written.stdout.replace("\n", "")
        assert re.search(r"nbvc\s+enabled", extension_list(jupyter))
        jupyter.start()
        try:
            jupyter.save("n.ipynb", notebook("notebook 7"))
            wait_until(lambda: versions(client, bucket, "workspace/kylek/n.ipynb"), what="the save")
        finally:
            jupyter.stop()
    assert not (tmp_path / "jupyter_server_config.py").exists()


def test_a_config_that_enables_nbvc_jupyter_itself_still_loads_it(tmp_path: Path) -> None:
    """An earlier nbvc's config enabled the module ``nbvc.jupyter`` by name."""
    assert run_nbvc("init", cwd=tmp_path).returncode == 0
    jupyter = JupyterServer(tmp_path, 'c.ServerApp.jpserver_extensions = '
                                     '{"nbvc": False, "nbvc.jupyter": True}')
    jupyter.start()
    try:
        answer = jupyter.api("GET", "/api/nbvc")
        assert answer.status_code == 200 and answer.json()["active"], answer.text
    finally:
        jupyter.stop()


def test_jupyterhub_image_config_archives_each_user_under_their_prefix(s3, tmp_path: Path) -> None:
    """The image's /etc/jupyter/jupyter_server_config.py names the bucket; each user's
    server runs in their home (not a workspace yet) with JUPYTERHUB_USER set."""
    endpoint, client = s3
    bucket = make_bucket(client)
    (tmp_path / "admin").mkdir()
    admin = workspace_server(tmp_path / "admin", bucket, endpoint)  # a workspace on the bucket
    printed = admin.command("nbvc", "jupyter", "config")
    assert f"c.NbvcSettings.remote = 's3://{bucket}'" in printed.stdout
    image_config = tmp_path / "etc-jupyter"  # stands for /etc/jupyter, a system config folder
    image_config.mkdir()
    (image_config / "jupyter_server_config.py").write_text(printed.stdout)
    home = tmp_path / "home-alice"
    home.mkdir()
    jupyter = JupyterServer(home, env={"JUPYTERHUB_USER": "alice",
                                       "JUPYTER_CONFIG_PATH": str(image_config)}).start()
    try:
        jupyter.save("work.ipynb", notebook("alice's"))
        wait_until(lambda: versions(client, bucket, "workspace/alice/work.ipynb"), what="alice's save")
    finally:
        jupyter.stop()


def test_hook_only_mode_keeps_jupyters_checkpoints_and_follows_renames(s3, tmp_path: Path) -> None:
    endpoint, client = s3
    bucket = make_bucket(client)
    config = "c.NbvcSettings.checkpoints = False\nc.NbvcSettings.retry_delay_max = 1\n"
    jupyter = workspace_server(tmp_path, bucket, endpoint, config=config).start()
    try:
        jupyter.save("h.ipynb", notebook("hooked"))
        wait_until(lambda: versions(client, bucket, "workspace/kylek/h.ipynb"), what="the save")
        checkpoint = jupyter.api("POST", "/api/contents/h.ipynb/checkpoints").json()
        assert checkpoint["id"] == "checkpoint"  # Jupyter's own file checkpoints
        assert jupyter.api("PATCH", "/api/contents/h.ipynb", json={"path": "moved.ipynb"}).ok
        wait_until(lambda: versions(client, bucket, "workspace/kylek/moved.ipynb"), what="the rename")
        assert "followed through contents events" in "".join(nbvc_lines(jupyter))
    finally:
        jupyter.stop()


def big_notebook(mark: str, megabytes: float = 1.2) -> dict:
    nb = nbformat.v4.new_notebook()
    filler = "x" * 1000
    nb.cells = [nbformat.v4.new_markdown_cell(f"{mark} {n} {filler}") for n in range(int(megabytes * 1000))]
    return json.loads(nbformat.writes(nb))


def test_simultaneous_saves_archive_only_whole_notebooks(lab_server) -> None:
    """Ten clients save a 1.2 MB notebook to a new path at once: each version archived
    is a complete notebook that one of them wrote, and no save fails."""
    jupyter, client, bucket = lab_server
    contents = {json.dumps(big_notebook(f"client {n}"), sort_keys=True) for n in range(10)}
    sent = [json.loads(c) for c in contents]
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda nb: jupyter.save("race.ipynb", nb), sent))
    assert all(a.status_code in (200, 201) for a in answers), [a.text[:200] for a in answers]
    key = "workspace/kylek/race.ipynb"
    wait_until(lambda: not jupyter.api("GET", "/api/nbvc").json()["pending"], timeout=60,
               what="uploads")
    archived = versions(client, bucket, key)
    assert archived
    for version in archived:
        data = body(client, bucket, key, version["VersionId"])
        assert json.dumps(json.loads(data), sort_keys=True) in contents


def test_a_new_notebook_starts_its_history_with_its_first_content(lab_server) -> None:
    jupyter, client, bucket = lab_server
    made = jupyter.api("POST", "/api/contents", json={"type": "notebook"}).json()  # "New Notebook"
    path = made["path"]
    assert jupyter.api("GET", f"/api/nbvc/log/{path}").status_code == 404  # nothing to keep yet
    jupyter.save(path, notebook("first words"))
    log = jupyter.api("GET", f"/api/nbvc/log/{path}").json()
    assert log["total"] == 1 and log["versions"][0]["message"] is None
    jupyter.save("direct.ipynb", notebook("saved straight to a new path"))
    assert jupyter.api("GET", "/api/nbvc/log/direct.ipynb").json()["total"] == 1


def test_a_rename_leaves_nothing_behind_under_the_old_name(lab_server) -> None:
    jupyter, client, bucket = lab_server
    jupyter.save("Untitled.ipynb", notebook("draft"))
    wait_until(lambda: versions(client, bucket, "workspace/kylek/Untitled.ipynb"), what="pushed")
    assert jupyter.api("PATCH", "/api/contents/Untitled.ipynb", json={"path": "report.ipynb"}).ok
    wait_until(lambda: client.list_object_versions(
        Bucket=bucket, Prefix="workspace/kylek/Untitled.ipynb").get("DeleteMarkers"), what="marker")
    log = jupyter.api("GET", "/api/nbvc/log/report.ipynb").json()["versions"]
    assert [v["message"] for v in log][:2] == ["renamed from Untitled.ipynb",
                                               "deleted workspace/kylek/Untitled.ipynb"]
    jupyter.save("Untitled.ipynb", notebook("a new notebook under the old name"))
    fresh = jupyter.api("GET", "/api/nbvc/log/Untitled.ipynb").json()
    assert fresh["total"] == 1 and fresh["versions"][0]["kind"] == "save"
    status = jupyter.command("nbvc", "status", "--json")
    states = {n["path"]: n["state"] for n in json.loads(status.stdout)}
    assert "deleted" not in states.values(), states


def test_nbdimes_checkpoint_diff_reads_nbvc_versions(lab_server) -> None:
    jupyter, _client, _bucket = lab_server
    jupyter.save("nbd.ipynb", notebook("before"))
    jupyter.save("nbd.ipynb", notebook("after"))
    answer = jupyter.api("POST", "/nbdime/api/diff", json={"base": "checkpoint:nbd.ipynb"})
    assert answer.status_code == 200, answer.text
    assert "diff" in answer.json() and answer.json()["base"]["cells"]


@pytest.fixture(scope="module")
def lab_server(s3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JupyterServer, object, str]]:
    endpoint, client = s3
    bucket = make_bucket(client)
    jupyter = workspace_server(tmp_path_factory.mktemp("setup-root"), bucket, endpoint).start()
    yield jupyter, client, bucket
    jupyter.stop()


def upload_state(jupyter: JupyterServer, path: str) -> dict:
    info = jupyter.api("GET", "/api/nbvc").json()
    return next((n for n in info["notebooks"] if n["path"] == path), {"state": "uploaded"})


def someone_else_saves(client, bucket: str, key: str, text: str) -> str:  # noqa: ANN001
    """Another machine (or the console) puts a new version of the key."""
    data = nbformat.writes(nbformat.from_dict(notebook(text))).encode()
    return client.put_object(Bucket=bucket, Key=key, Body=data)["VersionId"]


@pytest.mark.parametrize("keep", ["mine", "theirs"])
def test_an_upload_conflict_is_reported_per_notebook_and_resolved_over_rest(
        keep: str, lab_server) -> None:
    jupyter, client, bucket = lab_server
    path, key = f"shared-{keep}.ipynb", f"workspace/kylek/shared-{keep}.ipynb"
    jupyter.save(path, notebook("ours, first"))
    wait_until(lambda: versions(client, bucket, key), what="the first upload")
    theirs = someone_else_saves(client, bucket, key, "theirs")
    jupyter.save(path, notebook("ours, second"))
    jupyter.save(path, notebook("ours, third"))  # a second save waiting behind the first
    jupyter.save(f"other-{keep}.ipynb", notebook("unrelated"))
    conflict = wait_until(lambda: (s := upload_state(jupyter, path))["state"] == "conflict" and s,
                          what="the conflict to be reported")
    assert conflict["remote_version_id"] == theirs and conflict["pending"] == 2
    assert "nbvc pull" in conflict["detail"]
    wait_until(lambda: versions(client, bucket, f"workspace/kylek/other-{keep}.ipynb"),
               what="other notebooks to keep uploading")
    info = jupyter.api("GET", "/api/nbvc").json()
    assert info["conflicts"] == 1, info["notebooks"]
    answer = jupyter.api("POST", f"/api/nbvc/resolve/{path}", json={"keep": keep})
    assert answer.status_code == 200, answer.text
    latest = body(client, bucket, key)
    working = (jupyter.root / path).read_bytes()
    assert working == latest
    assert (b"ours, third" if keep == "mine" else b"theirs") in latest
    assert upload_state(jupyter, path)["state"] == "uploaded"
    assert len(versions(client, bucket, key)) == (4 if keep == "mine" else 2)  # nothing lost
    if keep == "theirs":  # ours stays in the history, beside theirs
        assert jupyter.api("GET", f"/api/nbvc/log/{path}").json()["total"] == 4


def test_resolve_refuses_bad_requests_with_json_errors(lab_server) -> None:
    jupyter, _client, _bucket = lab_server
    bad = jupyter.api("POST", "/api/nbvc/resolve/x.ipynb", json={"keep": "both"})
    assert bad.status_code == 400 and "keep" in bad.json()["message"]
    jupyter.save("calm.ipynb", notebook("nothing to resolve"))
    wait_until(lambda: not jupyter.api("GET", "/api/nbvc").json()["pending"], what="uploads")
    nothing = jupyter.api("POST", "/api/nbvc/resolve/calm.ipynb", json={"keep": "mine"})
    assert nothing.status_code == 404 and "nothing waits" in nothing.json()["message"]
