"""LocalStack's S3 on loopback: the server of the scale scenario.

moto copies every version in a bucket on each ListObjectVersions page (its memory
grew past 14 GB listing 100,000 versions), so the scale scenario's bucket lives in
LocalStack's S3, another real S3 server process over HTTP, with versioning, that pip
installs. It is installed apart from nbvc, into ``.venv-localstack``, from the pinned
``localstack-requirements.txt`` (once; again when that file changes), and runs with
S3 alone, from a scratch folder, stopped by whoever started it.

    python -m benchmarks.localstack   # install it, start it, say where, stop it
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.s3server import free_port

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-localstack"
REQUIREMENTS = Path(__file__).with_name("localstack-requirements.txt")
#: the version pinned in REQUIREMENTS, as the report names the server
VERSION = next(line.split("==")[1] for line in REQUIREMENTS.read_text().splitlines()
               if line.startswith("localstack-core=="))
START_DEADLINE_S = 120.0
#: where LocalStack 4.13's S3 keeps object bodies, whatever it is told (a constant of
#: its S3 provider); removed after a run that made it
S3_BODIES = Path("/tmp/localstack-s3-storage")

# The first CreateBucket looks up "s3.<LOCALSTACK_HOST>" in DNS to decide how to name
# buckets in its answers, the only lookup LocalStack makes with the settings below (seen
# with strace). Benchmarks stay on loopback, so the server starts with that answer given:
# "no such name", as the lookup would find.
LAUNCH = """\
import localstack.utils.aws.aws_stack as stack
stack.CACHE_S3_HOSTNAME_DNS_STATUS = False
from localstack.runtime.main import main
main()
"""


def python() -> Path:
    """The Python of ``.venv-localstack``, installed first if it is missing or older
    than the requirements."""
    stamp = VENV / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"installing LocalStack {VERSION} into {VENV.name} (about a minute)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "-r", str(REQUIREMENTS)], check=True)
        stamp.write_text(wanted)
    return VENV / "bin" / "python"


class LocalStackServer:
    """LocalStack with S3 alone on a free 127.0.0.1 port; same use as
    :class:`tests.s3server.MotoServer` (``url``, ``start``, ``stop``)."""

    def __init__(self, work: Path, log_path: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.work = work
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.made_bodies = False

    def start(self) -> LocalStackServer:
        executable = python()
        self.work.mkdir(parents=True, exist_ok=True)
        self.made_bodies = not S3_BODIES.exists()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.work),  # its caches land here, not in the user's home
            "FILESYSTEM_ROOT": str(self.work / "filesystem"),
            "TMPDIR": str(self.work),
            "SERVICES": "s3",
            # hypercorn binds the address it is given; LocalStack's default (twisted)
            # binds every interface whatever the address
            "GATEWAY_SERVER": "hypercorn",
            "GATEWAY_LISTEN": f"127.0.0.1:{self.port}",
            "LOCALSTACK_HOST": f"127.0.0.1:{self.port}",
            "DNS_ADDRESS": "0",  # no DNS server of its own
            "DISABLE_EVENTS": "1",  # no analytics
            "SKIP_SSL_CERT_DOWNLOAD": "1",  # its certificate made here, not downloaded
        }
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen([str(executable), "-c", LAUNCH], cwd=self.work, env=env,
                                        stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"LocalStack exited with {self.process.returncode}"
                                   + (f"; see {self.log_path}" if self.log_path else ""))
            try:
                with urllib.request.urlopen(f"{self.url}/_localstack/health", timeout=1) as answer:
                    if b'"s3": "available"' in answer.read():
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"LocalStack did not answer on {self.url} within {START_DEADLINE_S}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self.made_bodies:
            shutil.rmtree(S3_BODIES, ignore_errors=True)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nbvc-localstack-") as scratch:
        server = LocalStackServer(Path(scratch)).start()
        print(f"LocalStack {VERSION} answered on {server.url}; stopping it")
        server.stop()
