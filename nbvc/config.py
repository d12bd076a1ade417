"""One settings object, resolved from every place a setting can come from.

Precedence, strongest first: explicit overrides (CLI flags, Jupyter traitlets)
> ``NBVC_*`` environment > ``.nbvc/config.toml`` > the user config file > defaults.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError, WorkspaceError
from .keys import normalize_prefix
from .tree import CONFIG_FILE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_JOBS = 16
DEFAULT_RETRIES = 5

#: who the workspace is in the bucket: written at init, the same for every process after
IDENTITY = ("user", "workspace_prefix", "published_prefix")

#: settings nbvc may write to a config file; credentials are deliberately absent.
PERSISTED = ("remote", "endpoint_url", "region", "user", "host", "workspace_prefix", "published_prefix",
             "jobs", "retries", "conditional_writes")


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Empty strings mean "not set"."""

    remote: str = ""
    endpoint_url: str = ""
    region: str = ""
    user: str = ""
    workspace_prefix: str = ""
    published_prefix: str = ""
    jobs: int = DEFAULT_JOBS
    retries: int = DEFAULT_RETRIES
    conditional_writes: bool = True
    access_key_id: str = ""
    secret_access_key: str = ""
    host: str = ""

    def __repr__(self) -> str:  # never show credentials, even in a traceback
        shown = {f.name: getattr(self, f.name) for f in fields(self) if "key" not in f.name}
        return f"Settings({shown})"


def default_user() -> str:
    """JupyterHub's user when running under a hub, else the OS login name."""
    user = os.environ.get("JUPYTERHUB_USER")
    if user:
        return user
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (containers without passwd entries)
        return "user"


def user_config_path() -> Path:
    """``$NBVC_CONFIG`` if set, else ``$XDG_CONFIG_HOME/nbvc/config.toml``."""
    explicit = os.environ.get("NBVC_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "nbvc" / CONFIG_FILE


def read_toml(path: Path) -> dict[str, Any]:
    """Settings in one TOML file; a missing file is empty, a broken one an error."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except PermissionError:
        raise WorkspaceError(f"{path}: permission denied") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    return data


def write_toml(path: Path, values: dict[str, Any]) -> None:
    """Write the persistable settings atomically (temp file + rename)."""
    import tomli_w

    kept = {k: v for k, v in values.items() if k in PERSISTED and v not in ("", None)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(kept), encoding="utf-8")
    os.replace(tmp, path)


def from_environment() -> dict[str, Any]:
    """``NBVC_<SETTING>`` variables, e.g. ``NBVC_REMOTE`` or ``NBVC_ENDPOINT_URL``."""
    found = {}
    for f in fields(Settings):
        value = os.environ.get(f"NBVC_{f.name.upper()}")
        if value is not None and f.name not in ("access_key_id", "secret_access_key"):
            found[f.name] = value
    return found


def resolve(nbvc_dir: Path | None = None, overrides: dict[str, Any] | None = None,
            saved: dict[str, Any] | None = None) -> Settings:
    """Merge every source and fill in derived defaults (user, prefixes, host).
    ``saved``: the workspace's settings as they are about to be written (instead of
    reading its file)."""
    merged: dict[str, Any] = {}
    merged.update(read_toml(user_config_path()))
    if saved is not None:
        merged.update(saved)
    elif nbvc_dir is not None:
        merged.update(read_toml(nbvc_dir / CONFIG_FILE))
    merged.update(from_environment())
    merged.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return finish(merged)


def with_identity(values: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A workspace's settings to write, with the identity it has now (:data:`IDENTITY`)
    where they do not name it yet: every later process then pushes to the same place."""
    return {**{k: getattr(settings, k) for k in IDENTITY}, **values}


def whole_number(values: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    try:
        number = int(values.get(name, default))
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, not {values.get(name)!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {number}")
    return number


def finish(values: dict[str, Any]) -> Settings:
    """Validate raw values and derive the defaults that depend on others."""
    jobs = whole_number(values, "jobs", DEFAULT_JOBS, 1, 256)
    retries = whole_number(values, "retries", DEFAULT_RETRIES, 1, 20)
    conditional = values.get("conditional_writes", True)
    if isinstance(conditional, str):
        if conditional.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ConfigError(f"conditional_writes must be true or false, not {conditional!r}")
        conditional = conditional.lower() in ("true", "1", "yes")
    numeric = ("jobs", "retries", "conditional_writes")
    text = {k: str(v) for k, v in values.items() if k not in numeric and v is not None}
    user = text.get("user") or default_user()
    settings = Settings(**{**text, "jobs": jobs, "retries": retries, "user": user,
                          "conditional_writes": bool(conditional)})
    return replace(
        settings,
        workspace_prefix=normalize_prefix(settings.workspace_prefix or f"workspace/{user}"),
        published_prefix=normalize_prefix(settings.published_prefix or f"published/{user}"),
        host=settings.host or os.uname().nodename,
    )
