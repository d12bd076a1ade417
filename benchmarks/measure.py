"""Run one command; write its wall time and its own peak RSS to a file.

    python benchmarks/measure.py RESULT.json COMMAND [ARG...]

The runner times every command through this small process instead of starting the
command itself: Linux counts in a process's peak RSS the memory of the process it was
forked (or vforked) from, so a command started by the runner, which holds a bucket's
worth of listings and clients, reported the runner's size (268 MB for a fetch whose
own peak was 68 MB). Started from here it reports its own, with this small process's
~10 MB as the floor. The time is taken around the command alone, not this
interpreter's start-up. Standard library only: it runs as a script, from any folder.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    result, command = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: become the command
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    with open(result, "w") as out:
        json.dump({"seconds": seconds, "max_rss_kb": usage.ru_maxrss}, out)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
