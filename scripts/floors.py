"""Print a pip constraints file that pins every dependency nbvc declares (its own and
its test extra's) to the lowest version its range allows: what ``scripts/lowest.sh``
installs to check that each declared floor is true."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # nbvc depends on tomli there
    import tomli as tomllib

#: ``name[extras]>=floor`` (further clauses and an environment marker may follow)
FLOOR = re.compile(r"^\s*([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def floors(pyproject: Path) -> dict[str, str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    found: dict[str, str] = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        match = FLOOR.match(requirement)
        if match is None:
            raise SystemExit(f"error: {requirement!r} in {pyproject} has no lower bound")
        name, floor = match.groups()
        found[name.lower()] = floor
    return found


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    for name, floor in sorted(floors(root / "pyproject.toml").items()):
        print(f"{name}=={floor}")
