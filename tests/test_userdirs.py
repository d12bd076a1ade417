"""Where a user's own nbvc files live: the user config file is read from the user's
config folder (platformdirs'; on Linux the XDG one), and never from a folder relative
to wherever nbvc runs."""

from __future__ import annotations

import pwd
import sys
from pathlib import Path

import pytest

from nbvc import config, usercache

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="nbvc runs on POSIX systems")


def user_file(folder: Path) -> Path:
    """A user config file in ``folder`` that sets the region, so reading it shows."""
    path = folder / "nbvc" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('region = "from-the-user-file"\n')
    return path


def no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """A service account without a home folder: no HOME, no passwd entry, no XDG folders."""
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")
    monkeypatch.setattr(pwd, "getpwuid", no_entry)


@posix_only
def test_the_user_config_file_is_read_from_xdg_config_home(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config.user_config_path() == user_file(tmp_path / "xdg")
    assert config.resolve(tmp_path / "ws").region == "from-the-user-file"


@posix_only
@pytest.mark.parametrize("xdg", [None, "", "relative/config"])
def test_without_an_absolute_xdg_config_home_it_is_read_from_home_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME")
    else:  # empty or relative: ignored, as the XDG spec says
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    assert config.user_config_path() == user_file(tmp_path / "home" / ".config")
    assert config.resolve(tmp_path / "ws").region == "from-the-user-file"


def test_without_a_home_there_is_no_user_config_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    no_home(monkeypatch)
    user_file(tmp_path / "~" / ".config")  # where an unexpanded ~/.config would point
    assert config.user_config_path() is None
    assert config.resolve(tmp_path / "ws").region != "from-the-user-file"


def test_without_a_home_nothing_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    no_home(monkeypatch)
    usercache.keep("x.bin", 1)
    assert usercache.cache_dir() is None
    assert usercache.load("x.bin") is None
    assert list(tmp_path.iterdir()) == []
