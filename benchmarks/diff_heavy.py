"""The diff of two versions of an image-heavy notebook: nbvc's (binary outputs compared
by hash, nbvc/integrations/nbdime.py) beside nbdime alone, in the same run on the same bytes.

    python -m benchmarks.diff_heavy [--images 200] [--image-kb 100] [--changed 10] [--runs 3]

Prints one line per tool: the median time and the notebook's size.
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import time
from typing import Any


def notebook(images: list[str], texts: list[str]) -> bytes:
    import nbformat

    nb = nbformat.v4.new_notebook()
    for n, (image, text) in enumerate(zip(images, texts, strict=True)):
        cell = nbformat.v4.new_code_cell(f"plot({n})  # {text}")
        cell.outputs = [nbformat.v4.new_output(
            "display_data", data={"image/png": image, "text/plain": f"<Figure {n}>"})]
        cell.id = f"cell-{text.split(',')[0].replace(' ', '-')}"
        nb.cells.append(cell)
    return nbformat.writes(nb).encode()


def image(rng: random.Random, kb: int) -> str:
    """A PNG's worth of base64, in 76-character lines as Jupyter writes many of them."""
    return base64.encodebytes(rng.randbytes(kb * 768)).decode()


def versions(images: int, image_kb: int, changed: int, seed: int = 7) -> tuple[bytes, bytes]:
    """Two versions: ``changed`` images redrawn and as many cells edited, and one new
    cell near the top (so every cell after it is matched anew)."""
    rng = random.Random(seed)
    drawn = [image(rng, image_kb) for _ in range(images)]
    texts = [f"step {n}" for n in range(images)]
    later, later_texts = list(drawn), list(texts)
    for n in rng.sample(range(images), changed):
        later[n] = image(rng, image_kb)
        later_texts[n] = f"step {n}, edited"
    later.insert(1, image(rng, image_kb))
    later_texts.insert(1, "a new step")
    return notebook(drawn, texts), notebook(later, later_texts)


def timed(function: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--image-kb", type=int, default=100)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import nbdime
    import nbformat

    from nbvc.core.versions import Side
    from nbvc.integrations.nbdime import diff_json

    a, b = versions(args.images, args.image_kb, args.changed)
    size = f"{len(a) / 1e6:.1f} MB, {args.images} images, {args.changed} changed"

    def nbvc_diff() -> None:
        diff_json(Side("a", a), Side("b", b))

    def nbdime_alone() -> None:
        nbdime.diff_notebooks(nbformat.reads(a.decode(), as_version=4),
                              nbformat.reads(b.decode(), as_version=4))

    print(f"nbvc diff (outputs by hash)  {timed(nbvc_diff, args.runs):7.2f} s   {size}")
    print(f"nbdime alone                 {timed(nbdime_alone, args.runs):7.2f} s   {size}")


if __name__ == "__main__":
    main()
