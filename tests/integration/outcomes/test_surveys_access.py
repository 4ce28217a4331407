"""Another organisation's survey (tests/access/outcomes_surveys.py `arrange_foreign`): A's people never reach it,
whatever they send, and B's invitation and answers are unchanged."""

from __future__ import annotations

import sqlalchemy as sa

from tandem.platform.outcomes.models import SurveyInvitation, SurveyResponse
from tandem.platform.tenancy import club_scope
from tests.access.outcomes_surveys import arrange_foreign
from tests.fixtures.form_probe import build_access_club


def test_a_participant_never_reaches_another_organisations_survey(app, db, sign_in):
    people, _ = build_access_club(db)
    with club_scope(db):
        from tandem.tenants.models import Organisation

        alpha = db.scalar(sa.select(Organisation).where(Organisation.slug == "alpha"))
        beta = db.scalar(sa.select(Organisation).where(Organisation.slug == "beta"))
    foreign = arrange_foreign(db, {"alpha": alpha, "beta": beta, "people": people})["foreign_survey_id"]
    db.commit()

    def snapshot():
        with club_scope(db):
            db.expire_all()
            return (db.execute(sa.select(SurveyInvitation.id, SurveyInvitation.answered_at)
                               .where(SurveyInvitation.survey_id == foreign)).all(),
                    db.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)))

    before = snapshot()
    assert len(before[0]) == 1
    for role in ("participant", "org_admin"):
        client = sign_in(app.test_client(), people[role])
        assert client.get(f"/me/surveys/{foreign}").status_code == 404
        assert client.post(f"/me/surveys/{foreign}", data={"q1": "3"}).status_code == 404
        assert f"/me/surveys/{foreign}\"" not in client.get("/me/surveys").get_data(as_text=True)
    assert snapshot() == before
