"""Diffs of notebooks full of images: binary outputs are compared by hash, and the
diff nbvc returns is still nbdime's, applying to the one side to give the other."""

from __future__ import annotations

import base64
import json
import random

import nbdime
import nbformat
from nbdime import diff_format

from benchmarks.diff_heavy import versions
from nbvc.core.versions import Side
from nbvc.integrations.nbdime import diff_json


def as_entries(diff: list) -> list:
    """The JSON diff back as nbdime's DiffEntry objects, which nbdime.patch takes."""
    return [diff_format.DiffEntry(**{k: as_entries(v) if k == "diff" else v for k, v in e.items()})
            for e in diff]


def test_the_diff_turns_one_version_into_the_other(tmp_path) -> None:  # noqa: ANN001
    a, b = versions(images=12, image_kb=8, changed=4)
    diff = diff_json(Side("a", a), Side("b", b))
    left, right = (nbformat.reads(x.decode(), as_version=4) for x in (a, b))
    patched = nbdime.patch(left, as_entries(diff))
    assert json.loads(json.dumps(patched)) == json.loads(json.dumps(right))
    assert "nbvc-sha256:" not in json.dumps(diff)  # every stand-in swapped back


def test_equal_images_make_no_diff_and_a_redrawn_one_is_one_change() -> None:
    rng = random.Random(3)
    picture = base64.b64encode(rng.randbytes(6000)).decode()

    def one(image: str) -> bytes:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("plot()")
        cell.id = "plot"
        cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": image})]
        nb.cells = [cell]
        return nbformat.writes(nb).encode()

    assert diff_json(Side("a", one(picture)), Side("b", one(picture))) == []
    redrawn = base64.b64encode(rng.randbytes(6000)).decode()
    changed = json.dumps(diff_json(Side("a", one(picture)), Side("b", one(redrawn))))
    assert redrawn in changed and "nbvc-sha256:" not in changed
