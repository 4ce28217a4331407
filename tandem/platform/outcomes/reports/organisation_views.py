"""SCAFFOLD (owned by the reports helper, to be replaced)."""
from __future__ import annotations

from flask import abort

from tandem.platform.access import Role, allow


@allow(Role.ORG_ADMIN)
def reports() -> str:
    abort(501)


@allow(Role.ORG_ADMIN)
def report() -> str:
    abort(501)


@allow(Role.ORG_ADMIN)
def report_csv() -> str:
    abort(501)


@allow(Role.ORG_ADMIN)
def report_xlsx() -> str:
    abort(501)
