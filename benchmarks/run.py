"""Benchmarks of nbvc against its peers, each scenario on one local S3 server that
every tool shares, with ratios from the same run.

    python -m benchmarks.run [--quick] [--runs N]

Starts its own moto server on 127.0.0.1 (and LocalStack's S3 for the scale
scenario, see localstack.py), runs every scenario, prints a table of medians and
ratios, and writes docs/performance.md and docs/performance.json.
Peers that are not installed (aws, s3cmd, rclone) are reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.faultproxy import FaultProxy
from tests.s3server import MotoServer

from .corpus import make_corpus, touch_one_percent

ROOT = Path(__file__).resolve().parent.parent
MEASURE = Path(__file__).resolve().with_name("measure.py")
#: samples of the sub-second commands (status, log and their baselines), interleaved:
#: they last 0.03-0.2 s, and one hiccup of this VM moves a median of three by a third
SHORT_SAMPLES = 11
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass
class Row:
    scenario: str
    tool: str
    seconds: float | None
    note: str = ""
    samples: list[float] = field(default_factory=list)


class Bench:
    """Shared state of one benchmark run: the server, a scratch folder, results."""

    def __init__(self, runs: int, work: Path) -> None:
        self.runs = runs
        self.work = work
        self.server = MotoServer(log_path=work / "moto.log").start()
        self.env = {**os.environ, **CREDENTIALS}
        self.client = self._client()
        self.rows: list[Row] = []
        self.facts: dict[str, Any] = {}
        self.buckets = 0

    def _client(self) -> Any:
        os.environ.update(CREDENTIALS)
        from nbvc.store.s3 import make_client

        return make_client(self.server.url, "us-east-1", pool_size=32)

    @contextmanager
    def serving(self, server: Any) -> Iterator[None]:
        """Scenarios run inside talk to ``server`` (started here, stopped after)
        instead of the moto server."""
        moto = self.server, self.client
        self.server = server.start()
        try:
            self.client = self._client()
            yield
        finally:
            server.stop()
            self.server, self.client = moto

    def bucket(self) -> str:
        self.buckets += 1
        name = f"bench-{self.buckets}"
        self.client.create_bucket(Bucket=name)
        self.client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        return name

    def run(self, command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
            check: bool = True) -> tuple[float, int]:
        """Wall time and peak RSS (KB) of one command (taken by measure.py, which see),
        started on a quiet disk: the kernel's write-back of files the set-up just wrote
        slows every file creation for seconds, which would be charged to whichever tool
        runs next."""
        os.sync()
        result = self.work / "measured.json"
        result.unlink(missing_ok=True)
        process = subprocess.run([sys.executable, str(MEASURE), str(result), *command], cwd=cwd,
                                 env=env or self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if check and process.returncode != 0:
            stderr = process.stderr.decode(errors="replace")
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {stderr[-500:]}")
        measured = json.loads(result.read_text())
        return measured["seconds"], measured["max_rss_kb"]

    def record(self, scenario: str, tool: str, samples: list[float], note: str = "") -> Row:
        row = Row(scenario, tool, statistics.median(samples) if samples else None, note, samples)
        self.rows.append(row)
        shown = f"{row.seconds:.3f}s" if row.seconds is not None else "skipped"
        print(f"  {scenario:34} {tool:22} {shown:>10}  {note}", flush=True)
        return row

    def median(self, scenario: str, tool: str) -> float | None:
        return next((r.seconds for r in self.rows if r.scenario == scenario and r.tool == tool), None)


def nbvc(*args: str) -> list[str]:
    return [sys.executable, "-m", "nbvc", *args]


def workspace(bench: Bench, corpus: Path, name: str, bucket: str, endpoint: str | None = None) -> Path:
    root = bench.work / name
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(corpus, root)
    bench.run(nbvc("init", "--remote", f"s3://{bucket}", "--endpoint-url",
                   endpoint or bench.server.url, "--user", "bench"), cwd=root)
    return root


# -- peers ---------------------------------------------------------------------------


def peer_commands(bench: Bench, source: Path, prefix: str) -> dict[str, list[str]]:
    """Each installed peer's sync command, each into a bucket of its own (see
    :func:`sync_scenarios`)."""
    url = bench.server.url
    port = bench.server.port
    commands = {}
    if shutil.which("aws"):
        commands["aws s3 sync"] = ["aws", "s3", "sync", "--only-show-errors", "--endpoint-url", url,
                                   str(source), f"s3://{bench.bucket()}/{prefix}/aws/"]
    if shutil.which("s3cmd"):
        commands["s3cmd sync"] = ["s3cmd", "--config=/dev/null", "--access_key=testing",
                                  "--secret_key=testing", f"--host=127.0.0.1:{port}",
                                  f"--host-bucket=127.0.0.1:{port}", "--no-ssl", "--region=us-east-1",
                                  "-q", "sync", f"{source}/", f"s3://{bench.bucket()}/{prefix}/s3cmd/"]
    if shutil.which("rclone"):
        commands["rclone sync"] = ["rclone", "sync", str(source), f"moto:{bench.bucket()}/{prefix}/rclone"]
        commands["rclone sync --checksum --fast-list"] = [
            "rclone", "sync", "--checksum", "--fast-list", str(source),
            f"moto:{bench.bucket()}/{prefix}/rclone-cs"]
    return commands


def peer_env(bench: Bench, tool: str) -> dict[str, str]:
    env = dict(bench.env)
    if tool.startswith("rclone"):
        env.pop("AWS_CA_BUNDLE", None)  # rclone 1.60 refuses plain http while it is set
        env.update(RCLONE_CONFIG="/dev/null", RCLONE_CONFIG_MOTO_TYPE="s3",
                   RCLONE_CONFIG_MOTO_PROVIDER="Other", RCLONE_CONFIG_MOTO_ENDPOINT=bench.server.url,
                   RCLONE_CONFIG_MOTO_REGION="us-east-1", RCLONE_CONFIG_MOTO_FORCE_PATH_STYLE="true",
                   RCLONE_CONFIG_MOTO_ACCESS_KEY_ID="testing",
                   RCLONE_CONFIG_MOTO_SECRET_ACCESS_KEY="testing")
    return env


def raw_boto3_put(bench: Bench, source: Path, bucket: str, prefix: str, threads: int = 16) -> float:
    """The rig's ceiling: PutObject of every file over a 16-thread pool."""
    files = [p for p in source.rglob("*.ipynb")]
    os.sync()  # as Bench.run
    started = time.perf_counter()

    def put(path: Path) -> None:
        bench.client.put_object(Bucket=bucket, Key=f"{prefix}/{path.relative_to(source)}",
                                Body=path.read_bytes())
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, files))
    return time.perf_counter() - started


# -- scenarios -----------------------------------------------------------------------


def sync_scenarios(bench: Bench, corpus: Path, count: int) -> None:
    """Initial upload, nothing to do, 1 % changed: nbvc push against every peer.

    Every tool uploads into a bucket of its own: moto's PUTs slow down as a bucket
    fills (2,000 PUTs into a bucket holding 2,000 objects: ~2 % slower than into an
    empty one), which would charge each tool for the tools that went before it."""
    initial, idle, changed, raw, rss = [], [], [], [], []
    peers: dict[str, dict[str, list[float]]] = {}
    missing = [t for t in ("aws", "s3cmd", "rclone") if not shutil.which(t)]
    for run in range(bench.runs):
        raw.append(raw_boto3_put(bench, corpus, bench.bucket(), f"raw{run}"))
        root = workspace(bench, corpus, f"ws{run}", bench.bucket())
        seconds, peak = bench.run(nbvc("push"), cwd=root)
        initial.append(seconds)
        rss.append(peak)
        idle.append(bench.run(nbvc("push"), cwd=root)[0])
        paths = sorted(root.rglob("*.ipynb"))
        touch_one_percent([p for p in paths if ".nbvc" not in p.parts])
        changed.append(bench.run(nbvc("push"), cwd=root)[0])
        source = bench.work / f"peer-src{run}"
        if source.exists():
            shutil.rmtree(source)
        shutil.copytree(corpus, source)
        commands = peer_commands(bench, source, f"peers{run}")
        for tool, command in commands.items():
            env = peer_env(bench, tool)
            stats = peers.setdefault(tool, {"initial": [], "idle": [], "changed": []})
            stats["initial"].append(bench.run(command, env=env)[0])
            stats["idle"].append(bench.run(command, env=env)[0])
        touch_one_percent(sorted(source.rglob("*.ipynb")), seed=run + 7)
        for tool, command in commands.items():
            peers[tool]["changed"].append(bench.run(command, env=peer_env(bench, tool))[0])
    label = f"{count} notebooks"
    bench.record(f"initial upload, {label}", "raw boto3 16 threads", raw)
    bench.record(f"initial upload, {label}", "nbvc push", initial, "save + upload")
    for tool, stats in peers.items():
        bench.record(f"initial upload, {label}", tool, stats["initial"])
    bench.record(f"nothing to do, {label}", "nbvc push", idle)
    for tool, stats in peers.items():
        bench.record(f"nothing to do, {label}", tool, stats["idle"])
    bench.record(f"1% changed, {label}", "nbvc push", changed)
    for tool, stats in peers.items():
        bench.record(f"1% changed, {label}", tool, stats["changed"])
    bench.facts["push peak RSS MB"] = round(max(rss) / 1024, 1)
    bench.facts["peers missing"] = missing


def request_count(bench: Bench, corpus: Path) -> None:
    """S3 requests per pushed save, counted by a proxy in front of the server."""
    with FaultProxy(bench.server.port) as proxy:
        root = workspace(bench, corpus, "counted", bench.bucket(), endpoint=proxy.url)
        before = sum(proxy.counts.values())
        bench.run(nbvc("push"), cwd=root)
        requests = sum(proxy.counts.values()) - before
        saves = len([p for p in root.rglob("*.ipynb") if ".nbvc" not in p.parts])
        idle_before = sum(proxy.counts.values())
        bench.run(nbvc("push"), cwd=root)
        idle = sum(proxy.counts.values()) - idle_before
    bench.facts["S3 requests per pushed save"] = round(requests / saves, 3)
    bench.facts["S3 requests of a push with nothing to do"] = idle
    print(f"  requests per pushed save: {requests}/{saves}; idle push: {idle} requests", flush=True)


def status_vs_git(bench: Bench, count: int) -> None:
    """nbvc status on unchanged notebooks (index primed) against git status."""
    root = bench.work / "status"
    make_corpus(root, count, seed=3, small=True)
    bench.run(nbvc("init", "--user", "bench"), cwd=root)
    bench.run(nbvc("push"), cwd=root)  # to the embedded store: nothing to report, as after a commit
    bench.run(nbvc("status"), cwd=root)
    git = ["git", "-c", "user.name=b", "-c", "user.email=b@b"]
    bench.run([*git, "init", "-q"], cwd=root)
    (root / ".gitignore").write_text(".nbvc/\n")
    bench.run([*git, "add", "-A"], cwd=root)
    bench.run([*git, "commit", "-qm", "x"], cwd=root)
    bench.run(["git", "status"], cwd=root)
    samples = {"nbvc status": [], "git status": []}
    for _ in range(max(SHORT_SAMPLES, bench.runs)):
        samples["nbvc status"].append(bench.run(nbvc("status"), cwd=root)[0])
        samples["git status"].append(bench.run(["git", "status", "--porcelain"], cwd=root)[0])
    for tool, values in samples.items():
        bench.record(f"status, {count} unchanged", tool, values)


def log_vs_startup(bench: Bench, versions: int) -> None:
    """nbvc log of a notebook with many versions against bare start-up."""
    root = bench.work / "log"
    root.mkdir()
    sys.path.insert(0, str(ROOT))
    from nbvc.core.workspace import Workspace
    from nbvc.digest import Digest

    ws, _ = Workspace.init(root, {"user": "bench"})
    (root / "busy.ipynb").write_text("{}")
    for n in range(versions):
        ws.record_digest("busy.ipynb", Digest(f"{n:064x}", f"{n:032x}", 100 + n), f"save {n}")
    ws.close()
    samples = {"nbvc log": [], "nbvc --version": []}
    for _ in range(max(SHORT_SAMPLES, bench.runs)):
        samples["nbvc log"].append(bench.run(nbvc("log", "busy.ipynb"), cwd=root)[0])
        samples["nbvc --version"].append(bench.run(nbvc("--version"), cwd=root)[0])
    for tool, values in samples.items():
        bench.record(f"log, {versions} versions", tool, values)


def remote_versions(bench: Bench, versions: int, notebooks: int) -> str:
    """A bucket holding ``versions`` versions of ``notebooks`` notebooks in ten folders,
    each as another nbvc workspace pushes it (with its metadata); returns its name."""
    import hashlib
    import uuid

    from nbvc.core.sync import save_metadata

    bucket = bench.bucket()

    def put(n: int) -> None:
        body = json.dumps({"cells": [], "metadata": {"n": n}, "nbformat": 4, "nbformat_minor": 5})
        data = body.encode()
        row = {"sha256": hashlib.sha256(data).hexdigest(), "uid": uuid.uuid4().hex,
               "parent_uid": None, "saved_at": f"2026-11-27T00:00:{n % 60:02d}.{n:06d}+00:00",
               "author": "other", "host": "elsewhere", "message": None}
        key = f"workspace/bench/d{n % 10}/f{n % notebooks:05d}.ipynb"
        bench.client.put_object(Bucket=bucket, Key=key, Body=data, Metadata=save_metadata(row))
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(put, range(versions)))
    return bucket


def fetch_vs_list(bench: Bench, versions: int, notebooks: int | None = None,
                  scenario: str = "fetch") -> tuple[str, Path]:
    """nbvc fetch of many remote versions into an empty index against listing them, and
    fetch's peak memory; returns the scenario's name and the last fetched workspace
    (for :func:`workspace_log`)."""
    notebooks = notebooks or max(1, versions // 100)  # 100 versions per notebook by default
    began = time.perf_counter()
    bucket = remote_versions(bench, versions, notebooks)
    print(f"  bucket of {versions} versions filled in {time.perf_counter() - began:.0f}s", flush=True)
    samples: dict[str, list[float]] = {"nbvc fetch": [], "aws s3api list-object-versions": []}
    peak, first_logs = 0, []
    for run in range(bench.runs):
        root = bench.work / f"{scenario}{run}"
        root.mkdir()
        bench.run(nbvc("init", "--remote", f"s3://{bucket}", "--endpoint-url", bench.server.url,
                       "--user", "bench"), cwd=root)
        seconds, rss = bench.run(nbvc("fetch"), cwd=root)
        # read-only: the last connection to close would otherwise fold the index's WAL in
        uri = f"file:{root / '.nbvc' / 'index.db'}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as index:
            (recorded,) = index.execute("SELECT count(*) FROM saves").fetchone()
        if recorded != versions:  # a fast fetch that missed versions measures nothing
            raise RuntimeError(f"nbvc fetch recorded {recorded} of the bucket's {versions} versions")
        samples["nbvc fetch"].append(seconds)
        peak = max(peak, rss)
        first_logs.append(bench.run(nbvc("log"), cwd=root)[0])
        if shutil.which("aws"):
            samples["aws s3api list-object-versions"].append(bench.run(
                ["aws", "s3api", "list-object-versions", "--endpoint-url", bench.server.url,
                 "--bucket", bucket, "--prefix", "workspace/bench/"])[0])
        if run < bench.runs - 1:
            shutil.rmtree(root)
    name = f"{scenario}, {versions} remote versions" + (f" of {notebooks} notebooks" if scenario != "fetch"
                                                       else "")
    for tool in ("nbvc fetch", "aws s3api list-object-versions"):
        bench.record(name, tool, samples[tool])
    bench.facts[f"{name}: fetch peak RSS MB"] = round(peak / 1024, 1)
    bench.facts[f"{name}: first nbvc log after each fetch, s"] = [round(s, 3) for s in first_logs]
    return name, root


def workspace_log(bench: Bench, name: str, root: Path) -> None:
    """The log of a fetched workspace, which asks the bucket nothing, timed as the other
    sub-second commands are (the first log after each fetch is a figure of its own: it
    may read an index the VM has paged out, see README.md)."""
    bench.record(name, "nbvc log (workspace)",
                 [bench.run(nbvc("log"), cwd=root)[0] for _ in range(SHORT_SAMPLES)])
    shutil.rmtree(root)


def scale_scenario(bench: Bench, versions: int, server: str) -> None:
    """:func:`fetch_vs_list` of a big history (100 versions a notebook), on LocalStack's
    S3 (see benchmarks/localstack.py) unless ``server`` is moto."""
    notebooks = max(1, versions // 100)
    if server == "moto":
        bench.facts["scale server"] = "moto (the other scenarios' server)"
        workspace_log(bench, *fetch_vs_list(bench, versions, notebooks, "scale"))
        return
    from .localstack import VERSION, LocalStackServer

    bench.facts["scale server"] = f"LocalStack {VERSION} in server mode, S3 alone, on 127.0.0.1"
    with bench.serving(LocalStackServer(bench.work / "localstack", bench.work / "localstack.log")):
        fetched = fetch_vs_list(bench, versions, notebooks, "scale")
    workspace_log(bench, *fetched)  # with the server (a gigabyte of versions) stopped


def push_memory(bench: Bench, counts: tuple[int, ...]) -> None:
    """Peak RSS of push as the corpus grows (~2 MB notebooks): it must stay flat."""
    import random

    import nbformat

    from .corpus import make_notebook

    template = nbformat.writes(make_notebook(random.Random(9), 2_000_000)).encode()
    for count in counts:
        root = bench.work / f"memory{count}"
        for n in range(count):
            folder = root / f"part{n % 10}"
            folder.mkdir(parents=True, exist_ok=True)
            # same shape, distinct bytes: a trailing run of spaces is still valid JSON
            (folder / f"big{n}.ipynb").write_bytes(template + b" " * n)
        bench.run(nbvc("init", "--remote", f"s3://{bench.bucket()}", "--endpoint-url",
                       bench.server.url, "--user", "bench"), cwd=root)
        seconds, peak_kb = bench.run(nbvc("push"), cwd=root)
        size_mb = sum(p.stat().st_size for p in root.rglob("*.ipynb")) / 1e6
        bench.facts[f"push peak RSS MB, {size_mb:.0f} MB corpus"] = round(peak_kb / 1024, 1)
        print(f"  push of {size_mb:.0f} MB: {seconds:.1f}s, peak RSS {peak_kb / 1024:.0f} MB", flush=True)
        shutil.rmtree(root)


def startup_imports(bench: Bench) -> None:
    """Which commands import boto3 or botocore: none that stay local."""
    root = bench.work / "log"
    found = {}
    for command in (["--version"], ["log", "busy.ipynb"], ["status"]):
        result = subprocess.run(nbvc(*command), cwd=root, env={**bench.env, "PYTHONPROFILEIMPORTTIME": "1"},
                                capture_output=True, text=True)
        found[" ".join(["nbvc", *command])] = any(
            line.rstrip().endswith(("| boto3", "| botocore")) for line in result.stderr.splitlines())
    bench.facts["imports boto3"] = found
    print(f"  imports boto3: {found}", flush=True)


def save_latency(bench: Bench) -> None:
    """Save of a 1 MB notebook through Jupyter's REST API, with and without the hook."""
    from .save_latency import measure

    saves = max(15, bench.runs * 5)
    for tool, values in measure(bench.server.url, bench.bucket(), bench.work, saves).items():
        bench.record("Jupyter save, 1 MB notebook", tool, values)


# -- report --------------------------------------------------------------------------


TARGETS: list[tuple[str, str, str, float, str]] = [
    # scenario prefix, tool, baseline tool, max ratio, target text
    ("initial upload", "nbvc push", "raw boto3 16 threads", 1.15, "<= 1.15 x raw boto3 ceiling"),
    ("initial upload", "nbvc push", "aws s3 sync", 1.0, "faster than aws s3 sync"),
    ("initial upload", "nbvc push", "s3cmd sync", 1.0, "faster than s3cmd sync"),
    ("initial upload", "nbvc push", "rclone sync", 1.0, "faster than rclone sync"),
    ("nothing to do", "nbvc push", "aws s3 sync", 0.2, "<= 0.2 x aws s3 sync"),
    ("nothing to do", "nbvc push", "rclone sync --checksum --fast-list", 1 / 3, "3x faster than rclone-cs"),
    ("1% changed", "nbvc push", "aws s3 sync", 0.3, "<= 0.3 x aws s3 sync"),
    ("status", "nbvc status", "git status", 3.0, "<= 3 x git status"),
    ("log", "nbvc log", "nbvc --version", 1.5, "<= 1.5 x nbvc --version"),
    ("Jupyter save", "with nbvc hook", "without hook", 1.15, "<= 1.15 x without hook"),
    ("fetch", "nbvc fetch", "aws s3api list-object-versions", 1.5, "<= 1.5 x list-object-versions"),
    ("scale", "nbvc fetch", "aws s3api list-object-versions", 1.5, "<= 1.5 x list-object-versions"),
]


def ratios(bench: Bench) -> list[dict[str, Any]]:
    checks = []
    for prefix, tool, baseline, limit, text in TARGETS:
        for scenario in {r.scenario for r in bench.rows if r.scenario.startswith(prefix)}:
            mine, base = bench.median(scenario, tool), bench.median(scenario, baseline)
            if mine is None or not base:
                continue
            ratio = mine / base
            checks.append({"scenario": scenario, "tool": tool, "baseline": baseline,
                           "ratio": round(ratio, 3), "target": text, "met": ratio <= limit})
    return checks


def write_report(bench: Bench, checks: list[dict[str, Any]], command: str, seconds: float) -> str:
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"{platform.platform()}")
    versions = {}
    for module in ("boto3", "botocore", "moto", "jupyter_server"):
        try:
            versions[module] = __import__(module).__version__
        except Exception:
            versions[module] = "?"
    lines = [
        "# Performance", "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `{command}` "
        f"({seconds:.0f} s). Machine: {machine}. Versions: "
        + ", ".join(f"{k} {v}" for k, v in versions.items()) + ". "
        "S3 server: moto in server mode on 127.0.0.1 (about 5 ms of CPU per request), "
        "shared by every tool (the scale scenario's: see \"scale server\" below). "
        "Medians of the runs; lower is better.", "",
        "| scenario | tool | median s | runs |", "| --- | --- | --- | --- |",
    ]
    for row in bench.rows:
        shown = f"{row.seconds:.3f}" if row.seconds is not None else "skipped"
        lines.append(f"| {row.scenario} | {row.tool} | {shown} | {len(row.samples)} |")
    lines += ["", "## Targets (ratios from the same run)", "",
              "| scenario | nbvc | against | ratio | target | met |", "| --- | --- | --- | --- | --- | --- |"]
    for c in checks:
        lines.append(f"| {c['scenario']} | {c['tool']} | {c['baseline']} | {c['ratio']} | {c['target']} | "
                     f"{'yes' if c['met'] else '**no**'} |")
    lines += ["", "## Other figures", ""]
    lines += [f"* {k}: {v}" for k, v in bench.facts.items()]
    lines += ["", "Re-run: `python -m benchmarks.run --quick` (about a minute or two) or "
              "`python -m benchmarks.run` (full). A big history, 100,000 versions, on its own: "
              "`python -m benchmarks.run --only scale` writes docs/performance-scale.md. "
              "See `benchmarks/README.md`.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpora, one run each")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--count", type=int, default=None, help="notebooks in the sync corpus")
    parser.add_argument("--out", type=Path, default=None,
                        help="the report (and its .json beside it); by default "
                             "docs/performance.md, or docs/performance-scale.md for --only scale")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--scale-versions", type=int, default=None,
                        help="versions in the scale scenario's bucket (100 per notebook)")
    parser.add_argument("--scale-server", choices=("localstack", "moto"), default="localstack",
                        help="the scale scenario's S3 server (moto cannot list 100,000 versions)")
    args = parser.parse_args()
    if args.out is None:  # the scale scenario's report does not take the others' place
        args.out = ROOT / "docs" / ("performance-scale.md" if args.only == "scale" else "performance.md")
    runs = args.runs or (1 if args.quick else 3)
    scale = args.scale_versions or (2_000 if args.quick else 100_000)
    count = args.count or (200 if args.quick else 2000)
    started = time.perf_counter()
    # an installed package has its bytecode compiled; an editable one run with
    # PYTHONDONTWRITEBYTECODE would compile nbvc's modules on every command
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "nbvc")], check=True)
    with tempfile.TemporaryDirectory(prefix="nbvc-bench-") as scratch:
        bench = Bench(runs, Path(scratch))
        try:
            corpus = bench.work / "corpus"
            make_corpus(corpus, count)
            bench.facts["sync corpus"] = (f"{count} notebooks, "
                                          f"{sum(p.stat().st_size for p in corpus.rglob('*.ipynb')):,} bytes")
            scenarios: dict[str, Callable[[], None]] = {
                "sync": lambda: sync_scenarios(bench, corpus, count),
                "requests": lambda: request_count(bench, corpus),
                "status": lambda: status_vs_git(bench, 1000 if args.quick else 10_000),
                "log": lambda: log_vs_startup(bench, 10_000),
                "startup": lambda: startup_imports(bench),
                "fetch": lambda: workspace_log(bench, *fetch_vs_list(bench, 500 if args.quick else 10_000)),
                # a big history: many notebooks with many versions each (only on request:
                # filling the bucket takes minutes)
                "scale": lambda: scale_scenario(bench, scale, args.scale_server),
                "jupyter": lambda: save_latency(bench),
                "memory": lambda: push_memory(bench, (20, 80) if args.quick else (100, 1000)),
            }
            chosen = [s for s in args.only.split(",") if s] or [s for s in scenarios if s != "scale"]
            for name in chosen:
                print(f"[{name}]", flush=True)
                began = time.perf_counter()
                scenarios[name]()
                print(f"  ({name}: {time.perf_counter() - began:.0f}s)", flush=True)
        finally:
            bench.server.stop()
    checks = ratios(bench)
    print("\nratios:")
    for c in checks:
        print(f"  {c['scenario']:34} {c['tool']:16} vs {c['baseline']:34} {c['ratio']:7.3f} "
              f"{'met' if c['met'] else 'MISSED'} ({c['target']})")
    command = "python -m benchmarks.run " + " ".join(sys.argv[1:])
    seconds = time.perf_counter() - started
    args.out.write_text(write_report(bench, checks, command.strip(), seconds))
    args.out.with_suffix(".json").write_text(json.dumps({
        "command": command.strip(), "seconds": round(seconds, 1),
        "rows": [r.__dict__ for r in bench.rows], "ratios": checks, "facts": bench.facts,
    }, indent=2))
    print(f"\nwrote {args.out} and {args.out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
