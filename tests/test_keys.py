"""Path <-> key mapping: keys are prefix + path, and no key escapes the workspace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbvc.errors import ConfigError
from nbvc.keys import UnsafeKey, key_for, normalize_prefix, relpath_for


def test_leading_slash_and_empty_segments_are_normalised_away() -> None:
    assert normalize_prefix("/workspace//kylek/") == "workspace/kylek"


def test_prefix_with_dotdot_is_refused() -> None:
    with pytest.raises(ConfigError):
        normalize_prefix("workspace/../etc")


def test_key_keeps_the_path_intact() -> None:
    assert key_for("workspace/kylek", "notebooks/mine.ipynb") == "workspace/kylek/notebooks/mine.ipynb"


@pytest.mark.parametrize(
    "key",
    [
        "workspace/k/../../etc/passwd.ipynb",
        "workspace/k//abs.ipynb",
        "workspace/k/a\x00b.ipynb",
        "workspace/k/./a.ipynb",
        "workspace/k/" + "x" * 1100 + ".ipynb",
        "other/k/a.ipynb",
        "workspace/k/C:\\evil.ipynb",
    ],
)
def test_hostile_keys_never_become_paths(key: str) -> None:
    with pytest.raises(UnsafeKey):
        relpath_for("workspace/k", key)


segment = st.text(
    alphabet=st.characters(blacklist_characters="/\\\x00", blacklist_categories=("Cs",)),
    min_size=1, max_size=20,
).filter(lambda s: s not in (".", "..") and not (len(s) > 1 and s[1] == ":"))


@given(st.lists(segment, min_size=1, max_size=5))
def test_path_to_key_and_back_is_the_identity(parts: list[str]) -> None:
    rel = "/".join(parts)
    assert relpath_for("workspace/u", key_for("workspace/u", rel)) == rel


@given(st.text(max_size=60))
def test_any_key_maps_to_a_safe_relative_path_or_is_refused(key: str) -> None:
    try:
        rel = relpath_for("w", key)
    except UnsafeKey:
        return
    parts = rel.split("/")
    assert not rel.startswith("/") and "\x00" not in rel
    assert all(p not in ("", ".", "..") for p in parts)
