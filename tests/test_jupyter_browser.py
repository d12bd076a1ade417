"""JupyterLab in a real browser (headless Chromium from Debian's package, driven by
Playwright): saves made by typing and Ctrl+S become versions, and the revert dialog
shows the newest version first, preselected. Screenshots of failures are kept in
``test-screenshots/``."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import make_bucket, s3_client
from .jupyterserver import TOKEN, JupyterServer, wait_until
from .test_jupyter import notebook, versions, workspace_server

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium); "
                    "the browser checks did not run")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    yield opened
    if getattr(request.node, "failed", False):
        SCREENSHOTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
    context.close()


@pytest.fixture
def lab(moto_server, tmp_path: Path) -> Iterator[tuple[JupyterServer, object, str]]:  # noqa: ANN001
    client = s3_client(moto_server.url)
    bucket = make_bucket(client)
    jupyter = workspace_server(tmp_path, bucket, moto_server.url, app="lab")
    jupyter.start()
    yield jupyter, client, bucket
    jupyter.stop()


def open_notebook(page, jupyter: JupyterServer, path: str) -> None:  # noqa: ANN001
    page.goto(f"{jupyter.url}/lab/tree/{path}?reset&token={TOKEN}")
    page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first.wait_for(timeout=60_000)
    no_kernel = page.get_by_role("dialog").get_by_role("button", name="No Kernel")  # it names none
    no_kernel.wait_for(timeout=30_000)
    no_kernel.click()
    no_news = page.get_by_role("button", name="No", exact=True)
    if no_news.count():
        no_news.first.click()


def type_and_save(page, text: str) -> None:  # noqa: ANN001
    editor = page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(text)
    page.keyboard.press("Control+s")


def test_saves_in_jupyterlab_are_versions_and_revert_offers_the_newest_first(lab, page) -> None:  # noqa: ANN001
    jupyter, client, bucket = lab
    key = "workspace/kylek/b.ipynb"
    jupyter.save("b.ipynb", notebook("x = 1"))
    wait_until(lambda: versions(client, bucket, key), what="the first version")
    open_notebook(page, jupyter, "b.ipynb")
    for n, text in enumerate([" + 10", " + 200", " + 3000"], start=2):
        type_and_save(page, text)
        wait_until(lambda n=n: len(versions(client, bucket, key)) == n, timeout=30,
                   what=f"version {n} in the bucket")
    assert "x = 1 + 10 + 200 + 3000" in (jupyter.root / "b.ipynb").read_text()
    listed = jupyter.api("GET", "/api/contents/b.ipynb/checkpoints").json()
    assert len(listed) == 4
    newest, oldest = listed[-1]["id"], listed[0]["id"]

    restored: list[str] = []
    page.on("request", lambda r: restored.append(r.url) if re.search(r"/checkpoints/[\w-]+", r.url)
            and r.method == "POST" else None)

    def choose_checkpoint() -> object:
        page.locator(".jp-NotebookPanel").first.click()
        page.get_by_role("menuitem", name="File", exact=True).click()
        page.get_by_text(re.compile(r"^Revert Notebook to Checkpoint")).click()
        dialog = page.locator(".jp-Dialog")
        dialog.get_by_text("Choose a checkpoint").wait_for()
        return dialog.locator("select")

    select = choose_checkpoint()
    options = select.locator("option").all_inner_texts()
    assert len(options) == 4 and options[0].startswith("0.")
    assert select.evaluate("s => s.selectedIndex") == 0  # the newest, preselected
    page.locator(".jp-Dialog").get_by_role("button", name="OK").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Revert").click()
    wait_until(lambda: restored, what="the revert request")
    assert f"/checkpoints/{newest}?" in restored[-1]

    select = choose_checkpoint()
    select.select_option(index=3)  # the oldest
    page.locator(".jp-Dialog").get_by_role("button", name="OK").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Revert").click()
    wait_until(lambda: len(restored) == 2, what="the second revert request")
    assert f"/checkpoints/{oldest}?" in restored[-1]
    editor = page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first
    wait_until(lambda: editor.inner_text().strip() == "x = 1", what="the oldest version on screen")
    log = jupyter.api("GET", "/api/nbvc/log/b.ipynb").json()
    assert log["total"] == 5  # the restore is a new version on top; nothing was lost
