#!/usr/bin/env bash
# Install nbvc and run its main job end to end on the embedded local store:
# no account, no network. Leaves the demo workspace in .demo/ to look around.
source "$(dirname "$0")/setup.sh"
rm -rf .demo && mkdir -p .demo/notebooks
cd .demo
python - <<'PY'
import nbformat
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_markdown_cell("# Sales analysis"), nbformat.v4.new_code_cell("total = 1 + 1")]
nbformat.write(nb, "notebooks/analysis.ipynb")
PY
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step nbvc init --user demo
step nbvc save notebooks/analysis.ipynb -m "first draft"
python - <<'PY'
import nbformat
nb = nbformat.read("notebooks/analysis.ipynb", as_version=4)
nb.cells.append(nbformat.v4.new_code_cell("print(total * 2)"))
nbformat.write(nb, "notebooks/analysis.ipynb")
PY
step nbvc save notebooks/analysis.ipynb
step nbvc save notebooks/analysis.ipynb
if nbvc push --help >/dev/null 2>&1; then
    step nbvc push
fi
step nbvc log notebooks/analysis.ipynb
step nbvc doctor
printf '\nDemo workspace left in %s\n' "$PWD"
