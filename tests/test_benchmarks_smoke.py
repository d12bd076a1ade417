"""The benchmark harness runs end to end on a tiny corpus (no timings are asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.corpus import make_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_corpus_is_deterministic_valid_and_nested(tmp_path: Path) -> None:
    import nbformat

    first = make_corpus(tmp_path / "a", 12, seed=4)
    second = make_corpus(tmp_path / "b", 12, seed=4)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    for path in first:
        nbformat.validate(nbformat.read(str(path), as_version=4))
    assert max(len(p.relative_to(tmp_path / "a").parts) for p in first) == 4


def test_benchmark_runner_smoke(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--count", "10",
         "--only", "sync,requests,log,startup", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(out.with_suffix(".json").read_text())
    tools = {row["tool"] for row in report["rows"]}
    assert {"nbvc push", "raw boto3 16 threads", "nbvc log", "nbvc --version"} <= tools
    assert report["facts"]["S3 requests per pushed save"] == 1.0
    assert report["facts"]["imports boto3"] == {
        "nbvc --version": False, "nbvc log busy.ipynb": False, "nbvc status": False}
    assert "| scenario | tool |" in out.read_text()
