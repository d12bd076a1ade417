"""Save latency through Jupyter's REST API, with and without the nbvc hook.

    python -m benchmarks.save_latency     (starts its own moto and Jupyter servers)
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from tests.jupyterserver import JupyterServer
from tests.s3server import MotoServer

from .corpus import make_notebook


def one_megabyte_notebook() -> dict:
    import random

    rng = random.Random(5)
    while True:
        nb = make_notebook(rng, 1_000_000)
        text = nbformat.writes(nb)
        if 900_000 < len(text) < 1_300_000:
            return json.loads(text)


def measure(endpoint: str, bucket: str, work: Path, saves: int) -> dict[str, list[float]]:
    """Interleaved saves on two servers, one archiving with nbvc, one plain."""
    notebook = one_megabyte_notebook()
    hooked_root, plain_root = work / "jupyter-hook", work / "jupyter-plain"
    hooked_root.mkdir()
    plain_root.mkdir()
    hooked = JupyterServer(hooked_root, f"""
c.FileContentsManager.post_save_hook = "nbvc.jupyter.post_save_hook"
c.NbvcSettings.remote = "s3://{bucket}"
c.NbvcSettings.s3_endpoint_url = "{endpoint}"
""")
    plain = JupyterServer(plain_root, "")
    samples: dict[str, list[float]] = {"with nbvc hook": [], "without hook": []}
    try:
        with ThreadPoolExecutor(2) as pool:  # both start at once: a start takes seconds
            list(pool.map(JupyterServer.start, (hooked, plain)))
        for n in range(saves + 2):
            notebook["cells"][0]["source"] = f"# save {n}"
            for name, server in (("with nbvc hook", hooked), ("without hook", plain)):
                started = time.perf_counter()
                answer = server.save("big.ipynb", notebook)
                elapsed = time.perf_counter() - started
                answer.raise_for_status()
                if n >= 2:  # the first saves warm both servers up
                    samples[name].append(elapsed)
    finally:
        hooked.stop()
        plain.stop()
    return samples


def main() -> None:
    import os

    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    with tempfile.TemporaryDirectory() as scratch:
        server = MotoServer().start()
        try:
            from nbvc.store.s3 import make_client

            client = make_client(server.url, "us-east-1")
            client.create_bucket(Bucket="latency")
            client.put_bucket_versioning(Bucket="latency", VersioningConfiguration={"Status": "Enabled"})
            result = measure(server.url, "latency", Path(scratch), 30)
        finally:
            server.stop()
    for name, values in result.items():
        print(f"{name:16} median {statistics.median(values) * 1000:.1f} ms over {len(values)} saves")
    ratio = statistics.median(result["with nbvc hook"]) / statistics.median(result["without hook"])
    print(f"ratio {ratio:.3f} (target <= 1.15)")


if __name__ == "__main__":
    main()
