"""botocore's service models, parsed once and kept in the user cache.

Building an S3 client makes botocore read and parse several JSON files (the S3
model alone is a megabyte of gzipped JSON, parsed into OrderedDicts): the largest
part of the start of every command that touches the remote. The parsed data is kept marshalled in
``$XDG_CACHE_HOME/nbvc``, keyed by the file's path, size and mtime and by Python's
version, so an upgraded botocore is read afresh. Plain dicts keep key order, which
is all botocore needs from its OrderedDicts.

Before it loads a model, botocore also lists every service it has models for
(hundreds of folders, thousands of stat calls), once per kind of model: the S3 client asks
for two kinds. Those lists are kept too, keyed by botocore's version and by each
model folder's mtime (adding or removing a service's folder changes it).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

import botocore
from botocore.loaders import JSONFileLoader, Loader, create_loader

from .. import usercache

OPENERS = ((".json", open), (".json.gz", gzip.open))


class CachedModelFiles(JSONFileLoader):
    """botocore's file loader, with the parsed result kept in the user cache."""

    def load_file(self, file_path: str) -> Any:
        for extension, opener in OPENERS:
            full = file_path + extension
            try:
                st = os.stat(full)
            except OSError:
                continue
            key = f"{full}\0{st.st_size}\0{st.st_mtime_ns}\0{sys.version}"
            return usercache.remembered("botocore", key, partial(_parse, opener, full))
        return None


def _parse(opener: Callable[..., Any], path: str) -> Any:
    with opener(path, "rb") as handle:
        return json.loads(handle.read().decode("utf-8"))


class CachedServiceLists:
    """``Loader.list_available_services``, its answers kept in the user cache."""

    def __init__(self, list_services: Callable[[str], list[str]], folders: list[str]) -> None:
        self.list_services = list_services
        self.folders = folders

    def __call__(self, type_name: str) -> list[str]:
        stamps = []
        for folder in self.folders:
            try:
                stamps.append(f"{folder}\0{os.stat(folder).st_mtime_ns}")
            except OSError:
                stamps.append(f"{folder}\0-")
        key = "\0".join([type_name, botocore.__version__, sys.version, *stamps])
        return usercache.remembered("botocore-services", key,
                                    lambda: self.list_services(type_name))


def cached_loader(data_path: str | None = None) -> Loader | None:
    """botocore's loader as its session makes it (``data_path``: the session's
    ``AWS_DATA_PATH`` setting, extra model folders), reading files and the lists of
    services through the cache; None when this botocore's loader is not shaped as
    expected (the session then uses its own, uncached)."""
    try:
        loader = create_loader(data_path)
        if not isinstance(getattr(loader, "file_loader", None), JSONFileLoader):
            return None
        loader.file_loader = CachedModelFiles()
        loader.list_available_services = CachedServiceLists(  # type: ignore[method-assign]
            loader.list_available_services, list(loader.search_paths))
    except (AttributeError, TypeError):
        return None
    return loader
