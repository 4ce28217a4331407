"""Fixtures of the pairs' tests: the app's clock fixed at the pair club's moment, and the pair club
(tests/fixtures/pairs.py)."""

from __future__ import annotations

import pytest

from tandem.platform.clock import set_clock
from tests.fixtures.pairs import NOW, build_pair_club


@pytest.fixture()
def clock(app):
    set_clock(app, NOW)
    try:
        yield NOW
    finally:
        set_clock(app, None)


@pytest.fixture()
def pair_club(db, app_context, clock):
    return build_pair_club(db)
