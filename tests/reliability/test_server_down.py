"""People keep working while the S3 server is down: every save succeeds, and all of
them reach the bucket, in order, once it is back."""

from __future__ import annotations

from pathlib import Path

from ..jupyterserver import saves_through_an_outage

ARCHIVER = 'c.ServerApp.contents_manager_class = "nbvc.jupyter.NbvcContentsArchiver"'


def test_100_saves_while_s3_is_down_are_all_pushed_in_order_after(tmp_path: Path, figures) -> None:
    sources = saves_through_an_outage(tmp_path, ARCHIVER, 100)
    assert sources == [f"save {n}" for n in range(100)]
    figures["saves while S3 was down"] += 100
