"""SCAFFOLD (owned by the records helper, to be replaced)."""
from __future__ import annotations

from flask import abort

from tandem.platform.access import Role, allow


@allow(Role.PARTICIPANT)
def my_consents() -> str:
    abort(501)


@allow(Role.PARTICIPANT)
def who_saw() -> str:
    abort(501)


@allow(Role.PUBLIC)
def notice() -> str:
    abort(501)


@allow(Role.PUBLIC)
def imprint() -> str:
    abort(501)
