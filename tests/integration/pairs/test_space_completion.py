"""At closing each partner confirms "we completed our tandem"; when both have, the pair is completed: the
closure's outcome and the pair's status (ended), and its page becomes read-only. Before closing, and for an
ended pair, the confirmation is refused with a message and nothing is written."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.database import as_utc
from tandem.platform.identity.models import User
from tandem.platform.pairs.models import ClosureOutcome, PairClosure
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tests.fixtures.pairs import build_pair_club, zurich

EN = {"Accept-Language": "en"}
CLOSING_DAY = zurich(2027, 8, 30, 10)


@pytest.fixture()
def club(app, db, clock):
    with app.app_context():
        club = build_pair_club(db)
    with club_scope(db):
        for person in club.people.values():
            db.get(User, person.id).preferred_language = "en"
        db.commit()
    return club


def text_of(html: str) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([.,:;)])", r"\1", text)


def closure(db, pair_id: int) -> PairClosure | None:
    with club_scope(db):
        db.expire_all()
        return db.scalar(sa.select(PairClosure).where(PairClosure.pair_id == pair_id))


def pair_row(db, pair_id: int) -> Pair:
    with club_scope(db):
        db.expire_all()
        return db.get(Pair, pair_id)


def complete(client, pair_id: int) -> str:
    response = client.post(f"/me/pairs/{pair_id}/complete", headers=EN, follow_redirects=True)
    assert response.status_code == 200
    return text_of(response.get_data(as_text=True))


def test_before_closing_the_confirmation_is_refused(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    assert "We completed our tandem" not in mentor.get(f"/me/pairs/{pair_id}", headers=EN).get_data(as_text=True)
    text = complete(mentor, pair_id)
    assert "You can confirm that you completed your tandem from the closing on." in text
    assert "The programme closes on August 30, 2027." in text
    assert closure(db, pair_id) is None and pair_row(db, pair_id).status == PairStatus.ACTIVE


def test_both_confirm_at_closing_and_the_pair_is_completed(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    set_clock(app, CLOSING_DAY.astimezone(UTC))
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    mentee = sign_in(app.test_client(), club.people["mentee_one"])

    page = mentor.get(f"/me/pairs/{pair_id}", headers=EN).get_data(as_text=True)
    assert f'action="/me/pairs/{pair_id}/complete"' in page and "We completed our tandem" in page
    text = complete(mentor, pair_id)
    assert "Your partner is asked to confirm too" in text
    assert "You confirmed on August 30, 2027. Your partner has not confirmed yet." in text
    stored = closure(db, pair_id)
    assert stored.mentor_confirmed_at is not None and stored.mentee_confirmed_at is None and stored.outcome is None
    assert pair_row(db, pair_id).status == PairStatus.ACTIVE
    assert "You have already confirmed." in complete(mentor, pair_id)

    text = text_of(mentee.get(f"/me/pairs/{pair_id}", headers=EN).get_data(as_text=True))
    assert "Your partner confirmed on August 30, 2027." in text
    text = complete(mentee, pair_id)
    assert "you both confirmed that you completed your tandem" in text
    assert "You completed your tandem on August 30, 2027. Thank you!" in text
    stored = closure(db, pair_id)
    assert stored.outcome == ClosureOutcome.COMPLETED and stored.mentee_confirmed_at is not None
    assert as_utc(stored.ended_at) == CLOSING_DAY
    pair = pair_row(db, pair_id)
    assert pair.status == PairStatus.ENDED and as_utc(pair.ended_at) == CLOSING_DAY
    assert pair_row(db, club.pairs["two"].id).status == PairStatus.ACTIVE

    # completed: read-only, and the page still answers both partners
    html = mentor.get(f"/me/pairs/{pair_id}", headers=EN).get_data(as_text=True)
    assert "Completed" in html and f'action="/me/pairs/{pair_id}/complete"' not in html
    assert "This tandem has ended" in complete(mentor, pair_id)
    with club_scope(db):
        actions = db.scalars(sa.select(AuditEvent.action).where(AuditEvent.target_id == pair_id,
                                                                AuditEvent.action.like("pair.%"))).all()
    assert sorted(actions) == ["pair.completed", "pair.completion_confirmed", "pair.completion_confirmed"]


def test_a_closing_cohort_opens_the_confirmation_before_its_closing_day(app, db, sign_in, club):
    pair_id = club.pairs["two"].id
    with club_scope(db):
        db.execute(sa.update(Cohort).where(Cohort.id == club.cohort.id).values(state=CohortState.CLOSING))
        db.commit()
    mentee = sign_in(app.test_client(), club.people["mentee_two"])
    assert "Your partner is asked to confirm too" in complete(mentee, pair_id)
    assert closure(db, pair_id).mentee_confirmed_at is not None


def test_a_pair_ended_early_cannot_be_completed(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    set_clock(app, CLOSING_DAY.astimezone(UTC))
    ended_at = datetime(2027, 6, 1, 8, 0, tzinfo=UTC)
    with club_scope(db):
        db.add(PairClosure(pair_id=pair_id, outcome=ClosureOutcome.ENDED_EARLY, reason="Moved abroad",
                           ended_at=ended_at))
        db.execute(sa.update(Pair).where(Pair.id == pair_id).values(status=PairStatus.ENDED, ended_at=ended_at))
        db.commit()
    mentee = sign_in(app.test_client(), club.people["mentee_one"])
    text = text_of(mentee.get(f"/me/pairs/{pair_id}", headers=EN).get_data(as_text=True))
    assert "The club board ended this tandem early, on June 1, 2027." in text
    assert "Moved abroad" not in text
    assert "This tandem has ended" in complete(mentee, pair_id)
    stored = closure(db, pair_id)
    assert stored.mentee_confirmed_at is None and stored.outcome == ClosureOutcome.ENDED_EARLY
