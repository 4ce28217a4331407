"""Rematch requests: a participant asks, in the first weeks, with a reason; the board accepts (the pair ends,
both are without a partner) or declines (with a note); everyone concerned is told by mail, in their language."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts.models import CohortState
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.participant.partner import partner_of
from tandem.platform.refusals import FieldProblem
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.rematch.operations import RematchRefused, decide_rematch, request_rematch
from tandem.platform.rematch.queries import open_rematch_count, rematch_open_until
from tandem.platform.tenancy import club_scope, tenant_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_organisation,
    make_tandem,
    make_user,
)


@pytest.fixture(autouse=True)
def _english_browser(client):
    """Pages in English unless the person chose a language (the club's default is German)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

GREETINGS = {"de": "Freundliche Grüsse", "fr": "Avec nos meilleures salutations", "en": "Kind regards"}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture()
def club(app, db):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta", name="Beta Energie")
    topics = [make_catalogue_topic(db, "Artificial intelligence"), make_catalogue_topic(db, "Social media")]
    board = make_board_member(db, alpha, display_name="Regula Widmer", preferred_language="en")
    mentor = make_user(db, alpha, display_name="Lea Brunner", preferred_language="de")
    mentee = make_user(db, beta, display_name="Jean Dupont", preferred_language="fr")
    mentor_part, mentee_part, pair = make_tandem(db, alpha, beta, topics, mentor=mentor, mentee=mentee)
    db.commit()
    return {"alpha": alpha, "beta": beta, "topics": topics, "board": board, "mentor": mentor, "mentee": mentee,
            "mentor_part": mentor_part, "mentee_part": mentee_part, "pair": pair,
            "cohort": mentor_part.cohort, "app": app}


def rematch_url(participation) -> str:
    return f"/me/participations/{participation.id}/rematch"


def requests_of(db, pair_id: int | None = None) -> list[RematchRequest]:
    with club_scope(db):
        db.expire_all()
        query = sa.select(RematchRequest).order_by(RematchRequest.id)
        if pair_id is not None:
            query = query.where(RematchRequest.pair_id == pair_id)
        return list(db.scalars(query))


def pair_status(db, pair) -> tuple[str, bool]:
    with club_scope(db):
        db.expire_all()
        stored = db.get(Pair, pair.id)
        return stored.status, stored.ended_at is not None


def outbox(db) -> list[OutboxMessage]:
    """The mails to participants (the board's notice of each new request is tested apart)."""
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind != "rematch_requested")
                               .order_by(OutboxMessage.id)))


def ask(db, club, who: str = "mentee", reason: str = "We have nothing in common.") -> RematchRequest:
    """Ask as a participant would, directly (in an app context of its own: tests that also send requests
    must not hold one open)."""
    part = club[f"{who}_part"]
    with club["app"].app_context(), tenant_scope(db, part.organisation_id):
        request = request_rematch(db, club[who].id, part.id, reason)
        db.commit()
    return request


def decide(db, club, request_id: int, accept: bool, note: str | None, cohort_id: int | None = None):
    with club["app"].app_context(), club_scope(db):
        row = decide_rematch(db, request_id, cohort_id or club["cohort"].id, accept, note, club["board"].id)
        db.commit()
    return row


# ---------------------------------------------------------------------------------------------- asking


def test_a_participant_asks_within_the_window(client, sign_in, db, club):
    sign_in(client, club["mentee"])
    page = text_of(client.get(rematch_url(club["mentee_part"])).get_data(as_text=True))
    assert "Ce qui se passe" in page and "Lea Brunner" in page  # in her language, French
    response = client.post(rematch_url(club["mentee_part"]), data={"reason": "  We never find a common time.  "})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/")
    [stored] = requests_of(db)
    assert (stored.status, stored.reason, stored.pair_id) == ("open", "We never find a common time.", club["pair"].id)
    assert stored.organisation_id == club["beta"].id
    with club_scope(db):
        assert db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "rematch.requested")).target_id == stored.id
    home = text_of(client.get("/me/").get_data(as_text=True))
    assert "Vous avez demandé à changer de binôme le" in home  # her language, French
    assert 'href="/me/participations/' + str(club["mentee_part"].id) + '/rematch"' not in home
    assert outbox(db) == []  # the participants hear of the decision; the board is told (test_board_is_told)


def test_a_reason_is_needed_and_limited(client, sign_in, db, club):
    sign_in(client, club["mentee"])
    response = client.post(rematch_url(club["mentee_part"]), data={"reason": "   "})
    assert response.status_code == 400
    assert 'id="reason-error-1"' in response.get_data(as_text=True)
    response = client.post(rematch_url(club["mentee_part"]), data={"reason": "x" * 2001})
    assert response.status_code == 400
    assert requests_of(db) == []
    with pytest.raises(FieldProblem):
        ask(db, club, reason="x" * 2001)


def test_asking_twice_is_refused(client, sign_in, db, club):
    ask(db, club)
    with pytest.raises(RematchRefused, match="already asked"):
        ask(db, club, reason="Again")
    db.rollback()
    sign_in(client, club["mentee"])
    page = text_of(client.get(rematch_url(club["mentee_part"])).get_data(as_text=True))
    assert "Vous avez demandé à changer de binôme le" in page
    assert client.post(rematch_url(club["mentee_part"]), data={"reason": "Again"}).status_code == 302
    assert len(requests_of(db)) == 1
    # The partner may ask too: one open request per pair and person.
    ask(db, club, "mentor")
    assert len(requests_of(db)) == 2


def test_the_database_keeps_one_open_request_per_pair_and_person(db, club):
    ask(db, club)
    with club_scope(db), pytest.raises(sa.exc.IntegrityError), db.begin_nested():
        db.add(RematchRequest(organisation_id=club["beta"].id, participation_id=club["mentee_part"].id,
                              pair_id=club["pair"].id, reason="Twice"))
        db.flush()


def test_outside_the_window_the_request_is_refused_with_a_clear_page(app, client, sign_in, db, club):
    cohort = make_cohort(db, CohortState.RUNNING, kickoff_on=date.today() - timedelta(weeks=12))
    late = make_user(db, club["beta"], display_name="Late Mentee")
    _mentor_part, mentee_part, _pair = make_tandem(db, club["alpha"], club["beta"], club["topics"], cohort=cohort,
                                                   mentee=late, activated_days_ago=84)
    db.commit()
    sign_in(client, late)
    response = client.get(rematch_url(mentee_part))
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "possible in the first 6 weeks of a tandem only" in text
    assert 'name="reason"' not in response.get_data(as_text=True)
    assert client.post(rematch_url(mentee_part), data={"reason": "Too late?"}).status_code == 302
    assert requests_of(db) == []
    with app.app_context(), tenant_scope(db, club["beta"].id), pytest.raises(RematchRefused, match="first 6 weeks"):
        request_rematch(db, late.id, mentee_part.id, "Too late?")


def test_the_window_runs_from_the_later_of_publishing_and_kick_off(club):
    from datetime import UTC, datetime

    published = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    assert rematch_open_until(published, date(2027, 3, 1), 6) == date(2027, 4, 12)
    assert rematch_open_until(published, date(2027, 1, 1), 6) == date(2027, 3, 15)
    assert rematch_open_until(None, date(2027, 1, 1), 6) is None


def test_without_a_partner_there_is_nothing_to_ask(client, sign_in, db, club):
    with club_scope(db):
        db.execute(sa.update(Pair).where(Pair.id == club["pair"].id).values(status="ended"))
        db.commit()
    sign_in(client, club["mentee"])
    response = client.get(rematch_url(club["mentee_part"]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/")


# ------------------------------------------------------------------------------------------- the board


def requests_url(club) -> str:
    return f"/board/cohorts/{club['cohort'].id}/matching/rematch-requests"


def test_the_board_sees_open_requests_first_with_everything_it_needs(client, sign_in, db, club):
    first = ask(db, club, "mentor", reason="The first reason")
    decide(db, club, first.id, False, "Please meet once more.")
    second = ask(db, club, "mentee", reason="The second reason")
    assert open_rematch_count(db, club["cohort"].id) == 1
    sign_in(client, club["board"])
    response = client.get(requests_url(club))
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert text.index("The second reason") < text.index("The first reason")  # open first
    assert "Jean Dupont asks for another partner" in text
    assert "Beta Energie" in text and "Alpha Bank" in text and "Mentee" in text and "Mentor" in text
    assert "Please meet once more." in text and "by Regula Widmer" in text
    assert f'/rematch-requests/{second.id}"' in response.get_data(as_text=True)
    assert f'/rematch-requests/{first.id}"' not in response.get_data(as_text=True)  # decided: no form
    # Every matching page's navigation shows how many wait.
    workbench = client.get(f"/board/cohorts/{club['cohort'].id}/matching").get_data(as_text=True)
    assert '<span class="count-badge" title="Waiting for a decision">' in workbench
    assert "1<span class=\"visually-hidden\"> waiting</span>" in workbench


def test_accepting_ends_the_pair_and_tells_both(client, sign_in, db, club):
    request = ask(db, club)
    sign_in(client, club["board"])
    response = client.post(f"{requests_url(club)}/{request.id}",
                           data={"note": "We will find someone else.", "accept": "Accept"})
    assert response.status_code == 302
    assert pair_status(db, club["pair"]) == (PairStatus.ENDED, True)
    [stored] = requests_of(db)
    assert stored.status == RematchStatus.ACCEPTED and stored.decided_by_user_id == club["board"].id
    assert stored.decided_at is not None and stored.board_note == "We will find someone else."
    # Both are without a partner now.
    with tenant_scope(db, club["beta"].id):
        assert partner_of(db, club["mentee"].id, club["mentee_part"].id) is None
    with tenant_scope(db, club["alpha"].id):
        assert partner_of(db, club["mentor"].id, club["mentor_part"].id) is None
    mails = {m.recipient: m for m in outbox(db)}
    assert set(mails) == {club["mentee"].email, club["mentor"].email}
    asked, partner = mails[club["mentee"].email], mails[club["mentor"].email]
    assert (asked.kind, asked.language) == ("rematch_accepted", "fr")
    assert "We will find someone else." in asked.body_text and GREETINGS["fr"] in asked.body_text
    assert (partner.kind, partner.language) == ("pair_ended", "de")
    assert GREETINGS["de"] in partner.body_text
    assert "We will find someone else." not in partner.body_text  # neutral: not the board's note to the other
    assert "nothing in common" not in partner.body_text  # nor the reason
    with club_scope(db):
        assert db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "rematch.accepted")).target_id == request.id
    sign_in(client, club["mentee"])
    assert "Lea Brunner" not in client.get("/me/").get_data(as_text=True)


def test_accepting_closes_the_partners_own_request_too(db, club):
    mine = ask(db, club)
    theirs = ask(db, club, "mentor", reason="Me too")
    decide(db, club, mine.id, True, None)
    assert {r.id: r.status for r in requests_of(db)} == {mine.id: "accepted", theirs.id: "accepted"}
    assert sorted(m.kind for m in outbox(db)) == ["rematch_accepted", "rematch_accepted"]


def test_declining_needs_a_note_and_keeps_the_pair(client, sign_in, db, club):
    request = ask(db, club)
    sign_in(client, club["board"])
    response = client.post(f"{requests_url(club)}/{request.id}", data={"note": "", "decline": "Decline"})
    assert response.status_code == 400
    assert f'id="note-{request.id}-error-1"' in response.get_data(as_text=True)
    assert requests_of(db)[0].status == RematchStatus.OPEN

    response = client.post(f"{requests_url(club)}/{request.id}",
                           data={"note": "Give it one more meeting.", "decline": "Decline"})
    assert response.status_code == 302
    [stored] = requests_of(db)
    assert (stored.status, stored.board_note) == (RematchStatus.DECLINED, "Give it one more meeting.")
    assert pair_status(db, club["pair"]) == (PairStatus.ACTIVE, False)
    [mail] = outbox(db)
    assert (mail.recipient, mail.kind, mail.language) == (club["mentee"].email, "rematch_declined", "fr")
    assert "Give it one more meeting." in mail.body_text
    # The person sees the board's answer on their page.
    sign_in(client, club["mentee"])
    home = text_of(client.get("/me/").get_data(as_text=True))
    assert "Give it one more meeting." in home and "Lea Brunner" in home


def test_a_request_is_decided_once(client, sign_in, db, club):
    request = ask(db, club)
    decide(db, club, request.id, False, "No.")
    with pytest.raises(RematchRefused):
        decide(db, club, request.id, True, None)
    db.rollback()
    assert pair_status(db, club["pair"]) == (PairStatus.ACTIVE, False)
    sign_in(client, club["board"])
    response = client.post(f"{requests_url(club)}/{request.id}", data={"accept": "Accept"})
    assert response.status_code == 302
    assert len(outbox(db)) == 1


def test_another_cohorts_request_does_not_exist_here(client, sign_in, db, club):
    request = ask(db, club)
    other = make_cohort(db, CohortState.RUNNING)
    db.commit()
    sign_in(client, club["board"])
    response = client.post(f"/board/cohorts/{other.id}/matching/rematch-requests/{request.id}",
                           data={"accept": "Accept"})
    assert response.status_code == 404
    assert requests_of(db)[0].status == RematchStatus.OPEN
    with pytest.raises(LookupError):
        decide(db, club, request.id, True, None, cohort_id=other.id)


def test_the_board_page_reads_a_fixed_number_of_times(client, sign_in, db, club, count_queries):
    sign_in(client, club["board"])

    def add(count: int) -> None:
        for _ in range(count):
            _mentor, mentee_part, _pair = make_tandem(db, club["alpha"], club["beta"], club["topics"],
                                                      cohort=club["cohort"])
            db.commit()
            with club["app"].app_context(), tenant_scope(db, club["beta"].id):
                request_rematch(db, mentee_part.user_id, mentee_part.id, "Reason")
                db.commit()

    add(1)
    with count_queries() as small:
        assert client.get(requests_url(club)).status_code == 200
    add(4)
    with count_queries() as large:
        assert client.get(requests_url(club)).status_code == 200
    assert large.count == small.count, (small.statements, large.statements)
