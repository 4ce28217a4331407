"""SCAFFOLD (owned by the reports helper, to be replaced)."""
from __future__ import annotations

from flask import abort

from tandem.platform.access import Role, allow


@allow(Role.BOARD)
def cohort_report() -> str:
    abort(501)


@allow(Role.BOARD)
def cohort_report_csv() -> str:
    abort(501)


@allow(Role.BOARD)
def cohort_report_xlsx() -> str:
    abort(501)


@allow(Role.BOARD)
def club_report() -> str:
    abort(501)


@allow(Role.BOARD)
def club_report_csv() -> str:
    abort(501)


@allow(Role.BOARD)
def club_report_xlsx() -> str:
    abort(501)
