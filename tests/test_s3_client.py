"""How nbvc builds its S3 client: botocore's models come from the user cache, and
small uploads do not wait for ``100 Continue``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import botocore
import pytest
from botocore.loaders import JSONFileLoader

from nbvc.store import botomodels
from nbvc.store.botomodels import CachedModelFiles
from nbvc.store.s3 import EXPECT_CONTINUE_FROM, S3Store, make_client

from .conftest import make_bucket, s3_client
from .test_store_contract import sha

S3_MODEL = str(Path(botocore.__file__).parent / "data" / "s3" / "2006-03-01" / "service-2")


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "nbvc"


def test_a_cached_model_is_the_parsed_file_in_the_same_order(own_cache: Path) -> None:
    parsed = JSONFileLoader().load_file(S3_MODEL)
    first, second = CachedModelFiles().load_file(S3_MODEL), CachedModelFiles().load_file(S3_MODEL)
    assert len(list(own_cache.glob("botocore-*.bin"))) == 1
    assert json.dumps(first) == json.dumps(second) == json.dumps(parsed)


def test_a_cached_model_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    CachedModelFiles().load_file(S3_MODEL)
    monkeypatch.setattr(botomodels.json, "loads", lambda *_: pytest.fail("parsed again"))
    assert CachedModelFiles().load_file(S3_MODEL)["metadata"]["serviceId"] == "S3"


def test_a_damaged_model_cache_is_parsed_again_and_replaced(own_cache: Path) -> None:
    CachedModelFiles().load_file(S3_MODEL)
    [cached] = own_cache.glob("botocore-*.bin")
    cached.write_bytes(b"\x00garbage")
    assert CachedModelFiles().load_file(S3_MODEL)["metadata"]["serviceId"] == "S3"
    assert cached.read_bytes() != b"\x00garbage"


def test_a_model_file_that_does_not_exist_is_none(tmp_path: Path) -> None:
    assert CachedModelFiles().load_file(str(tmp_path / "service-2")) is None


def test_an_unwritable_cache_still_builds_a_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   moto_server) -> None:  # noqa: ANN001
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    client = s3_client(moto_server.url)
    assert make_bucket(client) in {b["Name"] for b in client.list_buckets()["Buckets"]}


def test_the_list_of_services_is_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "s3" in botomodels.cached_loader().list_available_services("service-2")
    monkeypatch.setattr(os, "listdir", lambda *_: pytest.fail("listed again"))
    assert "s3" in botomodels.cached_loader().list_available_services("service-2")


def test_a_service_added_to_aws_data_path_is_listed(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("AWS_DATA_PATH", str(models))
    assert "nbvc-test" not in botomodels.cached_loader(str(models)).list_available_services("service-2")
    (models / "nbvc-test" / "2020-01-01").mkdir(parents=True)
    (models / "nbvc-test" / "2020-01-01" / "service-2.json").write_text("{}")
    os.utime(models, ns=(1, 1))  # the folder's mtime changed, whatever the clock's grain
    assert "nbvc-test" in botomodels.cached_loader(str(models)).list_available_services("service-2")


def sent_headers(store: S3Store) -> list[dict[str, Any]]:
    """The headers of every request the store's client sends from now on."""
    seen: list[dict[str, Any]] = []
    store.client.meta.events.register("before-send.s3", lambda request, **_: seen.append(
        dict(request.headers)))
    return seen


def test_a_small_upload_does_not_wait_for_100_continue(moto_server) -> None:  # noqa: ANN001
    client = s3_client(moto_server.url)
    store = S3Store(make_bucket(client), client)
    seen = sent_headers(store)
    body = os.urandom(50_000)
    result = store.put("workspace/a.ipynb", body, sha256=sha(body))
    assert "Expect" not in seen[-1]
    assert store.get("workspace/a.ipynb", result.version_id) == body


def test_a_large_upload_from_a_file_still_asks_for_100_continue(moto_server, tmp_path: Path) -> None:  # noqa: ANN001
    client = s3_client(moto_server.url)
    store = S3Store(make_bucket(client), client)
    seen = sent_headers(store)
    body = os.urandom(EXPECT_CONTINUE_FROM + 1)
    (tmp_path / "big.ipynb").write_bytes(body)
    result = store.put("workspace/big.ipynb", tmp_path / "big.ipynb", sha256=sha(body))
    assert seen[-1]["Expect"] == b"100-continue"
    assert store.get("workspace/big.ipynb", result.version_id) == body


def test_models_in_aws_data_path_are_still_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "models" / "s3" / "2006-03-01"
    extra.mkdir(parents=True)
    model = JSONFileLoader().load_file(S3_MODEL)
    model["metadata"]["serviceFullName"] = "S3 from AWS_DATA_PATH"
    (extra / "service-2.json").write_text(json.dumps(model))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "models"))
    client = s3_client("http://127.0.0.1:9")
    assert client.meta.service_model.metadata["serviceFullName"] == "S3 from AWS_DATA_PATH"


def test_a_botocore_whose_loader_is_shaped_otherwise_loads_uncached(
        moto_server, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """The model cache rides on botocore's loader: where a botocore release changes
    its shape, the client is built with botocore's own loader, and works."""
    import botocore.loaders

    class Reshaped(botocore.loaders.Loader):
        def __init__(self) -> None:
            super().__init__()
            self.file_loader = None  # e.g. files read some other way

    monkeypatch.setattr(botomodels, "create_loader", lambda data_path=None: Reshaped())
    assert botomodels.cached_loader() is None
    client = make_client(endpoint_url=moto_server.url)
    assert client.list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
