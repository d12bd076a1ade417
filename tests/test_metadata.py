"""nbvc's fields in S3 object metadata: one encoding, whatever the text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbvc import metadata
from nbvc.errors import UsageError

#: text as users type it: any Unicode but surrogates (not encodable as UTF-8)
text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=80)
fields = st.fixed_dictionaries({"sha256": st.just("ab" * 32), "save-id": st.uuids().map(str),
                                "author": text, "host": text, "message": st.text(
                                    st.characters(blacklist_categories=["Cs"]), max_size=700)})


@given(fields)
def test_every_field_round_trips_in_ascii_within_s3s_limit(given_fields: dict[str, str]) -> None:
    encoded = metadata.encode(given_fields)
    assert all(value.isascii() and name.isascii() for name, value in encoded.items())
    assert sum(len(n) + len(v) for n, v in encoded.items()) <= metadata.LIMIT
    decoded = metadata.decode(encoded)
    for name in ("sha256", "save-id", "author", "host"):
        assert decoded.get(name, "") == given_fields[name]
    message = given_fields["message"]
    kept = decoded.get("message", "")
    assert kept == message or (kept.endswith(metadata.SHORTENED)
                               and message.startswith(kept[:-1]))
    assert len(kept) <= metadata.MAX_MESSAGE
    if len(message) > metadata.MAX_MESSAGE:  # a message cut short says so
        assert kept.endswith(metadata.SHORTENED)


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=8))
def test_decoding_any_metadata_never_fails(any_metadata: dict[str, str]) -> None:
    decoded = metadata.decode({f"nbvc-{k}": v for k, v in any_metadata.items()})
    assert isinstance(decoded, dict)


def test_a_user_or_host_too_long_for_s3s_metadata_is_refused_as_a_setting(tmp_path) -> None:  # noqa: ANN001
    from .conftest import run_nbvc

    assert run_nbvc("init", cwd=tmp_path).returncode == 0
    refused = run_nbvc("save", cwd=tmp_path, env={"NBVC_HOST": "h" * 300})
    assert refused.returncode == 2 and "NBVC_HOST" in refused.stderr
    assert "at most 256 bytes" in refused.stderr and len(refused.stderr.splitlines()) <= 2


def test_names_too_long_for_s3_are_a_clear_error() -> None:
    with pytest.raises(UsageError, match="more than S3's 2048"):
        metadata.encode({"author": "ü" * 400})
