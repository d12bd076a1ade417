#!/usr/bin/env bash
# Install everything and run the whole test suite (extra arguments go to pytest,
# e.g. --full for the exhaustive fault runs). Fails if pytest ran no test.
EXTRAS="[test]" source "$(dirname "$0")/setup.sh"
ruff check .
set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
