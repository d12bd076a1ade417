"""A deterministic corpus of realistic notebooks, made with nbformat.

Code and markdown cells, some code cells with text outputs and embedded PNG
images; sizes from about 2 KB to about 2 MB (log-normal, median about 17 KB);
nested folders up to three levels deep. The same seed always makes the same bytes.

    python -m benchmarks.corpus DIR COUNT [--seed 0]
"""

from __future__ import annotations

import argparse
import base64
import math
import random
import struct
import zlib
from pathlib import Path

import nbformat

FOLDERS = ["analysis", "etl", "reports/weekly", "reports/monthly", "scratch",
           "models/train", "models/eval/2026", "dashboards", "ingest/raw", "ingest/clean"]
WORDS = [
    "revenue", "cohort", "churn", "forecast", "region", "latency", "pipeline", "feature", "sample",
    "model", "weekly", "monthly", "baseline", "anomaly", "segment", "dashboard", "metric", "quantile",
]


def png(rng: random.Random, size: int) -> bytes:
    """A real PNG of roughly ``size`` bytes (noise does not compress)."""
    side = max(4, int(math.sqrt(size / 3)))
    raw = b"".join(b"\x00" + rng.randbytes(side * 3) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1))
            + chunk(b"IEND", b""))


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def make_notebook(rng: random.Random, target: int) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    size = 0
    cell_id = 0
    while size < target:
        cell_id += 1
        if rng.random() < 0.3:
            text = f"## {sentence(rng, 4)}\n\n{sentence(rng, rng.randint(10, 60))}"
            nb.cells.append(nbformat.v4.new_markdown_cell(text, id=f"c{cell_id}"))
            size += len(text)
            continue
        code = "\n".join(
            f"{rng.choice(WORDS)}_{i} = df['{rng.choice(WORDS)}'].rolling({rng.randint(2, 30)}).mean()"
            for i in range(rng.randint(2, 15)))
        cell = nbformat.v4.new_code_cell(code, id=f"c{cell_id}", execution_count=cell_id)
        size += len(code)
        if rng.random() < 0.5:
            text = "\n".join(f"{rng.random():.6f} {sentence(rng, 3)}" for _ in range(rng.randint(1, 30)))
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
            size += len(text)
        remaining = target - size
        if remaining > 20_000 and rng.random() < 0.8:
            image = base64.b64encode(png(rng, min(remaining, rng.randint(10_000, 600_000)) * 3 // 4))
            cell.outputs.append(nbformat.v4.new_output(
                "display_data", data={"image/png": image.decode(), "text/plain": "<Figure>"}))
            size += len(image)
        nb.cells.append(cell)
    return nb


def target_size(rng: random.Random) -> int:
    """Log-normal around 17 KB, clipped to 2 KB .. 2 MB."""
    return int(min(2_000_000, max(2_000, rng.lognormvariate(math.log(17_000), 1.6))))


def make_corpus(folder: Path, count: int, seed: int = 0, small: bool = False) -> list[Path]:
    """Write ``count`` notebooks under ``folder``; ``small`` keeps them all near 2 KB."""
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        sub = FOLDERS[n % len(FOLDERS)]
        path = folder / sub / f"nb{n:05d}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nb = make_notebook(rng, 2_000 if small else target_size(rng))
        path.write_text(nbformat.writes(nb), encoding="utf-8")
        paths.append(path)
    return paths


def touch_one_percent(paths: list[Path], seed: int = 1) -> list[Path]:
    """Append a markdown cell to every hundredth notebook (size and mtime change)."""
    changed = paths[::100]
    for path in changed:
        nb = nbformat.read(str(path), as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(f"edited {seed}"))
        nbformat.write(nb, str(path))
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = make_corpus(args.folder, args.count, args.seed)
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} notebooks, {total:,} bytes in {args.folder}")


if __name__ == "__main__":
    main()
