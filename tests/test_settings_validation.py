"""Every setting and NBVC_* variable is checked: a bad value, from wherever it came, is
one line (``error: ...`` and perhaps ``hint: ...``) naming its source, exit 2, and
nothing written. ``--debug`` adds the traceback and keeps the exit code."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbvc import config
from nbvc.errors import ConfigError

from .conftest import run_nbvc, write_notebook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace on its embedded store with one saved notebook, changed since: a
    command that got past its settings would save a version."""
    root = tmp_path / "ws"
    root.mkdir()
    run_nbvc("init", cwd=root, check=True)
    write_notebook(root / "a.ipynb", "1")
    run_nbvc("save", "a.ipynb", cwd=root, check=True)
    write_notebook(root / "a.ipynb", "2")
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every file's bytes but the index's (opening it may touch its WAL files), and the
    index's versions."""
    files = {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith("index.db")}
    import sqlite3

    with sqlite3.connect(root / ".nbvc" / "index.db") as db:
        files["saves"] = repr(db.execute("SELECT uid FROM saves ORDER BY id").fetchall())
    return files


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2, one error line (and perhaps one hint), naming ``words``; no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("error: "), result.stderr
    assert len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("hint: ")), result.stderr
    assert "unexpected" not in result.stderr
    for word in words:
        assert word in lines[0], (word, result.stderr)


ENV_CASES = [
    ("NBVC_JOBS", "abc"), ("NBVC_JOBS", "0"), ("NBVC_JOBS", "257"), ("NBVC_JOBS", "-1"),
    ("NBVC_JOBS", "4.5"), ("NBVC_JOBS", "1e3"), ("NBVC_JOBS", "٣"),
    ("NBVC_RETRIES", "0"), ("NBVC_RETRIES", "21"), ("NBVC_RETRIES", "many"),
    ("NBVC_CONDITIONAL_WRITES", "maybe"), ("NBVC_CONDITIONAL_WRITES", "2"),
    ("NBVC_ENDPOINT_URL", "not-a-url"), ("NBVC_ENDPOINT_URL", "ftp://host"),
    ("NBVC_ENDPOINT_URL", "http://"), ("NBVC_ENDPOINT_URL", "http://host:99999"),
    ("NBVC_ENDPOINT_URL", "http://host:port"), ("NBVC_ENDPOINT_URL", "http://[::1"),
    ("NBVC_REGION", "eu west 1"), ("NBVC_REGION", "-x"),
    ("NBVC_REMOTE", "ftp://bucket"), ("NBVC_REMOTE", "s3://b"), ("NBVC_REMOTE", "s3://bucket/key"),
    ("NBVC_REMOTE", "local://relative"),
    ("NBVC_WORKSPACE_PREFIX", "a/../b"), ("NBVC_PUBLISHED_PREFIX", "./x"),
    ("NBVC_HOST", "a\tb"), ("NBVC_USER", "a\x1bb"),
    ("NBVC_LOCK_TIMEOUT", "inf"), ("NBVC_LOCK_TIMEOUT", "nan"), ("NBVC_LOCK_TIMEOUT", "-1"),
    ("NBVC_LOCK_TIMEOUT", "abc"), ("NBVC_LOCK_TIMEOUT", "1e400"), ("NBVC_LOCK_TIMEOUT", "86401"),
    ("NBVC_DEBUG", "maybe"),
]


@pytest.mark.parametrize(("name", "value"), ENV_CASES)
def test_a_bad_environment_variable_is_refused_by_name(ws: Path, name: str, value: str) -> None:
    before = snapshot(ws)
    refused(run_nbvc("save", "a.ipynb", cwd=ws, env={name: value}), name)
    assert snapshot(ws) == before


@pytest.mark.parametrize("value", ["inf", "nan", "-1"])
def test_a_bad_lock_timeout_stops_the_fast_status_too(ws: Path, value: str) -> None:
    refused(run_nbvc("status", cwd=ws, env={"NBVC_LOCK_TIMEOUT": value}), "NBVC_LOCK_TIMEOUT", repr(value))


@pytest.mark.parametrize(("name", "value", "setting"), [
    ("NBVC_JOBS", "32", "jobs"), ("NBVC_JOBS", " 8 ", "jobs"), ("NBVC_RETRIES", "1", "retries"),
    *[("NBVC_CONDITIONAL_WRITES", word, "conditional_writes")
      for word in ("true", "FALSE", "1", "0", "Yes", "no")],
    ("NBVC_ENDPOINT_URL", "https://minio.example.com:9000/base", "endpoint_url"),
    ("NBVC_REGION", "eu-west-1", "region"),
])
def test_good_environment_values_are_taken(name: str, value: str, setting: str,
                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(name, value)
    got = getattr(config.resolve(tmp_path), setting)
    if setting == "conditional_writes":
        assert got is (value.lower() in ("true", "1", "yes"))
    else:
        assert str(got) == value.strip()


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NBVC_JOBS", "NBVC_RETRIES", "NBVC_CONDITIONAL_WRITES", "NBVC_LOCK_TIMEOUT"):
        monkeypatch.setenv(name, "")
    settings = config.resolve(tmp_path)
    assert (settings.jobs, settings.retries, settings.conditional_writes) == (
        config.DEFAULT_JOBS, config.DEFAULT_RETRIES, True)


FILE_CASES = [
    ("jobs", '"4"', "a string"), ("jobs", "true", "a boolean"), ("jobs", "4.5", "a float"),
    ("jobs", "0", "from 1 to 256"), ("jobs", "[]", "an array"), ("jobs", "nan", "a float"),
    ("retries", "[]", "an array"), ("retries", '"3"', "a string"), ("retries", "99", "from 1 to 20"),
    ("remote", "5", "an integer"), ("remote", '"ftp://x"', "unsupported remote"),
    ("user", "[]", "an array"), ("host", "{ a = 1 }", "a table"), ("region", "2026-01-01", "a date"),
    ("conditional_writes", "[]", "an array"), ("conditional_writes", '"false"', "a string"),
    ("conditional_writes", "1", "an integer"),
    ("endpoint_url", '"not-a-url"', "http"), ("workspace_prefix", '"a/../b"', "invalid prefix"),
    ("condtional_writes", "false", "unknown setting"), ("secret_access_key", '"x"', "credentials"),
]


def set_in_file(path: Path, name: str, toml_value: str) -> None:
    """``name = toml_value`` in the TOML file at ``path``, in place of any earlier value."""
    lines = path.read_text().splitlines() if path.exists() else []
    kept = [line for line in lines if not line.startswith(f"{name} ")]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([*kept, f"{name} = {toml_value}"]) + "\n")


@pytest.mark.parametrize(("name", "toml_value", "words"), FILE_CASES)
def test_a_bad_value_in_the_workspace_file_is_refused_with_its_path(
        ws: Path, name: str, toml_value: str, words: str) -> None:
    path = ws / ".nbvc" / "config.toml"
    set_in_file(path, name, toml_value)
    before = snapshot(ws)
    refused(run_nbvc("save", "a.ipynb", cwd=ws), str(path), name, words)
    assert snapshot(ws) == before


@pytest.mark.parametrize(("name", "toml_value", "words"), FILE_CASES)
def test_a_bad_value_in_the_user_file_is_refused_with_its_path(
        ws: Path, name: str, toml_value: str, words: str) -> None:
    path = config.user_config_path()
    set_in_file(path, name, toml_value)
    before = snapshot(ws)
    refused(run_nbvc("save", "a.ipynb", cwd=ws), str(path), name, words)
    assert snapshot(ws) == before
    refused(run_nbvc("save", "a.ipynb", cwd=ws, env={"NBVC_CONFIG": str(path)}), str(path), name, words)


def test_a_misspelt_setting_gets_a_suggestion(ws: Path) -> None:
    set_in_file(ws / ".nbvc" / "config.toml", "condtional_writes", "false")
    result = run_nbvc("save", "a.ipynb", cwd=ws)
    refused(result, "condtional_writes")
    assert "hint: did you mean conditional_writes?" in result.stderr


def test_a_quoted_number_gets_a_hint(ws: Path) -> None:
    set_in_file(ws / ".nbvc" / "config.toml", "jobs", '"4"')
    assert "hint: write jobs = 4, without quotes" in run_nbvc("save", "a.ipynb", cwd=ws).stderr


@pytest.mark.parametrize(("flag", "value", "setting"), [
    ("--endpoint-url", "not-a-url", "endpoint_url"), ("--region", "a b", "region"),
    ("--remote", "s3://x", "remote"), ("--workspace-prefix", "../up", "workspace_prefix"),
    ("--user", "a\nb", "user"),
])
def test_a_bad_flag_is_refused_before_anything_is_written(tmp_path: Path, flag: str, value: str,
                                                          setting: str) -> None:
    result = run_nbvc("init", flag, value, cwd=tmp_path)
    refused(result, setting, "given on the command line")
    assert list(tmp_path.iterdir()) == []


def test_remote_set_with_a_bad_endpoint_changes_nothing(ws: Path) -> None:
    before = snapshot(ws)
    refused(run_nbvc("remote", "set", "s3://bucket", "--endpoint-url", "ftp://x", cwd=ws),
            "endpoint_url", "given on the command line")
    assert snapshot(ws) == before


def test_nbvc_config_must_name_a_readable_toml_file(ws: Path, tmp_path: Path) -> None:
    before = snapshot(ws)
    missing = tmp_path / "nope.toml"
    result = run_nbvc("save", "a.ipynb", cwd=ws, env={"NBVC_CONFIG": str(missing)})
    refused(result, str(missing), "NBVC_CONFIG", "no such file")
    refused(run_nbvc("save", "a.ipynb", cwd=ws, env={"NBVC_CONFIG": str(tmp_path)}),
            str(tmp_path), "NBVC_CONFIG", "a folder")
    (tmp_path / "broken.toml").write_text("jobs = = 4\n")
    refused(run_nbvc("save", "a.ipynb", cwd=ws, env={"NBVC_CONFIG": str(tmp_path / "broken.toml")}),
            "broken.toml", "not valid TOML")
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00garbage")
    refused(run_nbvc("save", "a.ipynb", cwd=ws, env={"NBVC_CONFIG": str(tmp_path / "binary.toml")}),
            "binary.toml", "not valid TOML")
    assert snapshot(ws) == before
    # /dev/null: no user settings at all
    assert run_nbvc("save", "a.ipynb", cwd=ws, env={"NBVC_CONFIG": os.devnull}).returncode == 0


def test_an_unreadable_user_file_is_refused_with_its_path(ws: Path, tmp_path: Path) -> None:
    path = tmp_path / "secret.toml"
    path.write_text('jobs = 4\n')
    path.chmod(0o000)
    for folder in (ws, *ws.parents):  # let the unprivileged user in, not write
        if str(folder).startswith(("/tmp/", "/var/tmp/")):
            folder.chmod(folder.stat().st_mode | 0o755)
    import sys

    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*nobody, sys.executable, "-c", "import nbvc"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot run Python as an unprivileged user here (root ignores permissions)")
    result = subprocess.run([*nobody, sys.executable, "-m", "nbvc", "show", "a.ipynb"], cwd=ws,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "HOME": "/tmp", "NBVC_CONFIG": str(path)})
    refused(result, str(path), "permission denied")


# -- --debug never changes the exit code ------------------------------------------


def test_debug_keeps_the_exit_code_of_not_found(ws: Path) -> None:
    plain = run_nbvc("show", "nosuch.ipynb", cwd=ws)
    debug = run_nbvc("--debug", "show", "nosuch.ipynb", cwd=ws)
    assert plain.returncode == debug.returncode == 3
    assert "Traceback" in debug.stderr and "Traceback" not in plain.stderr
    assert debug.stderr.splitlines()[-1] == plain.stderr.splitlines()[0]


@pytest.mark.parametrize("how", [["--debug"], []])
def test_debug_keeps_the_exit_code_of_a_bad_setting(ws: Path, how: list[str]) -> None:
    env = {"NBVC_JOBS": "many"} if how else {"NBVC_JOBS": "many", "NBVC_DEBUG": "1"}
    result = run_nbvc(*how, "save", "a.ipynb", cwd=ws, env=env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        "error: NBVC_JOBS must be a whole number from 1 to 256, not 'many'"]


def test_debug_keeps_the_exit_code_of_a_bad_lock_timeout(ws: Path) -> None:
    result = run_nbvc("--debug", "status", "a.ipynb", cwd=ws, env={"NBVC_LOCK_TIMEOUT": "inf"})
    assert result.returncode == 2 and "Traceback" in result.stderr, result.stderr


# -- the docs list every variable ----------------------------------------------------


def test_every_nbvc_variable_is_documented() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "nbvc").rglob("*.py"))
    read = set(re.findall(r"NBVC_[A-Z_]+[A-Z]", source)) - {"NBVC_DIR"}
    read |= {f"NBVC_{name.upper()}" for name in config.PERSISTED}
    docs = (ROOT / "docs" / "cli.md").read_text()
    section = docs[docs.index("## Environment variables"):]
    assert not [name for name in sorted(read) if f"`{name}" not in section]


# -- any TOML value of any setting: valid Settings or a ConfigError ---------------------

NAMES = [f.name for f in dataclasses.fields(config.Settings)]
TOML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["", "4", "true", "no", "s3://bucket", "s3://b", "local:///tmp/x", "~nouser/x",
                       "http://127.0.0.1:9000", "http://h:0", "http://[::1]:9", "eu-west-1", "a/../b"])
    | st.dates() | st.datetimes() | st.times(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)
ENV_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
ORIGINS = st.sampled_from([config.Origin("/x/config.toml", config.FILE),
                           config.Origin("NBVC_X", config.ENVIRONMENT),
                           config.Origin(config.COMMAND_LINE, config.GIVEN)])


def check_settings(settings: config.Settings) -> None:
    assert isinstance(settings.jobs, int) and 1 <= settings.jobs <= 256
    assert isinstance(settings.retries, int) and 1 <= settings.retries <= 20
    assert isinstance(settings.conditional_writes, bool)
    for name in config.TEXT_SETTINGS:
        assert isinstance(getattr(settings, name), str)
    assert settings.user and settings.host
    if settings.endpoint_url:
        assert re.match(r"(?i)https?://[^/\s]", settings.endpoint_url)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_finish_returns_settings_or_a_config_error(data: st.DataObject) -> None:
    values: dict[str, Any] = {}
    origins: dict[str, config.Origin] = {}
    for name in data.draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=5)):
        origins[name] = origin = data.draw(ORIGINS)
        values[name] = data.draw(ENV_TEXT if origin.kind == config.ENVIRONMENT else TOML_VALUES)
    try:
        settings_ = config.finish(values, origins)
    except ConfigError as exc:
        assert "\n" not in exc.message
        return
    check_settings(settings_)


TOML_SAFE = st.recursive(
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.text(max_size=30)
    | st.sampled_from(["4", "s3://bucket", "http://127.0.0.1:9000", "eu-west-1", "x/y"])
    | st.dates() | st.datetimes(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)


@pytest.fixture
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("scratch")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(list(config.PERSISTED)), TOML_SAFE, max_size=4),
       st.dictionaries(st.sampled_from(list(config.PERSISTED)), ENV_TEXT, max_size=3))
def test_resolve_of_any_file_and_environment(scratch: Path, in_file: dict[str, Any],
                                             in_env: dict[str, str]) -> None:
    (scratch / "config.toml").write_text(tomli_w.dumps(in_file))
    names = [f"NBVC_{name.upper()}" for name in in_env]
    old = {name: os.environ.get(name) for name in names}
    os.environ.update({f"NBVC_{name.upper()}": value for name, value in in_env.items()})
    try:
        settings_ = config.resolve(scratch)
    except ConfigError as exc:
        assert "\n" not in exc.message
        named = [f"NBVC_{n.upper()}" for n in in_env] + [str(scratch / "config.toml")]
        assert any(source in exc.message for source in named), exc.message
        return
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    check_settings(settings_)
    for name, value in in_env.items():  # the environment wins, as documented
        if name in config.TEXT_SETTINGS and name not in ("workspace_prefix", "published_prefix") \
                and value:
            assert getattr(settings_, name) == value


def test_floats_never_pass_as_whole_numbers() -> None:
    for value in (math.inf, math.nan, 4.0):
        with pytest.raises(ConfigError, match="jobs"):
            config.finish({"jobs": value})


def test_a_bad_jupyter_setting_names_jupyter(tmp_path: Path) -> None:
    from nbvc.core.workspace import Workspace

    with pytest.raises(ConfigError, match=r"endpoint_url \(given in Jupyter's settings\) must be"):
        Workspace.init(tmp_path, {"endpoint_url": "minio:9000"}, check_remote=False,
                       given_by=config.JUPYTER)
    assert not (tmp_path / ".nbvc").exists()
