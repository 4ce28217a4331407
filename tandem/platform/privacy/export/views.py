"""SCAFFOLD (owned by the export helper, to be replaced)."""
from __future__ import annotations

from flask import abort

from tandem.platform.access import Role, allow


@allow(Role.PARTICIPANT)
def my_data() -> str:
    abort(501)


@allow(Role.PARTICIPANT)
def request_export() -> str:
    abort(501)


@allow(Role.PARTICIPANT)
def export_status(export_id: int) -> str:
    abort(501)


@allow(Role.PARTICIPANT)
def download(export_id: int, token: str) -> str:
    abort(501)
