"""SCAFFOLD (owned by the surveys helper, to be replaced)."""
from __future__ import annotations

from flask import abort

from tandem.platform.access import Role, allow


@allow(Role.PARTICIPANT)
def my_surveys() -> str:
    abort(501)


@allow(Role.PARTICIPANT)
def answer_survey(survey_id: int) -> str:
    abort(501)
