"""The surveys' operations called directly (as the demo and the job do): preparing and re-dating, opening only
the people in a running or completed tandem, the refusals of save_response (nothing written), closing that
clears every key, and the job's claims (a worker killed mid-way loses nobody and mails nobody twice)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import Cohort
from tandem.platform.outcomes.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.outcomes.surveys import mailing
from tandem.platform.outcomes.surveys.operations import (
    AnswerInput,
    close_survey,
    ensure_surveys,
    open_survey,
    own_response,
    respondent_key,
    save_response,
)
from tandem.platform.pairs.models import ClosureOutcome, PairClosure
from tandem.platform.refusals import FieldProblems, OperationRefused
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import PairStatus
from tests.fixtures.pairs import NOW, build_pair_club, outbox, zurich


@pytest.fixture()
def club(app, db, app_context):
    set_clock(app, NOW)
    club = build_pair_club(db)
    yield club
    set_clock(app, None)


def keys(db, survey_id: int) -> dict[str, int]:
    return {key: question_id for key, question_id in db.execute(
        sa.select(SurveyQuestion.key, SurveyQuestion.id).where(SurveyQuestion.survey_id == survey_id))}


def test_prepare_redate_open_answer_close(app, db, club):
    with club_scope(db):
        cohort = db.get(Cohort, club.cohort.id)
        midpoint, final = ensure_surveys(db, cohort)
        assert ensure_surveys(db, cohort) == [midpoint, final]  # idempotent
        assert db.scalar(sa.select(sa.func.count()).select_from(SurveyQuestion)) == 20
        # The kick-off moves a month later: the mid-point survey no longer fits and is dated again.
        cohort.kickoff_on, cohort.closing_on, cohort.symposium_on = date(2027, 7, 1), date(2027, 12, 20), None
        ensure_surveys(db, cohort)
        assert midpoint.opens_on == date(2027, 7, 1) + (date(2027, 12, 20) - date(2027, 7, 1)) // 2
        assert (final.opens_on, final.closes_on) == (date(2027, 12, 20), date(2028, 1, 10))
        cohort.kickoff_on, cohort.closing_on, cohort.symposium_on = date(2027, 3, 1), date(2027, 8, 30), None
        midpoint.opens_on, midpoint.closes_on = date(2027, 5, 31), date(2027, 6, 21)
        # Pair two ended early: its people are not asked.
        club.pairs["two"].status = PairStatus.ENDED
        db.add(PairClosure(pair_id=club.pairs["two"].id, outcome=ClosureOutcome.ENDED_EARLY, reason="Moved away"))
        db.flush()
        moment = zurich(2027, 5, 31, 7)
        invitations = open_survey(db, midpoint, moment)
        assert sorted(i.participation_id for i in invitations) == sorted(
            [club.participations["mentor_one"].id, club.participations["mentee_one"].id])
        assert open_survey(db, midpoint, moment) == []  # opened already

        anna, berta = club.participations["mentor_one"], club.participations["mentor_two"]
        ids = keys(db, midpoint.id)
        with pytest.raises(OperationRefused):  # not invited
            save_response(db, midpoint, berta, {ids["mentor_goals"]: AnswerInput(scale_value=3)}, moment=moment)
        with pytest.raises(FieldProblems) as refusal:
            save_response(db, midpoint, anna, {ids["mentor_goals"]: AnswerInput(scale_value=6),
                                               ids["mentor_open"]: AnswerInput(text="x" * 100_000)}, moment=moment)
        assert set(refusal.value.field_messages) == {f"q{ids['mentor_goals']}", f"q{ids['mentor_open']}"}
        with pytest.raises(OperationRefused):  # a mentee's question
            save_response(db, midpoint, anna, {ids["mentee_goals"]: AnswerInput(scale_value=3)}, moment=moment)
        with pytest.raises(OperationRefused):  # learnings: mentees, at the final survey
            save_response(db, midpoint, anna, {ids["mentor_goals"]: AnswerInput(scale_value=3)},
                          learnings=["Something"], moment=moment)
        assert db.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0

        response = save_response(db, midpoint, anna, {ids["mentor_goals"]: AnswerInput(scale_value=4),
                                                      ids["mentor_gained"]: AnswerInput(choices=(4, 1))},
                                 moment=moment)
        assert response.respondent_key == respondent_key(midpoint.id, anna.id)
        assert own_response(db, midpoint.id, anna.id) is response
        assert db.scalars(sa.select(SurveyAnswer.choices).where(SurveyAnswer.choices.is_not(None))).all() == [[1, 4]]
        invitation = db.scalar(sa.select(SurveyInvitation).where(SurveyInvitation.participation_id == anna.id))
        assert invitation.answered_at is not None
        assert invitation.answered_at.utcoffset() in (None, timedelta(0))  # kept in UTC, whatever the moment's zone

        # The server's secret changed while the survey is open: the answers stay counted, and saving again
        # does not count the person twice.
        secret = app.config["SECRET_KEY"]
        app.config["SECRET_KEY"] = "another secret of at least thirty-two characters"
        try:
            with pytest.raises(OperationRefused, match="can no longer be found"):
                save_response(db, midpoint, anna, {ids["mentor_goals"]: AnswerInput(scale_value=2)}, moment=moment)
        finally:
            app.config["SECRET_KEY"] = secret
        assert db.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1

        with pytest.raises(OperationRefused):  # after the last day
            save_response(db, midpoint, anna, {ids["mentor_goals"]: AnswerInput(scale_value=1)},
                          moment=zurich(2027, 6, 22, 0, 30))
        close_survey(db, midpoint, zurich(2027, 6, 22, 1))
        assert midpoint.closed_at is not None
        assert db.scalars(sa.select(SurveyResponse.respondent_key)).all() == [None]
        assert own_response(db, midpoint.id, anna.id) is None
        with pytest.raises(OperationRefused):
            save_response(db, midpoint, anna, {ids["mentor_goals"]: AnswerInput(scale_value=1)}, moment=moment)

        # The final survey: a mentee's learnings, numbered in order, shared.
        final.opened_at = zurich(2027, 8, 30, 6)
        db.add(SurveyInvitation(survey_id=final.id, participation_id=club.participations["mentee_one"].id,
                                organisation_id=club.participations["mentee_one"].organisation_id))
        db.flush()
        response = save_response(db, final, club.participations["mentee_one"], {}, learnings=["", "  A  ", "B"],
                                 share_learnings=True, moment=zurich(2027, 8, 31, 9))
        assert response.share_learnings
        assert db.execute(sa.select(SurveyLearning.position, SurveyLearning.text)).all() == [(1, "A"), (2, "B")]


def test_a_worker_killed_mid_way_loses_nobody_and_mails_nobody_twice(app, db, club, monkeypatch):
    with club_scope(db):
        ensure_surveys(db, db.get(Cohort, club.cohort.id))
        db.commit()
    moment = zurich(2027, 5, 31, 7)
    real_mail = mailing._mail
    calls = {"n": 0}

    def dying_mail(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the worker dies")
        return real_mail(*args, **kwargs)

    monkeypatch.setattr(mailing, "_mail", dying_mail)
    with pytest.raises(RuntimeError):
        mailing.run_surveys(db, moment)
    db.rollback()
    assert len(outbox(db, "survey_invitation")) == 2  # the two before the crash committed with their claims
    monkeypatch.setattr(mailing, "_mail", real_mail)
    done = mailing.run_surveys(db, zurich(2027, 5, 31, 8))
    assert done.invitations == 2 and done.opened == 0
    assert mailing.run_surveys(db, zurich(2027, 5, 31, 9)).invitations == 0
    mails = outbox(db, "survey_invitation")
    assert len(mails) == 4 and len({m.recipient for m in mails}) == 4
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(SurveyInvitation)
                         .where(SurveyInvitation.invited_at.is_(None))) == 0
        assert db.scalar(sa.select(Survey.opened_at).where(Survey.kind == "midpoint")) is not None
