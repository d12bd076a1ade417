"""Three-way notebook merge, by nbdime (cell by cell), never by hand.

``merge(base, local, remote)`` merges two notebooks changed from a common base.
Changes to different cells (or to different fields of a cell) merge cleanly; a cell
changed on both sides is a conflict, reported by position and field, unless a
strategy settles every conflict for one side (``ours`` or ``theirs``: nbdime's
``use-local`` / ``use-remote``, applied to the conflicting parts only).

It lives in the core, not beside the other nbdime glue in ``integrations/nbdime.py``:
pull (``sync.py``) merges with it, and the core imports nothing from the integrations.
"""

from __future__ import annotations

from argparse import Namespace
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError

STRATEGIES = {"ours": "use-local", "theirs": "use-remote"}


@dataclass
class MergeResult:
    """The merged notebook's bytes, or None with one line per conflict."""

    data: bytes | None
    conflicts: list[str] = field(default_factory=list)


def merge(base: bytes, local: bytes, remote: bytes, strategy: str | None = None) -> MergeResult:
    import nbformat
    from nbdime.merging.decisions import apply_decisions
    from nbdime.merging.notebooks import decide_notebook_merge

    if strategy is not None and strategy not in STRATEGIES:
        raise UsageError(f"unknown merge strategy {strategy!r} (use ours or theirs)")
    # no strategy leaves each conflict undecided, for us to report
    args = Namespace(merge_strategy=STRATEGIES.get(strategy or "", ""), input_strategy=None,
                     output_strategy=None, ignore_transients=True, log_level="WARNING")
    sides = [nbformat.reads(data.decode("utf-8"), as_version=4) for data in (base, local, remote)]
    decisions = decide_notebook_merge(*sides, args)
    conflicts = [describe(d, sides[0]) for d in decisions if d.conflict]
    if conflicts:
        return MergeResult(None, conflicts)
    merged = apply_decisions(sides[0], decisions)
    return MergeResult(nbformat.writes(merged).encode("utf-8") + b"\n")


def describe(decision: Any, base: Any) -> str:
    """``cell 3 (source): changed here and there`` for a conflict at cells/2/source."""
    path = list(decision.common_path or ())
    if path[:1] == ["cells"]:
        if len(path) == 1:
            return "cells: added or removed here and there at the same place"
        field = next((str(p) for p in path[2:] if not isinstance(p, int)), "whole cell")
        return f"cell {int(path[1]) + 1} ({field}): changed here and there"
    return f"{'/'.join(str(p) for p in path) or 'notebook'}: changed here and there"
