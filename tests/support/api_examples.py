"""The `--api-examples=N` option of tests/test_api_properties.py: how many examples schemathesis
generates per operation and caller in its fuzzing phase. The default keeps the whole suite within
its time budget; a larger N is a deeper run.

Registered as a pytest plugin by tests/conftest.py.
"""

from __future__ import annotations

import pytest

DEFAULT_EXAMPLES = 5

_chosen = DEFAULT_EXAMPLES


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--api-examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help="Examples schemathesis generates per operation and caller in "
        f"tests/test_api_properties.py (default {DEFAULT_EXAMPLES}); more is a deeper run.",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _chosen
    _chosen = max(1, int(config.getoption("--api-examples")))


def examples_per_operation() -> int:
    """This run's `--api-examples`; the test module reads it when it is collected, after
    `pytest_configure`."""
    return _chosen
