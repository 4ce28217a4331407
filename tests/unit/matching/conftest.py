"""The matching tests' marker: `matching_big` marks the full-size cohorts (2,000 and 5,000 per side, about
two minutes together on two cores). They run only when asked for, so `make test` stays quick:
`pytest -m matching_big tests/unit/matching` or MATCHING_BIG=1."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "matching_big: a full-size matching cohort (a minute, hundreds of MB)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "matching_big" in (config.option.markexpr or "") or os.environ.get("MATCHING_BIG"):
        return
    skip = pytest.mark.skip(reason="full-size matching cohort: run with -m matching_big or MATCHING_BIG=1")
    for item in items:
        if "matching_big" in item.keywords:
            item.add_marker(skip)
