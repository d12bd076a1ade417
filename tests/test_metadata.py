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
    message = given_fields["message"][:metadata.MAX_MESSAGE]
    kept = decoded.get("message", "")
    assert kept == message or (kept.endswith(metadata.SHORTENED)
                               and message.startswith(kept[:-1]))


@given(st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=8))
def test_decoding_any_metadata_never_fails(any_metadata: dict[str, str]) -> None:
    decoded = metadata.decode({f"nbvc-{k}": v for k, v in any_metadata.items()})
    assert isinstance(decoded, dict)


def test_names_too_long_for_s3_are_a_clear_error() -> None:
    with pytest.raises(UsageError, match="more than S3's 2048"):
        metadata.encode({"author": "ü" * 400})
