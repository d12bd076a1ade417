#!/usr/bin/env bash
# Build the JupyterLab 4 / Notebook 7 extension (labextension/: the History panel and the
# sync status item) into nbvc/labextension/, the prebuilt copy that is committed and that
# pyproject.toml ships to share/jupyter/labextensions/nbvc-history/ (installing nbvc needs
# no node). Needs node >= 18 and the venv's jupyterlab (its jlpm and jupyter-builder):
#     EXTRAS="[test]" bash scripts/setup.sh && bash scripts/build-labextension.sh
# then reinstall nbvc (rm -rf build && .venv/bin/pip install ".[test]") and commit
# nbvc/labextension/ with the sources.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/.venv/bin:$PATH"
cd labextension
jlpm install
jlpm build:prod
# what the bundle was built from: tests/test_lab_history.py fails when a source changed
# without a rebuild (the build itself is reproducible: same sources, same files)
sha256sum package.json tsconfig.json yarn.lock src/*.ts style/* > ../nbvc/labextension/sources.sha256
du -sh ../nbvc/labextension
