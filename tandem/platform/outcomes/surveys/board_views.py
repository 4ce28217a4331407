"""SCAFFOLD (owned by the surveys helper, to be replaced)."""
from __future__ import annotations

from flask import abort

from tandem.platform.access import Role, allow


@allow(Role.BOARD)
def surveys() -> str:
    abort(501)


@allow(Role.BOARD)
def prepare() -> str:
    abort(501)


@allow(Role.BOARD)
def survey(survey_id: int) -> str:
    abort(501)


@allow(Role.BOARD)
def dates(survey_id: int) -> str:
    abort(501)


@allow(Role.BOARD)
def edit_question(survey_id: int, question_id: int) -> str:
    abort(501)


@allow(Role.BOARD)
def delete_question(survey_id: int, question_id: int) -> str:
    abort(501)


@allow(Role.BOARD)
def respondents(survey_id: int) -> str:
    abort(501)
