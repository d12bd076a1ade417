"""People keep working while the S3 server is down: every save succeeds, and all of
them reach the bucket, in order, once it is back."""

from __future__ import annotations

import json
from pathlib import Path

from ..conftest import s3_client
from ..jupyterserver import JupyterServer, wait_until
from ..s3server import MotoServer, free_port


def test_100_saves_while_s3_is_down_are_all_pushed_in_order_after(tmp_path: Path, figures) -> None:
    port = free_port()
    config = f"""
c.ServerApp.contents_manager_class = "nbvc.jupyter.NbvcContentsArchiver"
c.NbvcSettings.remote = "s3://after-outage"
c.NbvcSettings.s3_endpoint_url = "http://127.0.0.1:{port}"
c.NbvcSettings.user = "kylek"
c.NbvcSettings.retry_delay_max = 1
"""
    jupyter = JupyterServer(tmp_path, config, env={"NBVC_RETRIES": "1"}).start()
    server = MotoServer(port=port)
    try:
        for n in range(100):
            nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": f"save {n}",
                             "id": "c1"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            assert jupyter.save("outage.ipynb", nb).status_code in (200, 201)
        figures["saves while S3 was down"] += 100
        server.start()
        client = s3_client(server.url)
        client.create_bucket(Bucket="after-outage")
        client.put_bucket_versioning(Bucket="after-outage",
                                     VersioningConfiguration={"Status": "Enabled"})
        key = "workspace/kylek/outage.ipynb"

        def versions() -> list[dict]:
            found = client.list_object_versions(Bucket="after-outage", Prefix=key).get("Versions", [])
            return found if len(found) == 100 else []
        found = wait_until(versions, timeout=120, what="100 versions after the outage")
        bodies = [client.get_object(Bucket="after-outage", Key=key, VersionId=v["VersionId"])["Body"].read()
                  for v in reversed(found)]
        sources = ["".join(json.loads(body)["cells"][0]["source"]) for body in bodies]
        assert sources == [f"save {n}" for n in range(100)]
    finally:
        jupyter.stop()
        server.stop()
