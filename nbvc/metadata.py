"""nbvc's fields in S3 object metadata (``x-amz-meta-nbvc-*``): one encoding for
every object nbvc writes (pushed saves, published copies) and one decoding.

HTTP headers carry ASCII only, so every value is percent-encoded (UTF-8), and the
object says so with ``nbvc-encoding: url``: published copies of nbvc 0.x carried
their values raw, and a raw key may hold a ``%`` that must not be decoded. Pushed
saves were always percent-encoded. S3 allows 2 KB of user metadata (names and
values); the free-text ``message`` is shortened to fit, the other fields are
bounded (hashes, ids, times) or short (user, host).
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from .errors import UsageError

PREFIX = "nbvc-"
ENCODING = "encoding"
#: S3's limit on user metadata: the UTF-8 bytes of every name and value
LIMIT = 2048
#: a message never takes more than this, before it is shortened to fit LIMIT
MAX_MESSAGE = 512
#: the room a user or host name has, percent-encoded (settings refuse longer ones: a
#: save records them, and a save whose metadata cannot fit could never be pushed)
MAX_NAME = 256


def encoded_length(text: str) -> int:
    """How many bytes ``text`` takes in the metadata."""
    return len(quote(text, safe=""))
SHORTENED = "…"


def encode(fields: dict[str, str]) -> dict[str, str]:
    """Object metadata for ``fields`` (names without the prefix; empty values left out)."""
    fields = {ENCODING: "url", **{k: v for k, v in fields.items() if v}}
    message = fields.pop("message", "")
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE - 1] + SHORTENED
    encoded = {PREFIX + k: quote(v, safe="") for k, v in fields.items()}
    room = LIMIT - _size(encoded) - len(PREFIX + "message")
    if room < 0:
        raise UsageError(f"nbvc's metadata would take {_size(encoded)} bytes, more than S3's "
                         f"{LIMIT}", hint="use a shorter user or host name")
    if len(quote(message, safe="")) > room:  # the longest start that fits, marked as cut
        low, high = 0, len(message)
        while low < high:
            middle = (low + high + 1) // 2
            if len(quote(message[:middle] + SHORTENED, safe="")) <= room:
                low = middle
            else:
                high = middle - 1
        message = message[:low] + SHORTENED if low else ""
    if message:
        encoded[PREFIX + "message"] = quote(message, safe="")
    return encoded


def decode(metadata: dict[str, str]) -> dict[str, str]:
    """nbvc's fields of an object's metadata, decoded, names without the prefix
    (S3 returns names in lower case)."""
    found = {k.lower()[len(PREFIX):]: v for k, v in metadata.items()
             if k.lower().startswith(PREFIX)}
    if found.pop(ENCODING, None) == "url" or "save-id" in found:
        return {k: unquote(v) for k, v in found.items()}
    return found  # a published copy of nbvc 0.x: values as written


def _size(metadata: dict[str, str]) -> int:
    return sum(len(k.encode()) + len(v.encode()) for k, v in metadata.items())
