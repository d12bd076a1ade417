#!/usr/bin/env bash
# Every declared range is true: install the lowest version each range in pyproject.toml
# allows (nbvc's dependencies and its test extra's, as scripts/floors.py lists them)
# into .venv-lowest, and run the fast part of the suite against them. scripts/test.sh
# runs this after the whole suite; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
# made afresh each time: a package a floor no longer names must not linger in it
"$PYTHON" -m venv --clear .venv-lowest
# read with a Python that has a TOML reader: 3.11's own, or .venv's tomli on 3.10
READER=$([ -x .venv/bin/python ] && echo .venv/bin/python || echo "$PYTHON")
"$READER" scripts/floors.py > .venv-lowest/constraints.txt
rm -rf build
.venv-lowest/bin/python -m pip install --quiet --disable-pip-version-check \
    --constraint .venv-lowest/constraints.txt ".[test]"
echo "lowest versions installed: $(tr '\n' ' ' < .venv-lowest/constraints.txt)" >&2
# the modules that exercise each dependency (S3 client and store, index and its
# upgrade, CLI, sync and merge, publish, Jupyter's server extension, papermill, nbdime)
# without the long fault runs and the browser
PATH="$PWD/.venv-lowest/bin:$PATH" .venv-lowest/bin/python -m pytest -q -p no:cacheprovider \
    tests/test_store_contract.py tests/test_s3_client.py tests/test_credentials.py \
    tests/test_index_upgrade.py tests/test_cli_foundation.py tests/test_status.py \
    tests/test_sync.py tests/test_pull.py tests/test_publish.py tests/test_schema.py \
    tests/test_jupyter_setup.py tests/test_papermill.py tests/test_nbdime.py "$@"
