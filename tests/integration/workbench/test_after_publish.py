"""After publishing: a tandem ended by an accepted rematch request, and the board forms a new one by hand;
a re-run keeps locked pairs made by hand as such, and forgets locks of people who left."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import CohortState, Participation, ParticipationStatus
from tandem.platform.database import utcnow
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.platform.workbench.runs.operations import start_run
from tandem.platform.workbench.runs.queries import current_run
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_matching_run,
    make_org_admin,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)


@pytest.fixture()
def running_cohort(db):
    """Published tandems (Mia, Elsa) and (Max, Eva); Mia and Elsa's tandem ended after a rematch request; Tom, a
    mentor, is free."""
    alpha, beta, gamma = (make_organisation(db, name=name) for name in ("Alpha Bank", "Beta Energie", "Gamma AG"))
    topics = [make_catalogue_topic(db) for _ in range(3)]
    cohort = make_cohort(db, CohortState.RUNNING)
    people = {}
    for key, organisation, role in (("mia", alpha, "mentor"), ("max", beta, "mentor"), ("tom", gamma, "mentor"),
                                    ("elsa", beta, "mentee"), ("eva", gamma, "mentee")):
        user = make_user(db, organisation, display_name=key.title() + " Example", preferred_language="en")
        people[key] = make_participation(db, user, cohort, role=role, status="active")
        make_complete_profile(db, people[key], topics)
    make_org_admin(db, beta)
    run = make_matching_run(db, cohort, published_at=utcnow())
    ended = make_pair(db, people["mia"], people["elsa"], status="ended", run=run, score=0.6)
    with club_scope(db):  # ended by the board's yes to Elsa's rematch request
        db.add(RematchRequest(organisation_id=beta.id, participation_id=people["elsa"].id, pair_id=ended.id,
                              reason="No shared time.", status=RematchStatus.ACCEPTED, decided_at=utcnow()))
        db.flush()
    make_pair(db, people["max"], people["eva"], status="active", run=run, score=0.7)
    board = make_board_member(db, alpha)
    db.commit()
    return {"cohort": cohort, "people": people, "run": run, "ended": ended, "board": board}


@pytest.fixture(autouse=True)
def _english_browser(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def active_pairs(db, cohort_id):
    with club_scope(db):
        db.expire_all()
        return {(p.mentor_participation_id, p.mentee_participation_id): p for p in db.scalars(
            sa.select(Pair).where(Pair.cohort_id == cohort_id, Pair.status == PairStatus.ACTIVE))}


def test_the_board_gives_a_new_partner_to_someone_whose_tandem_ended(client, db, sign_in, running_cohort):
    cohort, people = running_cohort["cohort"], running_cohort["people"]
    sign_in(client, running_cohort["board"])
    page = client.get(f"/board/cohorts/{cohort.id}/matching").get_data(as_text=True)
    assert "Tandems" in page and "ended after a rematch request" in page and "Pair two people by hand" in page

    response = client.post(f"/board/cohorts/{cohort.id}/matching/pair-by-hand",
                           data={"mentor": people["tom"].id, "mentee": people["elsa"].id, "confirmed": "y"})
    assert response.status_code == 302
    pairs = active_pairs(db, cohort.id)
    new = pairs[(people["tom"].id, people["elsa"].id)]
    assert new.by_hand and new.activated_at is not None and new.matching_run_id == running_cohort["run"].id
    assert new.explanation["topics"]["code"] and new.score is not None
    with club_scope(db):
        mails = db.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind.in_(
            ("pair_published", "pair_published_admin")))).all()
        addresses = sorted(p.user.email for p in (people["tom"], people["elsa"]))
    personal = [m for m in mails if m.kind == "pair_published"]
    assert sorted(m.recipient for m in personal) == addresses
    assert all("new tandem partner" in m.body_text for m in personal)
    assert len([m for m in mails if m.kind == "pair_published_admin"]) == 1  # Beta's admin (Gamma has none)

    # Elsa has a mentor now: a second one is refused, and Max (taken) cannot take her either.
    again = client.post(f"/board/cohorts/{cohort.id}/matching/pair-by-hand",
                        data={"mentor": people["mia"].id, "mentee": people["elsa"].id, "confirmed": "y"})
    assert again.status_code == 400 and "already has a mentor" in again.get_data(as_text=True)
    assert len(active_pairs(db, cohort.id)) == 2


def test_no_new_tandems_once_the_programme_closes(client, db, sign_in, running_cohort):
    cohort, people = running_cohort["cohort"], running_cohort["people"]
    with club_scope(db):
        cohort.state = CohortState.CLOSING
        db.commit()
    sign_in(client, running_cohort["board"])
    response = client.post(f"/board/cohorts/{cohort.id}/matching/pair-by-hand",
                           data={"mentor": people["tom"].id, "mentee": people["elsa"].id, "confirmed": "y"})
    assert response.status_code == 400 and "until the programme begins closing" in response.get_data(as_text=True)
    assert len(active_pairs(db, cohort.id)) == 1


def test_a_rerun_keeps_hand_made_locks_and_forgets_locks_of_people_who_left(app, db, run_jobs):
    alpha, beta, gamma = (make_organisation(db) for _ in range(3))
    topics = [make_catalogue_topic(db) for _ in range(3)]
    cohort = make_cohort(db, CohortState.MATCHING)
    mentors = [make_participation(db, make_user(db, org), cohort, role="mentor", status="active")
               for org in (alpha, beta, gamma)]
    mentees = [make_participation(db, make_user(db, org), cohort, role="mentee", status="active")
               for org in (beta, gamma, alpha)]
    for participation in mentors + mentees:
        make_complete_profile(db, participation, topics)
    base = make_matching_run(db, cohort)
    kept = make_pair(db, mentors[0], mentees[0], status="locked", run=base, score=0.5)
    with club_scope(db):
        db.execute(sa.update(Pair).where(Pair.id == kept.id).values(by_hand=True))
    make_pair(db, mentors[1], mentees[1], status="locked", run=base, score=0.5)
    with club_scope(db):  # the mentee of the second lock withdrew since
        db.execute(sa.update(Participation).where(Participation.id == mentees[1].id)
                   .values(status=ParticipationStatus.WITHDRAWN))
    db.commit()
    with app.test_request_context():
        run = start_run(db, cohort, None)
        db.commit()
    run_jobs()
    with club_scope(db):
        db.expire_all()
        pairs = {(p.mentor_participation_id, p.mentee_participation_id): p for p in db.scalars(
            sa.select(Pair).where(Pair.matching_run_id == run.id))}
        assert current_run(db, cohort.id).id == run.id  # the run succeeded
    assert pairs[(mentors[0].id, mentees[0].id)].status == PairStatus.LOCKED
    assert pairs[(mentors[0].id, mentees[0].id)].by_hand is True
    assert all(mentee != mentees[1].id for _mentor, mentee in pairs)
    assert not any(p.by_hand for key, p in pairs.items() if key != (mentors[0].id, mentees[0].id))


def test_pairs_explained_in_an_older_format_still_render(client, db, sign_in, running_cohort):
    """Demo databases from before the engine hold free-text explanations: pages show no reasons, not a 500."""
    cohort, people = running_cohort["cohort"], running_cohort["people"]
    with club_scope(db):
        db.execute(sa.update(Pair).where(Pair.mentee_participation_id == people["eva"].id)
                   .values(explanation={"topics": "2 of 3 wished topics offered", "format": "In person"}))
        eva = people["eva"].user
        db.commit()
    sign_in(client, running_cohort["board"])
    assert client.get(f"/board/cohorts/{cohort.id}/matching").status_code == 200
    sign_in(client, eva)
    home = client.get("/me/")
    assert home.status_code == 200 and "Max Example" in home.get_data(as_text=True)
