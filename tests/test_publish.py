"""publish, unpublish, published, show, diff, restore, url and version refs,
on the embedded local store and on the real moto server over HTTP."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from nbvc import metadata
from nbvc.core import publish as pub
from nbvc.core import sync
from nbvc.core.refs import AmbiguousRef, UnknownRef, resolve_ref
from nbvc.core.versions import diff_sides, restore, show
from nbvc.core.workspace import Workspace
from nbvc.errors import NbvcError, NotFound, UsageError

from .conftest import STORES, run_nbvc, workspace_on, write_notebook


@pytest.fixture(params=STORES)
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    return workspace_on(request, tmp_path)


def three_versions(ws: Workspace, name: str = "nb.ipynb") -> Path:
    nb = ws.root / name
    for source in ("one", "two", "three"):
        write_notebook(nb, source)
        sync.push(ws)
    return nb


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_publish_of_an_old_version_copies_exactly_its_bytes(ws: Workspace) -> None:
    nb = three_versions(ws)
    oldest = ws.log(str(nb))[-1]
    result = pub.publish(ws, str(nb), oldest["version_id"])
    assert result["status"] == "published"
    assert result["published_key"] == "published/kylek/nb.ipynb"
    data = ws.store.get(result["published_key"], result["published_version_id"])
    assert sha(data) == oldest["sha256"]
    assert result["source_version_id"] == oldest["version_id"]


def test_published_metadata_names_the_source(ws: Workspace) -> None:
    nb = three_versions(ws)
    result = pub.publish(ws, str(nb))
    meta = sync.read_metadata(ws.store.head(result["published_key"]).metadata)
    assert meta["source-key"] == "workspace/kylek/nb.ipynb"
    assert meta["source-version-id"] == result["source_version_id"]
    assert meta["sha256"] == result["sha256"]


def test_publishing_the_same_content_twice_makes_no_new_version(ws: Workspace) -> None:
    nb = three_versions(ws)
    first = pub.publish(ws, str(nb))
    second = pub.publish(ws, str(nb))
    assert second["status"] == "unchanged"
    assert second["published_version_id"] == first["published_version_id"]
    assert len(list(ws.store.list_versions("published/"))) == 1


def test_publishing_an_unpushed_version_pushes_it_first(ws: Workspace) -> None:
    nb = write_notebook(ws.root / "fresh.ipynb", "new")
    ws.save([str(nb)])
    result = pub.publish(ws, str(nb))
    assert ws.index.last_save("fresh.ipynb")["version_id"] == result["source_version_id"]


def test_unpublish_hides_it_from_published_and_keeps_history(ws: Workspace) -> None:
    nb = three_versions(ws)
    pub.publish(ws, str(nb))
    assert [p["published_key"] for p in pub.published(ws)] == ["published/kylek/nb.ipynb"]
    pub.unpublish(ws, str(nb))
    assert pub.published(ws) == []
    assert any(v.is_delete_marker for v in ws.store.list_versions("published/"))
    with pytest.raises(NotFound):
        pub.unpublish(ws, str(nb))


def test_published_lists_version_source_sha_and_who(ws: Workspace) -> None:
    nb = three_versions(ws)
    result = pub.publish(ws, str(nb), "~1")
    [row] = pub.published(ws)
    assert row["published_version_id"] == result["published_version_id"]
    assert row["source_version_id"] == result["source_version_id"]
    assert (row["sha256"], row["published_by"]) == (result["sha256"], "kylek")


def test_refs_resolve_version_id_hash_prefix_latest_and_back(ws: Workspace) -> None:
    nb = three_versions(ws)
    history = ws.log(str(nb))
    assert resolve_ref(ws, "nb.ipynb", "latest")["uid"] == history[0]["uid"]
    assert resolve_ref(ws, "nb.ipynb", "~2")["uid"] == history[2]["uid"]
    assert resolve_ref(ws, "nb.ipynb", "latest~2")["uid"] == history[2]["uid"]
    assert resolve_ref(ws, "nb.ipynb", "latest~0")["uid"] == history[0]["uid"]
    assert resolve_ref(ws, "nb.ipynb", history[1]["version_id"])["uid"] == history[1]["uid"]
    assert resolve_ref(ws, "nb.ipynb", history[1]["sha256"][:7])["uid"] == history[1]["uid"]


@pytest.mark.parametrize("ref", ["~3", "deadbeefcafe", "no-such-version", "abc"])
def test_unknown_refs_fail_and_list_candidates(ws: Workspace, ref: str) -> None:
    three_versions(ws)
    with pytest.raises(UnknownRef) as caught:
        resolve_ref(ws, "nb.ipynb", ref)
    assert caught.value.hint or "goes back past" in caught.value.message


def test_a_ref_the_shell_expanded_says_so(ws: Workspace) -> None:
    three_versions(ws)
    answer = run_nbvc("show", "nb.ipynb", "--version", str(ws.root), cwd=ws.root)  # what `~0` becomes
    assert answer.returncode == 2 and "the shell expanded" in answer.stderr and "latest~N" in answer.stderr


def test_a_version_of_another_notebook_is_named_as_such(ws: Workspace) -> None:
    three_versions(ws)
    other = three_versions(ws, "other.ipynb")
    foreign = ws.log(str(other))[0]["version_id"]
    with pytest.raises(UnknownRef, match="is a version of other.ipynb"):
        resolve_ref(ws, "nb.ipynb", foreign)


def test_an_ambiguous_hash_prefix_lists_the_candidates(ws: Workspace, monkeypatch) -> None:
    three_versions(ws)
    ws.index.conn.execute("UPDATE saves SET sha256='abcdef1' || substr(sha256, 8)")
    with pytest.raises(AmbiguousRef, match="matches 3 versions"):
        resolve_ref(ws, "nb.ipynb", "abcdef1")


def test_show_returns_the_exact_bytes_of_a_version(ws: Workspace) -> None:
    nb = three_versions(ws)
    row, data = show(ws, str(nb), "~2")
    assert sha(data) == row["sha256"] and b"one" in data


def test_show_downloads_a_version_missing_locally(ws: Workspace) -> None:
    nb = three_versions(ws)
    row = ws.log(str(nb))[1]
    ws.objects.path(row["sha256"]).unlink()
    _, data = show(ws, str(nb), "~1")
    assert sha(data) == row["sha256"]


def test_restore_saves_the_current_file_first_and_records_a_new_save(ws: Workspace) -> None:
    nb = three_versions(ws)
    write_notebook(nb, "unsaved work")
    result = restore(ws, str(nb), "~2")
    assert b"one" in nb.read_bytes()
    history = ws.log(str(nb))
    assert history[0]["message"].startswith("restored")
    assert any(b"unsaved work" in ws.version_bytes(r) for r in history)
    assert result["saved_first"]


def test_restore_keeps_even_an_invalid_working_file(ws: Workspace) -> None:
    nb = three_versions(ws)
    nb.write_text("{broken json")
    restore(ws, str(nb), "~1")
    assert any(ws.version_bytes(r) == b"{broken json" for r in ws.log(str(nb)))


def test_diff_defaults_to_newest_version_against_the_working_file(ws: Workspace) -> None:
    nb = three_versions(ws)
    write_notebook(nb, "three", "added cell")
    a, b = diff_sides(ws, str(nb))
    assert b"added cell" in b.data and b"added cell" not in a.data


def test_diff_json_reports_added_and_changed_cells(ws: Workspace) -> None:
    from nbvc.integrations.nbdime import diff_json

    nb = three_versions(ws)
    write_notebook(nb, "three changed", "added")
    entries = diff_json(*diff_sides(ws, str(nb)))
    cells = next(e for e in entries if e["key"] == "cells")
    ops = sorted(d["op"] for d in cells["diff"])
    assert "addrange" in ops or "patch" in ops


def test_diff_cli_shows_cell_changes_and_passes_nbdime_flags(ws: Workspace) -> None:
    three_versions(ws)
    result = run_nbvc("diff", "nb.ipynb", "~2", "latest", "-s", cwd=ws.root, check=True)
    assert "one" in result.stdout and "three" in result.stdout
    assert "\x1b[" not in result.stdout  # no colours when piped


@pytest.mark.parametrize("broken", [b'{"cells": [', b"\xff\xfe", b'{"nbformat": 4}'])
@pytest.mark.parametrize("form", [[], ["--json"]])
def test_diff_with_a_working_file_that_is_no_notebook_is_a_one_line_error(
        ws: Workspace, broken: bytes, form: list[str]) -> None:
    nb = three_versions(ws)
    nb.write_bytes(broken)
    refused = run_nbvc("diff", "nb.ipynb", *form, cwd=ws.root)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith("error: nb.ipynb (working file)") and "Traceback" not in refused.stderr


def test_diff_web_serves_nbdimes_page_on_loopback(tmp_path: Path) -> None:
    """``nbvc diff --web`` imports what nbdime's server needs (idna among them) and
    serves the diff on 127.0.0.1 until stopped. BROWSER=true: no browser is opened."""
    import os
    import re
    import subprocess
    import sys

    ws = Workspace.init(tmp_path, {"user": "kylek"})[0]
    three_versions(ws)
    process = subprocess.Popen([sys.executable, "-m", "nbvc", "diff", "--web", "nb.ipynb", "~1"],
                               cwd=ws.root, env={**os.environ, "BROWSER": "true"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        for line in process.stdout:  # type: ignore[union-attr]
            if found := re.search(r"URL: (http://127\.0\.0\.1:\d+/\S+)", line):
                url = found.group(1)
                break
        assert url, "nbdime's server never said where it listens"
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200 and b"nbdime" in page.read().lower()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_presigned_url_fetches_exactly_that_version(ws: Workspace) -> None:
    nb = three_versions(ws)
    if not str(ws.settings.remote).startswith("s3://"):
        with pytest.raises(UsageError, match="need an S3 remote"):
            pub.presigned_url(ws, str(nb))
        return
    old = ws.log(str(nb))[2]
    result = pub.presigned_url(ws, str(nb), "~2", expires=60)
    with urllib.request.urlopen(result["url"], timeout=10) as answer:
        assert sha(answer.read()) == old["sha256"]
    pub.publish(ws, str(nb), "~1")
    published_url = pub.presigned_url(ws, str(nb), published_copy=True)["url"]
    with urllib.request.urlopen(published_url, timeout=10) as answer:
        assert sha(answer.read()) == ws.log(str(nb))[1]["sha256"]


@pytest.mark.parametrize("expires", [0, 7 * 24 * 3600 + 1])
def test_presigned_url_expiry_is_bounded(ws: Workspace, expires: int) -> None:
    nb = three_versions(ws)
    with pytest.raises(UsageError, match="--expires"):
        pub.presigned_url(ws, str(nb), expires=expires)


def test_publish_cli_prints_key_and_version_and_log_shows_it(ws: Workspace) -> None:
    three_versions(ws)
    result = json.loads(run_nbvc("publish", "nb.ipynb", "--json", cwd=ws.root, check=True).stdout)
    assert result["published_version_id"]
    log = json.loads(run_nbvc("log", "nb.ipynb", "--json", cwd=ws.root, check=True).stdout)
    assert log[0]["published"][0]["published_version_id"] == result["published_version_id"]
    text = run_nbvc("publish", "nb.ipynb", cwd=ws.root, check=True).stdout
    assert "already published" in text and result["published_version_id"] in text


def test_show_cli_writes_a_file(ws: Workspace) -> None:
    three_versions(ws)
    run_nbvc("show", "nb.ipynb", "--version", "~2", "-o", "old.ipynb", cwd=ws.root, check=True)
    assert b"one" in (ws.root / "old.ipynb").read_bytes()


def test_unknown_ref_on_the_cli_is_one_line_exit_3(ws: Workspace) -> None:
    three_versions(ws)
    result = run_nbvc("show", "nb.ipynb", "--version", "nope", cwd=ws.root)
    assert result.returncode == 3 and "no version matches" in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_are_nbvc_errors(ws: Workspace) -> None:
    with pytest.raises(NbvcError):
        pub.publish(ws, str(ws.root / "missing.ipynb"))


@pytest.fixture
def ws_of_zoe(request: pytest.FixtureRequest, tmp_path: Path, moto_server, bucket_url: str
              ) -> Workspace:
    """A workspace of a user whose name is not ASCII, on the real S3 server."""
    root = tmp_path / "wz"
    root.mkdir()
    return Workspace.init(root, {"user": "zoë", "remote": bucket_url,
                                 "endpoint_url": moto_server.url})[0]


def test_publish_of_a_non_ascii_user_and_path_round_trips(ws_of_zoe: Workspace) -> None:
    ws = ws_of_zoe
    nb = three_versions(ws, "résumé €.ipynb")
    result = pub.publish(ws, str(nb))
    assert result["published_key"] == "published/zoë/résumé €.ipynb"
    meta = sync.read_metadata(ws.store.head(result["published_key"]).metadata)
    assert meta["source-key"] == "workspace/zoë/résumé €.ipynb"
    assert meta["published-by"] == "zoë"
    [listed] = pub.published(ws)
    assert listed["published_by"] == "zoë" and listed["source_version_id"] == result["source_version_id"]
    [record] = ws.index.publishes_of("résumé €.ipynb")
    assert record["published_version_id"] == result["published_version_id"]


def test_a_long_non_ascii_message_is_shortened_to_fit_s3s_metadata_limit(
        ws_of_zoe: Workspace) -> None:
    ws = ws_of_zoe
    write_notebook(ws.root / "nb.ipynb", "x")
    ws.save([str(ws.root / "nb.ipynb")], message="日本語のメッセージ" * 60)
    assert sync.push(ws).ok
    meta = sync.read_metadata(ws.store.head(ws.key("nb.ipynb")).metadata)
    assert meta["message"].startswith("日本語のメッセージ") and meta["message"].endswith("…")
    assert sum(len(k) + len(v) for k, v in ws.store.head(ws.key("nb.ipynb")).metadata.items()) <= 2048


def test_metadata_of_nbvc_0_published_copies_is_read_as_written() -> None:
    """Published copies made before one codec carried raw values: a '%' in a key stays."""
    old = {"nbvc-sha256": "ab" * 32, "nbvc-source-key": "workspace/kylek/100%25 done.ipynb",
           "nbvc-published-by": "kylek"}
    assert sync.read_metadata(old)["source-key"] == "workspace/kylek/100%25 done.ipynb"
    new = metadata.encode({"source-key": "workspace/kylek/100%25 done.ipynb"})
    assert sync.read_metadata(new)["source-key"] == "workspace/kylek/100%25 done.ipynb"


def test_a_publish_stopped_after_its_copy_landed_is_recorded_when_run_again(ws: Workspace) -> None:
    nb = three_versions(ws)
    latest = ws.log(str(nb))[0]
    target = ws.published_key("nb.ipynb")
    copied = ws.store.copy(latest["key"], latest["version_id"], target, metadata=metadata.encode({
        "sha256": latest["sha256"], "source-key": latest["key"],
        "source-version-id": latest["version_id"], "published-by": "kylek"}))
    assert not ws.index.publishes_of("nb.ipynb")  # the copy landed, the record did not
    again = pub.publish(ws, str(nb))
    assert again["status"] == "unchanged" and again["published_version_id"] == copied.version_id
    [record] = ws.index.publishes_of("nb.ipynb")
    assert record["published_version_id"] == copied.version_id
    pub.publish(ws, str(nb))
    assert len(ws.index.publishes_of("nb.ipynb")) == 1
