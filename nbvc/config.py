"""One settings object, resolved from every place a setting can come from.

Precedence, strongest first: explicit overrides (CLI flags, Jupyter traitlets)
> ``NBVC_*`` environment > ``.nbvc/config.toml`` > the user config file > defaults.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, NamedTuple

from .envvars import FALSE_WORDS, TRUE_WORDS, parse_flag
from .errors import ConfigError, WorkspaceError
from .keys import normalize_prefix
from .metadata import MAX_NAME, encoded_length
from .tree import CONFIG_FILE
from .userdirs import config_folder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_JOBS = 16
DEFAULT_RETRIES = 5

#: who the workspace is in the bucket: written at init, the same for every process after
IDENTITY = ("user", "workspace_prefix", "published_prefix")

#: settings nbvc may write to a config file; credentials are deliberately absent.
PERSISTED = ("remote", "endpoint_url", "region", "profile", "user", "host", "workspace_prefix",
             "published_prefix",
             "jobs", "retries", "conditional_writes")
#: given to nbvc by a server's settings only, never read from a file or NBVC_* variable
CREDENTIALS = ("access_key_id", "secret_access_key")
CREDENTIALS_HINT = ("use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or an "
                    "instance role")

#: where a value came from: a file, an NBVC_* variable, the caller (flags, Jupyter's
#: settings), or nbvc's own default
FILE, ENVIRONMENT, GIVEN, DEFAULT = "file", "environment", "given", "default"
COMMAND_LINE = "given on the command line"
JUPYTER = "given in Jupyter's settings"


class Origin(NamedTuple):
    """Where one setting's value came from: a file's path, a variable's name, who gave it."""

    where: str
    kind: str

    def subject(self, name: str) -> str:
        """How an error names setting ``name`` from here."""
        if self.kind == ENVIRONMENT:
            return self.where  # NBVC_JOBS
        if self.kind == FILE:
            return f"{self.where}: {name}"
        if self.kind == GIVEN:
            return f"{name} ({self.where})"
        return f"{name} (from {self.where})"

    def about(self, message: str) -> str:
        """An error ``message`` that names its setting, said with where the value came from."""
        if self.kind in (ENVIRONMENT, FILE):
            return f"{self.where}: {message}"
        return f"{message} ({self.where})" if self.kind == GIVEN else f"{message} (from {self.where})"


GIVEN_ORIGIN = Origin("as given", GIVEN)


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Empty strings mean "not set"."""

    remote: str = ""
    endpoint_url: str = ""
    region: str = ""
    #: the AWS profile (in ~/.aws/config or ~/.aws/credentials) whose credentials and
    #: region this workspace uses; empty: boto3's own chain (AWS_PROFILE, variables, roles)
    profile: str = ""
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


def user_config_path() -> Path | None:
    """``$NBVC_CONFIG`` if set, else ``config.toml`` in the user's nbvc config folder
    (``$XDG_CONFIG_HOME/nbvc``, ``~/.config/nbvc``: :mod:`nbvc.userdirs`; none without a
    home folder)."""
    explicit = os.environ.get("NBVC_CONFIG")
    if explicit:
        return Path(explicit)
    folder = config_folder()
    return folder / CONFIG_FILE if folder is not None else None


def read_toml(path: Path, *, user_file: bool = False) -> dict[str, Any]:
    """Settings in one TOML file; a missing file is empty, a broken one an error.

    ``user_file``: the user config file, where every problem is a :class:`ConfigError`
    (exit 2) and, when ``NBVC_CONFIG`` names it, a missing file is one too. A
    workspace's own file that cannot be read is a :class:`WorkspaceError` (exit 6)."""
    named = " (named by NBVC_CONFIG)" if user_file and os.environ.get("NBVC_CONFIG") else ""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (FileNotFoundError, NotADirectoryError):
        if named:
            raise ConfigError(f"{path}{named}: no such file",
                              hint="point NBVC_CONFIG at a TOML file, or unset it") from None
        return {}
    except IsADirectoryError:
        raise ConfigError(f"{path}{named}: a folder, not a TOML file") from None
    except PermissionError:
        if user_file:
            raise ConfigError(f"{path}{named}: permission denied") from None
        raise WorkspaceError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ConfigError(f"{path}{named}: cannot read it ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}{named}: not valid TOML ({exc})") from None
    credentials = sorted(set(data) & set(CREDENTIALS))
    if credentials:
        raise ConfigError(f"{path}: credentials ({', '.join(credentials)}) do not belong in a "
                          "config file", hint=CREDENTIALS_HINT)
    unknown = sorted(set(data) - set(PERSISTED))
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], PERSISTED, n=1)
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}",
                          hint=f"did you mean {close[0]}?" if close
                          else "settings: " + ", ".join(PERSISTED))
    return data


def write_toml(path: Path, values: dict[str, Any]) -> None:
    """Write the persistable settings atomically."""
    import tomli_w

    from .files import write_atomic

    kept = {k: v for k, v in values.items() if k in PERSISTED and v not in ("", None)}
    write_atomic(path, tomli_w.dumps(kept).encode())


def from_environment() -> dict[str, Any]:
    """``NBVC_<SETTING>`` variables, e.g. ``NBVC_REMOTE`` or ``NBVC_ENDPOINT_URL``."""
    found = {}
    for f in fields(Settings):
        value = os.environ.get(f"NBVC_{f.name.upper()}")
        if value is not None and f.name not in CREDENTIALS:
            found[f.name] = value
    return found


def resolve(nbvc_dir: Path | None = None, overrides: dict[str, Any] | None = None,
            saved: dict[str, Any] | None = None, *, given_by: str = COMMAND_LINE,
            saved_given: Iterable[str] = ()) -> Settings:
    """Merge every source and fill in derived defaults (user, prefixes, host).
    ``saved``: the workspace's settings as they are about to be written (instead of
    reading its file), of which ``saved_given`` were given by ``given_by`` (the
    command line, Jupyter's settings), as ``overrides`` are. Every value is checked,
    and an invalid one is a :class:`ConfigError` naming where it came from."""
    merged: dict[str, Any] = {}
    origins: dict[str, Origin] = {}

    def take(values: dict[str, Any], origin: Callable[[str], Origin]) -> None:
        for name, value in values.items():
            if value is not None:  # checked even when a stronger source sets it too
                checked(name, value, origin(name))
                merged[name], origins[name] = value, origin(name)

    user_file = user_config_path()
    if user_file is not None:
        take(read_toml(user_file, user_file=True), lambda _: Origin(str(user_file), FILE))
    own_file = str(nbvc_dir / CONFIG_FILE) if nbvc_dir is not None else "the settings to save"
    given = Origin(given_by, GIVEN)
    if saved is not None:
        picked = set(saved_given)
        take(saved, lambda name: given if name in picked else Origin(own_file, FILE))
    elif nbvc_dir is not None:
        take(read_toml(nbvc_dir / CONFIG_FILE), lambda _: Origin(own_file, FILE))
    take(from_environment(), lambda name: Origin(f"NBVC_{name.upper()}", ENVIRONMENT))
    take(overrides or {}, lambda _: given)
    return finish(merged, origins)


def with_identity(values: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """A workspace's settings to write, with the identity it has now (:data:`IDENTITY`)
    where they do not name it yet: every later process then pushes to the same place."""
    return {**{k: getattr(settings, k) for k in IDENTITY}, **values}


TEXT_SETTINGS = ("remote", "endpoint_url", "region", "profile", "user", "host", "workspace_prefix",
                 "published_prefix", *CREDENTIALS)
#: botocore's rule for a region name
REGION_NAME = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(value: Any, origin: Origin) -> str:
    """A value as an error shows it: as typed (text from the environment), else
    written as in TOML with its TOML type."""
    if origin.kind == ENVIRONMENT or isinstance(value, str) and origin.kind != FILE:
        return repr(value)
    kinds = ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"),
             (list, "an array"), (tuple, "an array"), (dict, "a table"))
    kind = next((name for cls, name in kinds if isinstance(value, cls)), "a date or time")
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        import json

        text = json.dumps(value, ensure_ascii=False)  # a TOML basic string too
    elif isinstance(value, (int, float)):
        text = repr(value)
    elif hasattr(value, "isoformat"):  # TOML's dates and times
        text = value.isoformat()
    else:
        text = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    return f"{text} ({kind})"


def invalid(name: str, value: Any, origin: Origin, expected: str, hint: str | None = None) -> ConfigError:
    """The error of a setting whose value cannot be used: which setting, from where,
    what it should be and what it was."""
    value_text = "(hidden)" if name in CREDENTIALS else shown(value, origin)
    return ConfigError(f"{origin.subject(name)} must be {expected}, not {value_text}", hint=hint)


#: the integer settings and their ranges
WHOLE_NUMBERS = {"jobs": (1, 256), "retries": (1, 20)}
BOOLEANS = ("conditional_writes",)


def whole_number(name: str, value: Any, origin: Origin) -> int | None:
    """An integer setting: an integer (in TOML or Python), or digits from the
    environment (an empty variable: None, the default)."""
    low, high = WHOLE_NUMBERS[name]
    expected = f"a whole number from {low} to {high}"
    if origin.kind == ENVIRONMENT and isinstance(value, str):
        digits = value.strip()
        if not digits:
            return None
        if not (digits.isascii() and digits.isdigit()):
            raise invalid(name, value, origin, expected)
        number = int(digits)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        hint = None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            hint = f"write {name} = {value.strip()}, without quotes"
        raise invalid(name, value, origin, expected, hint)
    if not low <= number <= high:
        raise invalid(name, value, origin, expected)
    return number


def boolean(name: str, value: Any, origin: Origin) -> bool | None:
    """A boolean setting: true or false (in TOML or Python), or a word from the
    environment: true/false, 1/0, yes/no, any case (an empty variable: None, the default)."""
    if isinstance(value, bool):
        return value
    if origin.kind == ENVIRONMENT and isinstance(value, str):
        return parse_flag(value, origin.subject(name)) if value.strip() else None
    hint = None
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        hint = f"write {name} = {str(value.strip().lower() in TRUE_WORDS).lower()}, without quotes"
    raise invalid(name, value, origin, "true or false", hint)


def checked(name: str, value: Any, origin: Origin) -> Any:
    """One setting's value as nbvc uses it (None: its default), or a :class:`ConfigError`
    saying which setting, from where, what it should be and what it was."""
    if name in WHOLE_NUMBERS:
        return whole_number(name, value, origin)
    if name in BOOLEANS:
        return boolean(name, value, origin)
    if name in TEXT_SETTINGS:
        return text_setting(name, value, origin)
    raise ConfigError(origin.about(f"unknown setting {name!r}"))


def text_setting(name: str, value: Any, origin: Origin) -> str:
    """A text setting, checked for what it names (an endpoint, a region, a remote)."""
    if not isinstance(value, str):
        raise invalid(name, value, origin, "a string")
    if CONTROL.search(value):
        raise invalid(name, value, origin, "text without control characters")
    if not value:
        return value
    if name == "endpoint_url":
        check_endpoint(value, origin)
    elif name == "region" and not REGION_NAME.fullmatch(value):
        raise invalid(name, value, origin, "a region name (letters, digits and hyphens, "
                      "e.g. eu-west-1)")
    elif name in ("workspace_prefix", "published_prefix"):
        prefix(name, value, origin)
    elif name in ("user", "host") and encoded_length(value) > MAX_NAME:
        raise invalid(name, value[:40] + "…", origin,
                      f"at most {MAX_NAME} bytes in S3 metadata (percent-encoded UTF-8)")
    elif name == "remote":
        from .store import parse_remote

        try:
            parse_remote(value, Path("/"))
        except ConfigError as exc:
            raise ConfigError(origin.about(exc.message), hint=exc.hint) from None
        except (OSError, ValueError, RuntimeError):  # a path the OS cannot resolve (NUL, ~nosuchuser)
            raise invalid(name, value, origin, "s3://BUCKET or local:///DIR") from None
    return value


def check_endpoint(value: str, origin: Origin) -> None:
    """An endpoint is an http(s) URL with a host (and perhaps a port and a path)."""
    from urllib.parse import urlsplit

    expected = "an http:// or https:// URL with a host, e.g. http://127.0.0.1:9000"
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a port that is not a number, a broken IPv6 address
        raise invalid("endpoint_url", value, origin, expected) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok \
            or any(c.isspace() for c in value):
        raise invalid("endpoint_url", value, origin, expected)


def prefix(name: str, value: str, origin: Origin) -> str:
    try:
        return normalize_prefix(value)
    except ConfigError as exc:
        raise ConfigError(origin.about(f"{name}: {exc.message}")) from None


def finish(values: dict[str, Any], origins: dict[str, Origin] | None = None) -> Settings:
    """Validate raw values and derive the defaults that depend on others. ``origins``
    says where each value came from (:func:`resolve` knows; the errors name it)."""
    origins = origins or {}
    given = {name: checked(name, value, origins.get(name, GIVEN_ORIGIN))
             for name, value in values.items() if value is not None}
    given = {name: value for name, value in given.items() if value is not None}
    user = given.get("user") or default_user()
    user_origin = origins.get("user", GIVEN_ORIGIN) if given.get("user") else Origin(
        "JUPYTERHUB_USER" if os.environ.get("JUPYTERHUB_USER") else "the login name", DEFAULT)
    if CONTROL.search(user):
        raise invalid("user", user, user_origin, "text without control characters")
    prefixes = {}
    for name, top in (("workspace_prefix", "workspace"), ("published_prefix", "published")):
        if given.get(name):
            prefixes[name] = prefix(name, given[name], origins.get(name, GIVEN_ORIGIN))
        else:  # derived from the user
            prefixes[name] = prefix("user", f"{top}/{user}", user_origin)
    return Settings(**{**given, "user": user, **prefixes,
                       "host": given.get("host") or os.uname().nodename})
