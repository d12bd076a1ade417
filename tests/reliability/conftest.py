"""The reliability suite: faults injected for real, figures reported at the end.

Reduced by default (within CI's budget); ``--full`` runs every repetition.
"""

from __future__ import annotations

from collections import Counter

import pytest

FIGURES: Counter[str] = Counter()


@pytest.fixture
def figures() -> Counter[str]:
    """Counters the tests add to: runs, faults injected, saves made, lost, duplicated."""
    return FIGURES


def repetitions(config: pytest.Config, default: int, full: int) -> int:
    return full if config.getoption("--full") else default


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "crash_run" in metafunc.fixturenames:
        metafunc.parametrize("crash_run", range(repetitions(metafunc.config, 4, 30)))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    if FIGURES:
        terminalreporter.section("nbvc reliability figures")
        for name in sorted(FIGURES):
            terminalreporter.write_line(f"{name}: {FIGURES[name]}")
