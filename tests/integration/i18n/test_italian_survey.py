"""The surveys in Italian: the default questionnaire is stored with its Italian texts, and the board's question
editor takes a question written in Italian (text and options) and shows it again for editing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.clock import set_clock
from tandem.platform.outcomes.models import Survey, SurveyQuestion
from tandem.platform.tenancy import club_scope
from tests.fixtures.pairs import NOW, build_pair_club


@pytest.fixture()
def club(app, db):
    set_clock(app, NOW)
    try:
        with app.app_context():
            yield build_pair_club(db)
    finally:
        set_clock(app, None)


def test_the_board_writes_a_question_in_italian(app, db, sign_in, club):
    board = sign_in(app.test_client(), club.people["board"])
    base = f"/board/cohorts/{club.cohort.id}/surveys"
    assert board.post(f"{base}/prepare").status_code == 302
    with club_scope(db):
        midpoint = db.scalars(sa.select(Survey).where(Survey.cohort_id == club.cohort.id,
                                                      Survey.kind == "midpoint")).one()
        defaults = {q.key: q for q in db.scalars(sa.select(SurveyQuestion).where(
            SurveyQuestion.survey_id == midpoint.id))}
        assert defaults["mentee_useful"].text_it == "Quanto Le sono utili gli incontri?"
        assert defaults["mentee_useful"].end_labels("it") == ["per niente utili", "molto utili"]
        assert defaults["mentor_gained"].option_texts("it")[1] == "Presentare le mie idee"
    page = board.get(f"{base}/{midpoint.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="text_it"' in page and 'name="options_it"' in page
    added = board.post(f"{base}/{midpoint.id}", data={
        "audience": "mentee", "kind": "single", "text_it": "Quale formato preferisce?",
        "options_it": "Online\nIn presenza"})
    assert added.status_code == 302
    with club_scope(db):
        db.expire_all()
        question = db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.survey_id == midpoint.id,
                                                              SurveyQuestion.key.is_(None))).one()
        assert (question.text_it, question.text_de, question.text_en) == ("Quale formato preferisce?", None, None)
        assert question.options == [{"it": "Online"}, {"it": "In presenza"}]
        assert question.text("de") == "Quale formato preferisce?" and question.text_language("de") == "it"
    edit = board.get(f"{base}/{midpoint.id}/questions/{question.id}", headers={"Accept-Language": "en"})
    assert edit.status_code == 200
    text = edit.get_data(as_text=True)
    assert 'value="Quale formato preferisce?"' in text and "Online\nIn presenza" in text
