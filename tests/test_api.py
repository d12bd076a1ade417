"""The Python API as docs/api.md shows it: its Python blocks run as written, in
order, in an empty folder (the embedded store: no account, no network)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

import nbvc

DOC = Path(__file__).parent.parent / "docs" / "api.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_api_page_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "api_md"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - the page's own code
    assert "nosuch.ipynb: no versions recorded 3" in printed.getvalue()
    assert "published/ana/analysis.ipynb" in printed.getvalue()


def test_the_package_exports_the_workspace_and_its_error_lazily() -> None:
    from nbvc.core.api import Workspace
    from nbvc.errors import NbvcError

    assert nbvc.Workspace is Workspace and nbvc.NbvcError is NbvcError
    with pytest.raises(AttributeError, match="no attribute 'nosuch'"):
        nbvc.nosuch  # noqa: B018


def test_each_verb_raises_what_the_command_exits_with(tmp_path: Path) -> None:
    ws, _ = nbvc.Workspace.init(tmp_path, {"user": "ana"})
    with pytest.raises(nbvc.NbvcError) as refused:
        ws.restore(str(tmp_path / "nosuch.ipynb"), version="~1")
    assert refused.value.exit_code == 3
    with pytest.raises(nbvc.NbvcError) as outside:
        ws.publish("/etc/passwd")
    assert outside.value.exit_code == 2


def test_a_workspace_is_opened_or_made_from_a_string_path_too(tmp_path: Path) -> None:
    made, created = nbvc.Workspace.init(str(tmp_path), {"user": "ana"})
    assert created and nbvc.Workspace(str(tmp_path)).root == made.root == tmp_path.resolve()
