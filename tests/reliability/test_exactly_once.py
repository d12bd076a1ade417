"""Exactly once, whatever runs at once: ``nbvc save``, ``nbvc push``, ``nbvc pull``
and the Jupyter integration's hook and uploader, started together in one workspace,
make one saves row per content change and one object version per saves row, and
lose no save."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from nbvc.core import sync
from nbvc.core.workspace import Workspace
from nbvc.integrations.jupyter.archive import Archive

from ..conftest import write_notebook
from ..jupyterserver import wait_until
from .helpers import fresh_workspace

NOTEBOOKS = 200
ROUNDS = 3
ROOT = Path(__file__).resolve().parents[2]

#: the real command line in a process that starts, says "ready" once nbvc's modules
#: are imported, and runs the command when it reads a line: processes started one
#: after another then begin their work at the same moment
CLI_ON_CUE = (
    "import sys\n"
    "from nbvc.core import sync  # noqa: F401 - imported before the cue\n"
    "from nbvc.cli import commands  # noqa: F401\n"
    "from nbvc.launcher import main\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    "sys.argv = ['nbvc', *sys.argv[1:]]\n"
    "main()\n"
)

#: what a push or pull that met another one holding the workspace's sync lock says
#: (it refuses cleanly and changes nothing; what it would have sent stays pending)
LOCK_REFUSAL = "another nbvc push or pull is running here"


def edit_all(ws: Workspace, label: str) -> None:
    for i in range(NOTEBOOKS):
        write_notebook(ws.root / "nb" / f"n{i:03}.ipynb", f"x = {i}  # {label}")


def run_at_once(ws: Workspace, commands: list[list[str]],
                alongside: object = None) -> list[subprocess.CompletedProcess[str]]:
    """Start each nbvc command in its own process, cue them all at once (and run
    ``alongside()`` here meanwhile), wait for every one to finish."""
    processes = [subprocess.Popen([sys.executable, "-c", CLI_ON_CUE, *args], cwd=ws.root,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for args in commands]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    if callable(alongside):
        alongside()
    done = []
    for args, process in zip(commands, processes, strict=True):
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(args, process.returncode, out, err))
    return done


def assert_ran_or_refused(results: list[subprocess.CompletedProcess[str]],
                          counts: Counter[str]) -> None:
    """Each command succeeded, or (push, pull) met another holding the sync lock."""
    for result in results:
        refused = result.returncode == 6 and LOCK_REFUSAL in result.stderr
        assert result.returncode == 0 or refused, (result.args, result.returncode, result.stderr)
        counts[f"exactly once: {result.args[0]} {'refused (lock held)' if refused else 'ran'}"] += 1


def assert_exactly_once(ws: Workspace, content_changes: int) -> dict[str, int]:
    """One saves row per content change, one object version per saves row, every
    save pushed (none lost), and the bucket's latest of each notebook is its file."""
    final = Workspace(ws.root)
    try:
        rows = final.index.rows("SELECT * FROM saves WHERE kind='save'")
        versions = [v for v in final.store.list_versions(final.settings.workspace_prefix + "/")
                    if not v.is_delete_marker]
        per_path = Counter(r["path"] for r in rows)
        doubled = {(r["path"], r["sha256"]) for r in rows if sum(
            1 for o in rows if (o["path"], o["sha256"]) == (r["path"], r["sha256"])) > 1}
        figures = {"saves": len(rows), "versions": len(versions),
                   "content changes": content_changes, "doubled": len(doubled)}
        assert not doubled, f"{len(doubled)} content changes recorded more than once: {figures}"
        assert len(rows) == content_changes, figures
        assert len(versions) == len(rows), figures
        assert all(r["version_id"] for r in rows), "a save never reached the bucket"
        assert {(r["key"], r["version_id"]) for r in rows} == {(v.key, v.version_id) for v in versions}
        assert set(per_path.values()) == {content_changes // NOTEBOOKS}
        for version in versions:
            if version.is_latest:  # the newest version of each notebook is what its file holds
                rel = version.key.removeprefix(final.settings.workspace_prefix + "/")
                row = final.index.one("SELECT sha256 FROM saves WHERE key=? AND version_id=?",
                                      [version.key, version.version_id])
                assert row is not None and final.objects.read(row["sha256"]) == \
                    (final.root / rel).read_bytes(), rel
        assert final.index.integrity_ok()
        return figures
    finally:
        final.close()


def test_save_and_push_at_once_record_and_send_each_change_once(tmp_path: Path, moto_server,
                                                                 figures) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    for n in range(ROUNDS):
        edit_all(ws, f"round {n}")
        assert_ran_or_refused(run_at_once(ws, [["save"], ["push"]]), figures)
    assert sync.push(Workspace(ws.root)).ok  # what the round's push did not see goes now
    measured = assert_exactly_once(ws, NOTEBOOKS * ROUNDS)
    figures["exactly once: save + push, saves"] += measured["saves"]
    figures["exactly once: save + push, versions"] += measured["versions"]


def test_pushes_pulls_and_a_save_at_once_record_and_send_each_change_once(
        tmp_path: Path, moto_server, figures) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    for n in range(ROUNDS):
        edit_all(ws, f"round {n}")
        results = run_at_once(ws, [["push"], ["save"], ["push"], ["pull"], ["push", "--no-save"]])
        assert_ran_or_refused(results, figures)
        edit_all(ws, f"round {n}, pull")  # pull (which saves local changes first) beside save:
        assert_ran_or_refused(run_at_once(ws, [["pull"], ["save"]]), figures)  # no lock between
    assert sync.push(Workspace(ws.root)).ok
    measured = assert_exactly_once(ws, NOTEBOOKS * ROUNDS * 2)
    figures["exactly once: 3 pushes + pull + save, saves"] += measured["saves"]
    figures["exactly once: 3 pushes + pull + save, versions"] += measured["versions"]


def test_push_beside_the_jupyter_hook_and_uploader_send_each_change_once(
        tmp_path: Path, moto_server, figures) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    archive = Archive(ws.root, {}, retry_delay_max=0.5)  # the hook's recorder and its uploader
    try:
        for n in range(ROUNDS):
            edit_all(ws, f"round {n}")

            def hook_records_every_save() -> None:  # as the post-save hook does, per save
                for i in range(NOTEBOOKS):
                    archive.record(str(ws.root / "nb" / f"n{i:03}.ipynb"))
            assert_ran_or_refused(run_at_once(ws, [["push"], ["save"]], hook_records_every_save),
                                  figures)
        archive.uploader.notify()
        wait_until(lambda: not archive.workspace.index.pending() and not archive.uploader.problems,
                   timeout=120, what="the uploader to send every pending save")
    finally:
        archive.uploader.stop()
        archive.uploader.join(30)
    assert sync.push(Workspace(ws.root)).ok
    measured = assert_exactly_once(ws, NOTEBOOKS * ROUNDS)
    figures["exactly once: push + save + Jupyter hook/uploader, saves"] += measured["saves"]
    figures["exactly once: push + save + Jupyter hook/uploader, versions"] += measured["versions"]


# -- the races, one at a time ---------------------------------------------------------


def test_a_change_another_process_recorded_meanwhile_is_not_recorded_again(
        tmp_path: Path, moto_server) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    nb = write_notebook(ws.root / "a.ipynb", "1")
    read = ws._examine("a.ipynb", True, None)  # read, not yet recorded ...
    other = Workspace(ws.root)  # ... when another process records the same bytes
    assert [r.status for r in other.save()] == ["saved"]
    assert ws._record_all([read], None)[0].status == "unchanged"
    write_notebook(nb, "2")  # and a later change, again read by both
    read = ws._examine("a.ipynb", True, None)
    assert other.record_digest("a.ipynb", read.digest, stat=read.stat).status == "saved"
    assert ws.record_digest("a.ipynb", read.digest, stat=read.stat).status == "unchanged"
    assert ws.index.count_saves("a.ipynb") == 2


def test_bytes_read_before_another_process_recorded_a_newer_state_are_not_recorded_over_it(
        tmp_path: Path, moto_server) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    nb = write_notebook(ws.root / "a.ipynb", "old")
    stale = ws._examine("a.ipynb", True, None)  # a scan reads "old" ...
    write_notebook(ws.root / "new.ipynb", "new").replace(nb)  # ... Jupyter writes "new"
    other = Workspace(ws.root)
    assert [r.status for r in other.save()] == ["saved"]  # and its hook records it
    assert ws._record_all([stale], None)[0].status == "unchanged"  # "old" is not put on top
    history = ws.index.history("a.ipynb")
    assert [r["sha256"] for r in history] == [ws.objects.ingest_file(nb).sha256]
    assert [r.status for r in ws.save()] == ["unchanged"]  # nor is the file saved once more
    assert ws.index.count_saves("a.ipynb") == 1


def test_push_sends_a_save_another_process_recorded_meanwhile_before_its_own(
        tmp_path: Path, moto_server, monkeypatch) -> None:
    ws = fresh_workspace(tmp_path / "w", moto_server.url)
    nb = write_notebook(ws.root / "a.ipynb", "1")
    assert sync.push(ws).ok
    submit = sync.Uploads.submit

    def meanwhile(self: sync.Uploads, rows: list[dict]) -> None:
        submit(self, rows)
        if not rows:  # push has read what was pending: now the hook records "2" ...
            write_notebook(nb, "2")
            Workspace(ws.root).save()
            write_notebook(nb, "3")  # ... and the file changes again before push's scan
    monkeypatch.setattr(sync.Uploads, "submit", meanwhile)
    report = sync.push(Workspace(ws.root))
    monkeypatch.undo()
    assert report.ok and report.count("uploaded") == 2, report.summary()
    assert sync.push(Workspace(ws.root)).ok
    final = Workspace(ws.root)
    latest = [v for v in final.store.list_versions("workspace/") if v.is_latest][0]
    assert final.store.get(latest.key, latest.version_id) == nb.read_bytes()
    assert final.index.count_saves("a.ipynb") == 3
