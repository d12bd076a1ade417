"""botocore's service models, parsed once and kept in the user cache.

Building an S3 client makes botocore read and parse several JSON files (the S3
model alone is ~1 MB gzipped JSON, parsed into OrderedDicts): ~60 ms of every
command that touches the remote. The parsed data is kept marshalled in
``$XDG_CACHE_HOME/nbvc``, keyed by the file's path, size and mtime and by Python's
version, so an upgraded botocore is read afresh. Plain dicts keep key order, which
is all botocore needs from its OrderedDicts.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
from typing import Any

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
            tag = f"{full}\0{st.st_size}\0{st.st_mtime_ns}\0{sys.version}".encode()
            name = f"botocore-{hashlib.sha256(tag).hexdigest()[:20]}.bin"
            data = usercache.load(name)
            if data is None:
                with opener(full, "rb") as handle:
                    data = json.loads(handle.read().decode("utf-8"))
                usercache.keep(name, data)
            return data
        return None


def cached_loader(data_path: str | None = None) -> Loader:
    """botocore's loader as its session makes it (``data_path``: the session's
    ``AWS_DATA_PATH`` setting, extra model folders), reading files through the cache."""
    loader = create_loader(data_path)
    loader.file_loader = CachedModelFiles()
    return loader
