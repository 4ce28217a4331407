"""SCAFFOLD (owned by the erasure helper, to be replaced)."""
from __future__ import annotations

from flask import abort

from tandem.platform.access import Role, allow


@allow(Role.PARTICIPANT)
def my_erasure() -> str:
    abort(501)


@allow(Role.ORG_ADMIN)
def organisation_requests() -> str:
    abort(501)


@allow(Role.ORG_ADMIN)
def organisation_decide(request_id: int) -> str:
    abort(501)


@allow(Role.BOARD)
def board_privacy() -> str:
    abort(501)


@allow(Role.BOARD)
def board_decide(request_id: int) -> str:
    abort(501)
