"""nbvc's JupyterLab extension (labextension/, shipped prebuilt in nbvc/labextension/) in a
real browser (Debian's Chromium driven by Playwright) against a real JupyterLab and a moto
S3 server: the History panel lists a notebook's versions, previews and diffs them with
nbdime's web components, restores and publishes; the status bar follows the uploads and
raises a notification while the bucket is unreachable. Screenshots of failures are kept in
``test-screenshots/``; ``WRITE_DOC_IMAGES=1`` also writes docs/images/."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import test_jupyter_browser as in_browser
from .conftest import make_bucket, s3_client
from .faultproxy import FaultProxy
from .jupyterserver import TOKEN, JupyterServer, wait_until
from .test_jupyter import notebook, versions, workspace_server
from .test_jupyter_browser import chromium, open_notebook, type_and_save

browser, page = in_browser.browser, in_browser.page  # its fixtures: Chromium, one page per test

ROOT = Path(__file__).resolve().parent.parent
DOC_IMAGES = ROOT / "docs" / "images"
TIMEOUT_MS = 30_000


def test_the_prebuilt_lab_extension_is_installed_enabled_and_matches_its_sources() -> None:
    """The committed bundle is what the sources declare, and pip put it where Jupyter looks."""
    source = json.loads((ROOT / "labextension" / "package.json").read_text())
    built = json.loads((ROOT / "nbvc" / "labextension" / "package.json").read_text())
    assert built["name"] == source["name"] == "nbvc-history"
    assert built["version"] == source["version"]
    assert built["dependencies"] == source["dependencies"]
    load = built["jupyterlab"]["_build"]["load"]
    assert (ROOT / "nbvc" / "labextension" / load).is_file()
    statics = {p.name for p in (ROOT / "nbvc" / "labextension" / "static").iterdir()}
    assert Path(load).name in statics
    total = sum(p.stat().st_size for p in (ROOT / "nbvc" / "labextension" / "static").iterdir())
    assert total < 1_000_000, f"the production bundle grew to {total} bytes"
    # built from these sources (scripts/build-labextension.sh records them)
    sources = ROOT / "labextension"
    recorded = dict(reversed(line.split("  ", 1))
                    for line in (ROOT / "nbvc" / "labextension" / "sources.sha256").read_text().splitlines())
    current = ["package.json", "tsconfig.json", "yarn.lock",
               *sorted(f"src/{p.name}" for p in (sources / "src").glob("*.ts")),
               *sorted(f"style/{p.name}" for p in (sources / "style").iterdir())]
    rebuild = "run scripts/build-labextension.sh and commit nbvc/labextension/"
    assert sorted(recorded) == sorted(current), f"a source was added or removed: {rebuild}"
    for name in current:
        digest = hashlib.sha256((sources / name).read_bytes()).hexdigest()
        assert recorded[name] == digest, f"labextension/{name} changed since the build: {rebuild}"
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    listed = subprocess.run([jupyter, "labextension", "list"], capture_output=True, text=True, timeout=120)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)
    assert re.search(r"nbvc-history v0\.1\.0 enabled\s+OK \(python, nbvc\)", text), text
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "nbvc-history"
    assert json.loads((installed / "package.json").read_text()) == built
    assert {p.name for p in (installed / "static").iterdir()} == statics


class Outage:
    """The bucket behind tests/faultproxy.py, which resets every connection while ``down``."""

    def __init__(self, upstream_port: int) -> None:
        self.down = False
        self.proxy = FaultProxy(upstream_port, fault=lambda method, path: "reset" if self.down else None)
        self.url = self.proxy.url


@pytest.fixture
def lab(moto_server, tmp_path: Path) -> Iterator[tuple[JupyterServer, object, str, Outage]]:  # noqa: ANN001
    chromium()  # skip before starting anything when there is no browser
    client = s3_client(moto_server.url)
    bucket = make_bucket(client)
    outage = Outage(moto_server.port)
    with outage.proxy:
        jupyter = workspace_server(tmp_path, bucket, outage.url, app="lab")
        jupyter.start()
        yield jupyter, client, bucket, outage
        jupyter.stop()


def doc_screenshot(tab, name: str) -> None:  # noqa: ANN001
    if os.environ.get("WRITE_DOC_IMAGES"):
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(DOC_IMAGES / name))


def history_rows(tab):  # noqa: ANN001, ANN201
    return tab.locator("#nbvc-history .nbvc-HistoryPanel-row")


def panel_button(tab, name: str):  # noqa: ANN001, ANN201
    return tab.locator("#nbvc-history").get_by_role("button", name=name, exact=True)


def test_history_panel_lists_diffs_restores_and_publishes(lab, page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    jupyter, client, bucket, _outage = lab
    key = "workspace/kylek/h.ipynb"
    jupyter.save("h.ipynb", notebook("x = 1", "kept = True"))
    open_notebook(page, jupyter, "h.ipynb")
    for n, text in enumerate([" + 10", " + 200"], start=2):
        type_and_save(page, text)
        wait_until(lambda n=n: len(versions(client, bucket, key)) == n, what=f"version {n} in the bucket")
    log = jupyter.api("GET", "/api/nbvc/log/h.ipynb").json()
    assert log["total"] == 3
    shorts = [v["short"] for v in log["versions"]]  # newest first

    # the notebook toolbar's "History" button opens the panel: three rows, newest first
    page.locator(".jp-NotebookPanel-toolbar").get_by_role("button", name="History").click()
    rows = history_rows(page)
    expect(rows).to_have_count(3, timeout=TIMEOUT_MS)
    expect(page.locator("#nbvc-history .nbvc-HistoryPanel-short")).to_have_text(shorts)
    expect(rows.first.locator(".nbvc-HistoryPanel-author")).to_have_text("kylek")
    expect(page.locator("#nbvc-history .nbvc-HistoryPanel-state")).to_have_text(["pushed"] * 3)

    # preview the oldest: read-only, its source shown
    rows.nth(2).click()
    panel_button(page, "Preview").click()
    view = page.locator(".nbvc-VersionView")
    expect(view.locator(".nbvc-VersionView-source")).to_have_text(["x = 1", "kept = True"],
                                                                   timeout=TIMEOUT_MS)
    expect(view.locator(".nbvc-VersionView-header")).to_contain_text(f"h.ipynb @ {shorts[2]}")

    # the oldest against the notebook as saved, in nbdime's own diff widget
    panel_button(page, "Diff with current").click()
    diff = page.locator(".nbvc-DiffView").last
    expect(diff.locator(".jp-Cell-diff").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(diff.locator(".nbvc-DiffView-header")).to_contain_text(f"{shorts[2]} → current")
    expect(diff).to_contain_text("x = 1 + 10 + 200")
    unchanged = diff.locator(".jp-Cell-diff.jp-Diff-unchanged")  # the second cell
    expect(unchanged).to_have_count(1)
    expect(unchanged).to_be_hidden()  # "Hide unchanged cells" is on by default
    doc_screenshot(page, "history-diff.png")
    diff.get_by_label("Hide unchanged cells").uncheck()
    expect(unchanged).to_be_visible()
    expect(unchanged).to_contain_text("kept = True")

    # the two ticked versions: the older is the base
    rows.nth(0).locator(".nbvc-HistoryPanel-tick").check()
    rows.nth(1).locator(".nbvc-HistoryPanel-tick").check()
    panel_button(page, "Diff selected two").click()
    diff = page.locator(".nbvc-DiffView").last
    expect(diff.locator(".nbvc-DiffView-header")).to_contain_text(f"{shorts[1]} → {shorts[0]}",
                                                                  timeout=TIMEOUT_MS)
    expect(diff.locator(".jp-Cell-diff").first).to_be_visible()

    # restore the oldest: the open notebook shows it, and a new version is on top
    page.get_by_role("tab", name=re.compile(r"^h\.ipynb")).first.click()
    rows.nth(2).click()
    panel_button(page, "Restore").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Restore").click()
    editor = page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first
    expect(editor).to_have_text("x = 1", timeout=TIMEOUT_MS)
    expect(rows).to_have_count(4, timeout=TIMEOUT_MS)
    assert jupyter.api("GET", "/api/nbvc/log/h.ipynb").json()["total"] == 4
    assert "".join(json.loads((jupyter.root / "h.ipynb").read_text())["cells"][0]["source"]) == "x = 1"

    # publish the newest once it is pushed: its VersionId and nbvc:// URL are shown
    wait_until(lambda: len(versions(client, bucket, key)) == 4, what="the restore in the bucket")
    panel_button(page, "Refresh").click()
    expect(rows.first.locator(".nbvc-HistoryPanel-state")).to_have_text("pushed", timeout=TIMEOUT_MS)
    rows.first.click()
    panel_button(page, "Publish").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("nbvc://published/kylek/h.ipynb@", timeout=TIMEOUT_MS)
    published = versions(client, bucket, "published/kylek/h.ipynb")
    assert len(published) == 1
    expect(dialog).to_contain_text(f"nbvc://published/kylek/h.ipynb@{published[0]['VersionId']}")
    dialog.get_by_role("button", name="Close").click()
    expect(rows.first.locator(".nbvc-HistoryPanel-state")).to_have_text("published", timeout=TIMEOUT_MS)

    # name the oldest: the row shows the name, and the name is in the bucket
    rows.nth(3).click()
    panel_button(page, "Name…").click()
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("first-draft")
    dialog.get_by_role("button", name="OK").click()
    expect(rows.nth(3).locator(".nbvc-HistoryPanel-names")).to_have_text("first-draft",
                                                                        timeout=TIMEOUT_MS)
    names = [v["names"] for v in jupyter.api("GET", "/api/nbvc/log/h.ipynb").json()["versions"]]
    assert names[3] == ["first-draft"]
    assert client.list_objects_v2(Bucket=bucket, Prefix="nbvc-names/")["KeyCount"] == 1


def test_status_bar_follows_uploads_and_notifies_while_the_bucket_is_down(lab, page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    jupyter, client, bucket, outage = lab
    key = "workspace/kylek/s.ipynb"
    jupyter.save("s.ipynb", notebook("y = 1"))
    wait_until(lambda: versions(client, bucket, key), what="the first version")
    open_notebook(page, jupyter, "s.ipynb")
    status = page.locator(".nbvc-SyncStatus")
    expect(status).to_have_text("nbvc: all pushed", timeout=TIMEOUT_MS)

    outage.down = True  # the bucket becomes unreachable
    type_and_save(page, " + 2")
    expect(status).to_have_text("nbvc: failing", timeout=TIMEOUT_MS)
    toast = page.locator(".Toastify__toast").filter(has_text="uploads to the bucket are failing")
    expect(toast).to_be_in_viewport(ratio=1, timeout=TIMEOUT_MS)  # slid in
    doc_screenshot(page, "history-failing.png")
    toast.get_by_role("button", name="History").click()  # its action opens the History panel
    expect(page.locator("#nbvc-history .nbvc-HistoryPanel-state").first).to_have_text("pending",
                                                                                       timeout=TIMEOUT_MS)

    outage.down = False  # back: the pending save is uploaded, the alarm clears
    expect(status).to_have_text("nbvc: all pushed", timeout=TIMEOUT_MS)
    expect(toast).to_have_count(0, timeout=TIMEOUT_MS)
    wait_until(lambda: len(versions(client, bucket, key)) == 2, what="the pending save in the bucket")
    expect(page.locator("#nbvc-history .nbvc-HistoryPanel-state").first).to_have_text("pushed",
                                                                                       timeout=TIMEOUT_MS)


def test_status_bar_shows_a_conflict_until_it_is_resolved(lab, page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    jupyter, client, bucket, _outage = lab
    key = "workspace/kylek/c.ipynb"
    jupyter.save("c.ipynb", notebook("z = 1"))
    wait_until(lambda: versions(client, bucket, key), what="the first version")
    open_notebook(page, jupyter, "c.ipynb")
    status = page.locator(".nbvc-SyncStatus")
    expect(status).to_have_text("nbvc: all pushed", timeout=TIMEOUT_MS)

    # another machine (or the console) saves the key: this workspace's next save conflicts
    client.put_object(Bucket=bucket, Key=key, Body=json.dumps(notebook("z = 'theirs'")).encode())
    type_and_save(page, " + 2")
    expect(status).to_have_text("nbvc: conflict", timeout=TIMEOUT_MS)
    toast = page.locator(".Toastify__toast").filter(has_text="upload conflict on c.ipynb")
    expect(toast).to_be_visible(timeout=TIMEOUT_MS)
    expect(toast.get_by_role("button", name="History")).to_be_visible()
    toast.get_by_role("button", name="History").click()  # the panel: the waiting save says so
    expect(history_rows(page).first.locator(".nbvc-HistoryPanel-state")).to_have_text(
        "conflict", timeout=TIMEOUT_MS)

    answer = jupyter.api("POST", "/api/nbvc/resolve/c.ipynb", json={"keep": "mine"})
    assert answer.status_code == 200, answer.text
    expect(status).to_have_text("nbvc: all pushed", timeout=TIMEOUT_MS)
    expect(toast).to_have_count(0, timeout=TIMEOUT_MS)
    expect(history_rows(page).first.locator(".nbvc-HistoryPanel-state")).to_have_text(
        "pushed", timeout=TIMEOUT_MS)


def test_notebook_7_has_the_history_panel_too(moto_server, tmp_path: Path, page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    chromium()
    client = s3_client(moto_server.url)
    bucket = make_bucket(client)
    jupyter = workspace_server(tmp_path, bucket, moto_server.url, app="notebook")
    jupyter.start()
    try:
        (jupyter.root / "sub dir").mkdir()  # a folder, and a name the routes must encode
        for n in (1, 2):
            assert jupyter.save("sub dir/n 1.ipynb", notebook(f"n = {n}")).ok
        page.goto(f"{jupyter.url}/notebooks/sub%20dir/n%201.ipynb?token={TOKEN}")
        page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first.wait_for(timeout=60_000)
        no_kernel = page.get_by_role("dialog").get_by_role("button", name="No Kernel")
        no_kernel.wait_for(timeout=30_000)
        no_kernel.click()
        page.locator(".jp-NotebookPanel-toolbar").get_by_role("button", name="History").click()
        rows = history_rows(page)
        expect(rows).to_have_count(2, timeout=TIMEOUT_MS)
        log = jupyter.api("GET", "/api/nbvc/log/sub%20dir/n%201.ipynb").json()
        expect(page.locator("#nbvc-history .nbvc-HistoryPanel-short")).to_have_text(
            [v["short"] for v in log["versions"]])
        expect(page.locator("#nbvc-history .nbvc-HistoryPanel-header")).to_have_text(
            "History of sub dir/n 1.ipynb")
        rows.last.click()
        page.locator("#nbvc-history").get_by_role("button", name="Diff with current").click()
        expect(page.locator(".nbvc-DiffView .jp-Cell-diff").first).to_be_visible(timeout=TIMEOUT_MS)
    finally:
        jupyter.stop()


def png_output() -> dict:
    import base64
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    pixel = zlib.compress(b"\x00\xff\x00\x00")  # one red pixel, filter byte first
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00")
           + chunk(b"IDAT", pixel) + chunk(b"IEND", b""))
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"}}


def test_history_pages_by_50_previews_outputs_and_copies_version_ids(lab, page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    jupyter, client, bucket, _outage = lab
    for n in range(52):
        nb = notebook(f"p = {n}")
        # the markdown cell second: open_notebook waits for the first cell's editor
        nb["cells"].append({"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Title"})
        nb["cells"][0]["outputs"] = [
            {"output_type": "stream", "name": "stdout", "text": f"hello {n}\n"}, png_output()]
        jupyter.save("paged.ipynb", nb)
    wait_until(lambda: jupyter.api("GET", "/api/nbvc").json()["pending"] == 0, timeout=60,
               what="every version in the bucket")
    log = jupyter.api("GET", "/api/nbvc/log/paged.ipynb?limit=1").json()
    assert log["total"] == 52
    open_notebook(page, jupyter, "paged.ipynb")

    # the command palette's "History"
    page.keyboard.press("Control+Shift+c")
    page.locator(".lm-CommandPalette-input").fill("History")
    page.locator(".lm-CommandPalette-item").filter(has_text=re.compile(r"^History")).first.click()
    rows = history_rows(page)
    expect(rows).to_have_count(50, timeout=TIMEOUT_MS)
    more = panel_button(page, "Load more (50 of 52)")
    more.click()
    expect(rows).to_have_count(52, timeout=TIMEOUT_MS)
    expect(more).to_be_hidden()
    expect(rows.last.locator(".nbvc-HistoryPanel-state")).to_have_text("pushed")

    rows.last.dblclick()  # the oldest, previewed: markdown rendered, stream text, the image
    view = page.locator(".nbvc-VersionView")
    expect(view.get_by_role("heading", name="Title")).to_be_visible(timeout=TIMEOUT_MS)
    expect(view.locator(".nbvc-VersionView-source")).to_have_text("p = 0")
    expect(view.locator(".nbvc-VersionView-stream")).to_have_text("hello 0\n")
    expect(view.locator("img")).to_be_visible()

    # the oldest against the newest: their outputs differ; the Outputs switch hides them
    rows.nth(0).locator(".nbvc-HistoryPanel-tick").check()
    rows.last.locator(".nbvc-HistoryPanel-tick").check()
    panel_button(page, "Diff selected two").click()
    diff = page.locator(".nbvc-DiffView").last
    outputs = diff.locator(".jp-Cellrow-outputs")
    expect(outputs.first).to_be_visible(timeout=TIMEOUT_MS)
    diff.get_by_label("Outputs").uncheck()
    expect(outputs.first).to_be_hidden()
    diff.get_by_label("Outputs").check()
    expect(outputs.first).to_be_visible()

    rows.first.click()
    panel_button(page, "Copy VersionId").click()
    newest = log["versions"][0]["version_id"]
    expect(page.get_by_text(f"nbvc: copied VersionId {newest}")).to_be_visible(timeout=TIMEOUT_MS)
