# Sourced by demo.sh and test.sh: make .venv and install nbvc (with EXTRAS) into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# a regular install, as users get it (pip rebuilds nbvc from this folder every time):
# its package data enables the Jupyter server extension, which an editable install
# leaves out. Commands and Jupyter servers run the installed copy, so run this again
# after changing nbvc (the test suite checks that it did).
rm -rf build  # setuptools' build folder would carry a module this folder no longer has
.venv/bin/python -m pip install --quiet --disable-pip-version-check ".${EXTRAS:-}"
export PATH="$PWD/.venv/bin:$PATH"
