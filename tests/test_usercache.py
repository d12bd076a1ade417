"""Where the user cache lives, and that it only ever costs speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbvc import usercache


def test_a_kept_value_loads_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    usercache.keep("x.bin", {"a": [1, 2]})
    assert usercache.load("x.bin") == {"a": [1, 2]}
    assert (tmp_path / "nbvc" / "x.bin").exists()


def test_a_damaged_or_missing_entry_loads_as_none(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "nbvc").mkdir()
    (tmp_path / "nbvc" / "x.bin").write_bytes(b"\xffnot marshal")
    assert usercache.load("x.bin") is None
    assert usercache.load("missing.bin") is None


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    usercache.keep("x.bin", 1)
    assert not (tmp_path / "relative").exists()
    assert (tmp_path / "home" / ".cache" / "nbvc" / "x.bin").exists()
