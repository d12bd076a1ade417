"""The store contract: every backend (local, in-process moto, moto server over HTTP)
behaves like a versioned S3 bucket in exactly the same way."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nbvc.store import BucketNotFound, ObjectNotFound, PreconditionFailed
from nbvc.store.local import LocalStore


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(store, key: str, data: bytes, **kwargs):  # noqa: ANN001, ANN201
    return store.put(key, data, sha256=sha(data), **kwargs)


def test_put_returns_a_version_id_and_md5_etag(store_factory) -> None:
    store = store_factory()
    result = put(store, "workspace/ana/a.ipynb", b"one")
    assert result.version_id and result.version_id != "null"
    assert result.etag == hashlib.md5(b"one").hexdigest()


def test_three_puts_of_one_key_make_three_versions_newest_first(store_factory) -> None:
    store = store_factory()
    ids = [put(store, "k.ipynb", body).version_id for body in (b"v0", b"v1", b"v2")]
    listed = [v for v in store.list_versions("k.ipynb")]
    assert [v.version_id for v in listed] == ids[::-1]
    assert [v.is_latest for v in listed] == [True, False, False]
    assert len(set(ids)) == 3


def test_get_by_version_id_returns_exactly_those_bytes(store_factory) -> None:
    store = store_factory()
    ids = [put(store, "k", body).version_id for body in (b"v0", b"\x00\xffv1", b"v2")]
    assert [store.get("k", vid) for vid in ids] == [b"v0", b"\x00\xffv1", b"v2"]
    assert store.get("k") == b"v2"


def test_read_reports_what_verified_a_version(store_factory, tmp_path: Path) -> None:
    """nbvc's own puts carry a SHA-256 the store keeps (the local store has only the
    MD5 ETag): every read is checked by the strongest digest the store reports."""
    store = store_factory()
    first = put(store, "k", b"first" * 1000).version_id
    put(store, "k", b"second")
    download = store.read("k", first)
    assert download.data == b"first" * 1000
    assert download.verified_by == ("md5" if isinstance(store, LocalStore) else "sha256")


def test_put_from_a_file_path(store_factory, tmp_path: Path) -> None:
    store = store_factory()
    source = tmp_path / "nb.ipynb"
    source.write_bytes(b"file body")
    result = store.put("k", source, sha256=sha(b"file body"))
    assert store.get("k", result.version_id) == b"file body"


def test_list_versions_paginates_past_1000_versions(store_factory) -> None:
    store = store_factory()
    keys = [f"p/{i:02d}.ipynb" for i in range(10)]
    # one thread per key: S3 orders a key's versions by arrival, and moto's in-process
    # mock can lose one of two versions of a key written at the same instant
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda k: [put(store, keys[k], str(n).encode()) for n in range(k, 1005, 10)],
                      range(10)))
    put(store, "other/x.ipynb", b"outside the prefix")
    listed = list(store.list_versions("p/"))
    assert len(listed) == 1005
    assert len({(v.key, v.version_id) for v in listed}) == 1005
    assert [v.key for v in listed] == sorted(v.key for v in listed)
    assert sum(v.is_latest for v in listed) == 10


def test_copy_of_an_older_version_to_another_key(store_factory) -> None:
    store = store_factory()
    old = put(store, "workspace/a.ipynb", b"old", metadata={"nbvc-sha256": sha(b"old")})
    put(store, "workspace/a.ipynb", b"new")
    copied = store.copy("workspace/a.ipynb", old.version_id, "published/a.ipynb")
    assert store.get("published/a.ipynb", copied.version_id) == b"old"
    assert store.head("published/a.ipynb").metadata == {"nbvc-sha256": sha(b"old")}
    assert store.get("workspace/a.ipynb") == b"new"


def test_copy_can_replace_metadata(store_factory) -> None:
    store = store_factory()
    src = put(store, "a", b"x", metadata={"nbvc-author": "ana"})
    store.copy("a", src.version_id, "b", metadata={"nbvc-state": "published"})
    assert store.head("b").metadata == {"nbvc-state": "published"}


def test_metadata_round_trips(store_factory) -> None:
    store = store_factory()
    metadata = {"nbvc-sha256": sha(b"x"), "nbvc-author": "ana%20b", "nbvc-save-id": "abc"}
    result = put(store, "a", b"x", metadata=metadata)
    head = store.head("a", result.version_id)
    assert head.metadata == metadata
    assert (head.size, head.version_id, head.etag) == (1, result.version_id, result.etag)


def test_unknown_key_is_not_found(store_factory) -> None:
    store = store_factory()
    with pytest.raises(ObjectNotFound):
        store.get("missing")
    with pytest.raises(ObjectNotFound):
        store.head("missing")


def test_unknown_version_is_not_found(store_factory) -> None:
    store = store_factory()
    put(store, "a", b"x")
    with pytest.raises(ObjectNotFound):
        store.get("a", "3HL4kqtJvjVBH40Nrjfkd")


def test_versioning_enabled_is_reported(store_factory) -> None:
    assert store_factory().versioning() == "Enabled"


@pytest.mark.parametrize("status", [None, "Suspended"])
def test_versioning_not_enabled_is_detected(store_factory, status: str | None) -> None:
    store = store_factory(status)
    assert store.versioning() == (status or "Disabled")
    assert put(store, "a", b"x").version_id == "null"


def test_create_only_put_refuses_an_existing_key(store_factory) -> None:
    store = store_factory()
    put(store, "a", b"first", if_none_match=True)
    with pytest.raises(PreconditionFailed):
        put(store, "a", b"second", if_none_match=True)
    assert store.get("a") == b"first"


def test_put_if_match_refuses_a_stale_etag(store_factory) -> None:
    store = store_factory()
    first = put(store, "a", b"one")
    second = put(store, "a", b"two", if_match=first.etag)
    with pytest.raises(PreconditionFailed):
        put(store, "a", b"three", if_match=first.etag)
    assert store.get("a") == b"two"
    assert second.etag == hashlib.md5(b"two").hexdigest()


def test_put_if_match_on_a_missing_key_is_not_found(store_factory) -> None:
    with pytest.raises(ObjectNotFound):
        put(store_factory(), "nothing", b"x", if_match="0" * 32)


def test_delete_leaves_a_marker_and_keeps_history(store_factory) -> None:
    store = store_factory()
    old = put(store, "a", b"kept")
    marker = store.delete("a")
    with pytest.raises(ObjectNotFound):
        store.get("a")
    assert store.get("a", old.version_id) == b"kept"
    listed = list(store.list_versions("a"))
    assert [(v.version_id, v.is_delete_marker, v.is_latest) for v in listed] == [
        (marker, True, True), (old.version_id, False, False)
    ]


def test_a_deleted_version_is_gone_and_no_other(store_factory) -> None:
    store = store_factory()
    first = put(store, "a", b"one")
    second = put(store, "a", b"two")
    third = put(store, "a", b"three")
    store.delete_version("a", second.version_id)
    with pytest.raises(ObjectNotFound):
        store.get("a", second.version_id)
    assert [v.version_id for v in store.list_versions("a")] == [third.version_id, first.version_id]
    assert store.get("a") == b"three" and store.get("a", first.version_id) == b"one"
    store.delete_version("a", second.version_id)  # already gone: no error


def test_create_only_put_succeeds_over_a_delete_marker(store_factory) -> None:
    store = store_factory()
    put(store, "a", b"one")
    store.delete("a")
    assert put(store, "a", b"again", if_none_match=True).version_id


def test_missing_bucket_is_reported(store_factory, tmp_path: Path) -> None:
    store = store_factory()
    from nbvc.store.local import LocalStore
    from nbvc.store.s3 import S3Store

    if isinstance(store, S3Store):
        ghost = S3Store("nbvc-no-such-bucket", store.client)
    else:
        assert isinstance(store, LocalStore)
        with pytest.raises(BucketNotFound):
            LocalStore(tmp_path / "nowhere")
        return
    with pytest.raises(BucketNotFound):
        ghost.versioning()


def _create_only(root: str, body: bytes) -> str:
    from nbvc.store.local import LocalStore

    try:
        LocalStore(Path(root)).put("race.ipynb", body, sha256=sha(body), if_none_match=True)
        return "won"
    except PreconditionFailed:
        return "lost"


def test_local_store_two_processes_racing_on_one_key_have_exactly_one_winner(tmp_path: Path) -> None:
    import multiprocessing

    from nbvc.store.local import LocalStore

    LocalStore.create(tmp_path / "store")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_create_only, [(str(tmp_path / "store"), str(i).encode())
                                              for i in range(8)])
    assert results.count("won") == 1
    assert len(list(LocalStore(tmp_path / "store").list_versions())) == 1
