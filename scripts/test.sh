#!/usr/bin/env bash
# Install everything and run the whole test suite (extra arguments go to pytest,
# e.g. --full for the exhaustive fault runs). Fails if pytest ran no test.
EXTRAS="[test]" source "$(dirname "$0")/setup.sh"
# the browser tests drive Debian's Chromium (Playwright's own browser download is not
# used); without it they skip and say so
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian's chromium for the browser tests" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
            || echo "warning: chromium could not be installed; the browser tests will skip" >&2
    else
        echo "note: no chromium on PATH; the browser tests will skip" >&2
    fi
fi
ruff check .
set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    exit "$status"
fi
# every declared range is true: the fast part of the suite on the lowest versions
bash scripts/lowest.sh
# the scale benchmark's server: LocalStack's S3 installed from its pins, on loopback,
# and the scenario end to end on a small bucket (apart: the install takes a minute)
python -m pytest -q -p no:cacheprovider --localstack tests/test_benchmarks_scale.py
