"""Fixtures of the programme's tests: the app's clock fixed at the test club's moment, and the test club
(tests/fixtures/programme.py). A module that needs another moment or club defines its own."""

from __future__ import annotations

import pytest

from tandem.platform.clock import set_clock
from tests.fixtures.programme import NOW, build_club


@pytest.fixture()
def clock(app):
    set_clock(app, NOW)
    try:
        yield NOW
    finally:
        set_clock(app, None)


@pytest.fixture()
def club(db, app_context, clock):
    return build_club(db)
