"""Settings resolve from flags > NBVC_* env > .nbvc/config.toml > user config > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbvc import config
from nbvc.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_derive_prefixes_from_the_user(tmp_path: Path) -> None:
    settings = config.resolve(tmp_path, {"user": "kylek"})
    assert settings.workspace_prefix == "workspace/kylek"
    assert settings.published_prefix == "published/kylek"


def test_jupyterhub_user_is_the_default_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    assert config.resolve(tmp_path).workspace_prefix == "workspace/hubuser"


def test_precedence_flag_env_workspace_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    user_file = config.user_config_path()
    write(user_file, 'region = "from-user"\nendpoint_url = "http://u"\nuser = "u"\nremote = "s3://user-bucket"\n')
    write(tmp_path / "config.toml", 'endpoint_url = "http://w"\nuser = "w"\nremote = "s3://ws-bucket"\n')
    monkeypatch.setenv("NBVC_USER", "e")
    monkeypatch.setenv("NBVC_REMOTE", "s3://env-bucket")
    settings = config.resolve(tmp_path, {"remote": "s3://flag-bucket"})
    assert (settings.region, settings.endpoint_url, settings.user, settings.remote) == (
        "from-user", "http://w", "e", "s3://flag-bucket"
    )


def test_configured_prefix_is_normalised(tmp_path: Path) -> None:
    write(tmp_path / "config.toml", 'workspace_prefix = "/workspace/kylek/notebooks/"\n')
    assert config.resolve(tmp_path).workspace_prefix == "workspace/kylek/notebooks"


def test_broken_config_file_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path / "config.toml", "remote = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.resolve(tmp_path)


def test_unknown_setting_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "config.toml", 'bukket = "x"\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        config.resolve(tmp_path)


def test_credentials_are_never_written_to_a_config_file(tmp_path: Path) -> None:
    config.write_toml(tmp_path / "c.toml", {"remote": "s3://b", "secret_access_key": "SECRET"})
    assert "SECRET" not in (tmp_path / "c.toml").read_text()


def test_credentials_are_hidden_from_repr() -> None:
    settings = config.finish({"access_key_id": "AKIDSECRET", "secret_access_key": "S3CR3T"})
    assert "S3CR3T" not in repr(settings) and "AKIDSECRET" not in repr(settings)
