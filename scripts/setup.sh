# Sourced by demo.sh and test.sh: make .venv and install nbvc (with EXTRAS) into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${EXTRAS:-}" \
    --config-settings editable_mode=compat  # a path in a .pth: no import finder to load at every start
export PATH="$PWD/.venv/bin:$PATH"
# compile nbvc's bytecode once, as a regular install does: with
# PYTHONDONTWRITEBYTECODE set, an editable install would recompile on every command
.venv/bin/python -m compileall -q nbvc
