"""Named versions (``nbvc tag``, ``nbvc tags``, ``nbvc tag --delete``): kept in the
bucket as one record per name, learned by fetch, a version ref everywhere; on the
embedded local store and on the real moto server over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nbvc
from nbvc.core.name_records import read_version
from nbvc.core.publish import published
from nbvc.core.refs import AmbiguousRef, UnknownRef, resolve_ref
from nbvc.digest import digest_bytes
from nbvc.errors import ConflictError, NotFound, UsageError
from nbvc.integrations.papermill import NbvcHandler

from .conftest import STORES, run_nbvc, workspace_on, write_notebook

Workspace = nbvc.Workspace


@pytest.fixture(params=STORES)
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    return workspace_on(request, tmp_path, Workspace)


@pytest.fixture
def other(ws: Workspace, tmp_path: Path) -> Workspace:
    """A second machine on the same bucket and prefix (the embedded store of the first
    workspace is a local store the second one names)."""
    s = ws.settings
    remote = s.remote or f"local://{ws.nbvc_dir / 'store'}"
    root = tmp_path / "other"
    root.mkdir()
    return Workspace.init(root, {"user": "kylek", "remote": remote,
                                 "endpoint_url": s.endpoint_url})[0]


def three_versions(ws: Workspace, name: str = "nb.ipynb") -> Path:
    nb = ws.root / name
    for source in ("one", "two", "three"):
        write_notebook(nb, source)
        ws.push()
    return nb


def test_tag_names_the_newest_version_and_tags_lists_it(ws: Workspace) -> None:
    nb = three_versions(ws)
    newest = ws.log(str(nb))[0]
    result = ws.tag(str(nb), "reviewed")
    assert result["status"] == "tagged"
    assert (result["version_id"], result["sha256"]) == (newest["version_id"], newest["sha256"])
    assert ws.tags() == [{
        "path": "nb.ipynb", "name": "reviewed", "short": newest["sha256"][:8],
        "sha256": newest["sha256"], "key": "workspace/kylek/nb.ipynb",
        "version_id": newest["version_id"], "tagged_at": result["tagged_at"], "tagged_by": "kylek"}]
    assert ws.tags(str(nb)) == ws.tags()
    assert ws.tag(str(nb), "reviewed")["status"] == "unchanged"


def test_the_record_lives_outside_the_workspace_and_published_prefixes(ws: Workspace) -> None:
    nb = three_versions(ws)
    oldest = ws.log(str(nb))[-1]
    ws.tag(str(nb), "v1.0", "latest~2")
    record_key = "nbvc-names/workspace/kylek/nb.ipynb/v1.0.json"
    body = json.loads(ws.store.get(record_key))
    assert set(body) == {"path", "name", "key", "version_id", "sha256", "tagged_at", "tagged_by"}
    assert (body["path"], body["name"], body["key"]) == ("nb.ipynb", "v1.0", "workspace/kylek/nb.ipynb")
    assert (body["version_id"], body["sha256"]) == (oldest["version_id"], oldest["sha256"])
    assert all(not v.key.startswith("nbvc-names") for v in ws.store.list_versions("workspace/"))
    ws.publish(str(nb), "v1.0")
    assert [p["source_version_id"] for p in published(ws)] == [oldest["version_id"]]
    report = ws.fetch()
    assert (report.listed, report.names) == (3, 1)


def test_a_second_machine_sees_names_after_fetch_moves_and_deletions_too(
        ws: Workspace, other: Workspace) -> None:
    nb = three_versions(ws)
    versions = ws.log(str(nb))
    ws.tag(str(nb), "v1", "latest~2")
    assert other.tags() == []
    report = other.fetch()
    assert report.names == 1
    [seen] = other.tags()
    assert (seen["name"], seen["version_id"]) == ("v1", versions[2]["version_id"])
    assert other.show(str(other.root / "nb.ipynb"), "v1") == ws.show(str(nb), versions[2]["version_id"])
    _fetched, [pulled] = other.pull([str(other.root / "nb.ipynb")], version="v1")
    assert pulled.version_id == versions[2]["version_id"], pulled
    assert digest_bytes((other.root / "nb.ipynb").read_bytes()).sha256 == versions[2]["sha256"]
    ws.tag(str(nb), "v1", "latest", force=True)
    other.fetch()
    assert [t["version_id"] for t in other.tags()] == [versions[0]["version_id"]]
    assert resolve_ref(other, "nb.ipynb", "v1")["version_id"] == versions[0]["version_id"]
    ws.untag(str(nb), "v1")
    other.fetch([str(other.root / "nb.ipynb")])  # a notebook's own names are fetched with it
    assert other.tags() == []
    with pytest.raises(UnknownRef):
        resolve_ref(other, "nb.ipynb", "v1")


def test_a_lost_index_rebuilt_by_doctor_repair_has_the_names_again(ws: Workspace) -> None:
    nb = three_versions(ws)
    ws.tag(str(nb), "keep", "latest~1")
    kept = ws.tags()
    ws.close()
    for path in ws.nbvc_dir.glob("index.db*"):
        path.unlink()
    rebuilt = Workspace(ws.root)
    checks = {c.name: c.status for c in rebuilt.doctor(repair=True)}
    assert checks["fetch"] == "ok", checks
    assert rebuilt.tags() == kept


def test_a_name_is_a_ref_for_show_restore_publish_and_diff(ws: Workspace) -> None:
    nb = three_versions(ws)
    oldest = ws.log(str(nb))[-1]
    ws.tag(str(nb), "first", "latest~2")
    assert digest_bytes(ws.show(str(nb), "first")).sha256 == oldest["sha256"]
    copied = ws.publish(str(nb), "first")
    assert copied["source_version_id"] == oldest["version_id"]
    from nbvc.core.versions import diff_sides

    a, _b = diff_sides(ws, str(nb), "first", "latest")
    assert (a.label, a.data) == (f"nb.ipynb@{oldest['sha256'][:8]}", ws.show(str(nb), "first"))
    ws.restore(str(nb), "first")
    assert digest_bytes(nb.read_bytes()).sha256 == oldest["sha256"]
    assert resolve_ref(ws, "nb.ipynb", "first")["version_id"] == oldest["version_id"]


def test_a_name_on_an_unpushed_version_pushes_it_first(ws: Workspace) -> None:
    nb = write_notebook(ws.root / "fresh.ipynb", "new")
    ws.save([str(nb)])
    assert ws.log(str(nb))[0]["version_id"] is None
    result = ws.tag(str(nb), "draft")
    pushed = ws.log(str(nb))[0]
    assert pushed["version_id"] is not None and result["version_id"] == pushed["version_id"]
    assert ws.store.get(pushed["key"], pushed["version_id"]) == nb.read_bytes()


def test_moving_a_name_needs_force(ws: Workspace) -> None:
    nb = three_versions(ws)
    versions = ws.log(str(nb))
    ws.tag(str(nb), "stable", "latest~1")
    with pytest.raises(UsageError, match="names version") as refused:
        ws.tag(str(nb), "stable")
    assert "--force" in (refused.value.hint or "")
    assert ws.tags()[0]["version_id"] == versions[1]["version_id"]
    moved = ws.tag(str(nb), "stable", force=True)
    assert (moved["status"], moved["previous_version_id"]) == ("moved", versions[1]["version_id"])
    assert ws.tags()[0]["version_id"] == versions[0]["version_id"]
    assert len(list(ws.store.list_versions("nbvc-names/"))) == 2  # the name's history stays


def test_a_name_moved_elsewhere_meanwhile_is_a_conflict_not_an_overwrite(
        ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = three_versions(ws)
    ws.tag(str(nb), "stable", "latest~1")
    real_put = ws.store.put

    def another_machine_first(key: str, body: bytes, **kwargs: object):  # noqa: ANN202
        real_put(key, b'{"version_id": "x"}', sha256=digest_bytes(b'{"version_id": "x"}').sha256)
        return real_put(key, body, **kwargs)

    monkeypatch.setattr(ws.store, "put", another_machine_first)
    with pytest.raises(ConflictError, match="changed in the bucket meanwhile"):
        ws.tag(str(nb), "stable", force=True)


def test_untag_hides_the_record_and_an_unknown_name_is_not_found(ws: Workspace) -> None:
    nb = three_versions(ws)
    ws.tag(str(nb), "v1")
    result = ws.untag(str(nb), "v1")
    assert result["status"] == "deleted" and result["delete_marker"]
    listed = list(ws.store.list_versions("nbvc-names/"))
    assert [v.is_delete_marker for v in listed] == [True, False]
    assert ws.tags() == []
    with pytest.raises(NotFound):
        ws.untag(str(nb), "v1")


def test_a_name_and_a_hash_prefix_that_disagree_are_ambiguous(ws: Workspace) -> None:
    nb = three_versions(ws)
    newest, _, oldest = ws.log(str(nb))
    prefix = oldest["sha256"][:9]
    # written by another tool: nbvc refuses such a name itself
    body = json.dumps({"version_id": newest["version_id"], "sha256": newest["sha256"],
                       "key": newest["key"]}).encode()
    ws.store.put(f"nbvc-names/{newest['key']}/{prefix}.json", body,
                 sha256=digest_bytes(body).sha256)
    ws.fetch()
    with pytest.raises(AmbiguousRef, match="both a name"):
        resolve_ref(ws, "nb.ipynb", prefix)
    with pytest.raises(UsageError, match="hash prefix"):
        ws.tag(str(nb), prefix)


def test_a_name_of_another_notebook_says_so(ws: Workspace) -> None:
    three_versions(ws, "a.ipynb")
    three_versions(ws, "b.ipynb")
    ws.tag(str(ws.root / "a.ipynb"), "only-a")
    with pytest.raises(UnknownRef, match="name of a version of a.ipynb"):
        resolve_ref(ws, "b.ipynb", "only-a")


def test_nbvc_urls_take_a_name(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = three_versions(ws)
    oldest = ws.log(str(nb))[-1]
    ws.tag(str(nb), "first", oldest["version_id"])
    assert read_version(ws.store, oldest["key"], "first") == (
        oldest["version_id"], ws.show(str(nb), oldest["version_id"]))
    assert read_version(ws.store, oldest["key"], oldest["version_id"])[0] == oldest["version_id"]
    with pytest.raises(NotFound):
        read_version(ws.store, oldest["key"], "no-such-name")
    monkeypatch.chdir(ws.root)
    text = NbvcHandler.read(f"nbvc://{oldest['key']}@first")
    assert digest_bytes(text.encode()).sha256 == oldest["sha256"]


# -- the command line ------------------------------------------------------------------


def test_tag_tags_and_delete_on_the_command_line(ws: Workspace) -> None:
    nb = three_versions(ws)
    oldest = ws.log(str(nb))[-1]
    done = run_nbvc("tag", "nb.ipynb", "v1", "--version", "latest~2", cwd=ws.root, check=True)
    assert done.stdout.startswith(f"tagged nb.ipynb {oldest['sha256'][:8]} as v1")
    listed = json.loads(run_nbvc("tags", "--json", cwd=ws.root, check=True).stdout)
    assert [(t["path"], t["name"], t["version_id"]) for t in listed] == [
        ("nb.ipynb", "v1", oldest["version_id"])]
    table = run_nbvc("tags", "nb.ipynb", cwd=ws.root, check=True).stdout.splitlines()
    assert table[0].split()[:3] == ["path", "name", "version"]
    assert table[1].split()[:4] == ["nb.ipynb", "v1", oldest["sha256"][:8], oldest["version_id"]]
    refused = run_nbvc("tag", "nb.ipynb", "v1", cwd=ws.root)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert run_nbvc("tag", "nb.ipynb", "v1", "--force", cwd=ws.root).returncode == 0
    assert run_nbvc("tag", "--delete", "nb.ipynb", "v1", cwd=ws.root).returncode == 0
    again = run_nbvc("tag", "--delete", "nb.ipynb", "v1", cwd=ws.root)
    assert again.returncode == 3 and again.stderr.startswith("error: nb.ipynb: no version is named")
    assert run_nbvc("tags", cwd=ws.root, check=True).stdout == "no names\n"


BAD_NAMES = ["latest", "null", "deadbeef", "20261201", "a/b", "x" * 101, ".hidden", "-dash",
             "~1", "sp ace", ""]


def test_bad_names_exit_2_with_one_line(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    run_nbvc("init", cwd=root, check=True)
    write_notebook(root / "nb.ipynb", "one")
    run_nbvc("push", cwd=root, check=True)
    for name in BAD_NAMES:
        result = run_nbvc("tag", "nb.ipynb", "--", name, cwd=root)
        assert result.returncode == 2, (name, result.stderr)
        error, *rest = result.stderr.splitlines()
        assert error.startswith(f"error: bad name {name!r}: "), error
        assert [line.split(":")[0] for line in rest] == ["hint"]
    assert json.loads(run_nbvc("tags", "--json", cwd=root, check=True).stdout) == []
    assert run_nbvc("tag", "nb.ipynb", "2026-12-01_v1.0", cwd=root).returncode == 0


def test_log_shows_names_in_the_table_and_the_json(ws: Workspace) -> None:
    nb = three_versions(ws)
    newest, middle, _ = ws.log(str(nb))
    ws.tag(str(nb), "b-name", "latest~1")
    ws.tag(str(nb), "a-name", "latest~1")
    table = run_nbvc("log", "nb.ipynb", cwd=ws.root, check=True).stdout.splitlines()
    assert table[2].endswith(f"{middle['version_id']} [a-name, b-name]")
    assert table[1].endswith(newest["version_id"])
    everything = run_nbvc("log", cwd=ws.root, check=True).stdout
    assert "[a-name, b-name]" in everything
    for args in (("log", "nb.ipynb", "--json"), ("log", "--json"), ("log", "-n", "3", "--json")):
        records = json.loads(run_nbvc(*args, cwd=ws.root, check=True).stdout)
        assert [r["names"] for r in records] == [[], ["a-name", "b-name"], []], args
    shown = run_nbvc("show", "nb.ipynb", "-v", "a-name", cwd=ws.root, check=True).stdout
    assert digest_bytes(shown.encode()).sha256 == middle["sha256"]
