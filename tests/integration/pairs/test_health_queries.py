"""Pair health reads a fixed number of SQL statements, however many pairs: the board's page of a cohort, the
board's page of one pair and an organisation admin's pairs, with 2 pairs and with 40 (each with meetings,
check-ins, goals, a request for help)."""

from __future__ import annotations

import uuid
from datetime import UTC

import pytest

from tandem.platform.cohorts.models import ParticipationStatus
from tandem.platform.pairs.models import (
    GoalStatus,
    HelpRequest,
    MeetingFormat,
    MeetingStatus,
    PairCheckIn,
    PairGoal,
    PairMeeting,
)
from tandem.platform.tenancy import club_scope
from tests.factories import make_pair, make_participation, make_user
from tests.fixtures.pairs import PUBLISHED_AT, zurich
from tests.integration.pairs.test_health_pages import EN, health_path, lived, pair_path, rows_of  # noqa: F401


def add_pairs(db, club, count: int) -> None:
    """`count` more pairs of beta's mentors with gamma's mentees, each with two meetings held, check-ins, two
    goals and an open request for help."""
    beta, gamma = club.organisations["beta"], club.organisations["gamma"]
    for n in range(count):
        mentor = make_participation(db, make_user(db, beta, display_name=f"Mentor {n:03d}"), club.cohort,
                                    role="mentor", status=ParticipationStatus.ACTIVE)
        mentee = make_participation(db, make_user(db, gamma, display_name=f"Mentee {n:03d}"), club.cohort,
                                    role="mentee", status=ParticipationStatus.ACTIVE)
        pair = make_pair(db, mentor, mentee)
        with club_scope(db):
            pair.activated_at = PUBLISHED_AT
            for month in (3, 4):
                meeting = PairMeeting(pair_id=pair.id, uid=f"{uuid.uuid4()}@count.test", status=MeetingStatus.HELD,
                                      starts_at=zurich(2027, month, 10).astimezone(UTC), duration_minutes=60,
                                      format=MeetingFormat.ONLINE, summary="s")
                db.add(meeting)
                db.flush()
                db.add_all([PairCheckIn(meeting_id=meeting.id, pair_id=pair.id, participation_id=who.id,
                                        usefulness=3) for who in (mentor, mentee)])
            db.add_all([PairGoal(pair_id=pair.id, position=1, text="g", status=GoalStatus.DONE),
                        PairGoal(pair_id=pair.id, position=2, text="g")])
            db.add(HelpRequest(pair_id=pair.id, participation_id=mentor.id, message="help"))
            db.flush()
    db.commit()


def counts(client, paths: list[str], count_queries) -> list[int]:
    found = []
    for path in paths:
        client.get(path, headers=EN)  # warm-up
        with count_queries() as counter:
            response = client.get(path, headers=EN)
        assert response.status_code == 200, path
        found.append(counter.count)
    return found


@pytest.mark.parametrize("role", ["board", "admin_beta"])
def test_the_pages_read_a_fixed_number_of_times(app, sign_in, db, lived, count_queries, role):  # noqa: F811
    client = sign_in(app.test_client(), lived.people[role])
    paths = ([health_path(lived), pair_path(lived, "one")] if role == "board" else [])
    paths.append(f"/o/{lived.organisations['beta'].slug}/pairs")
    small = counts(client, paths, count_queries)
    add_pairs(db, lived, 38)
    large = counts(client, paths, count_queries)
    assert large == small, dict(zip(paths, zip(small, large, strict=True), strict=True))
    shown = client.get(paths[-1], headers=EN).get_data(as_text=True)
    assert len(rows_of(shown)) == 40
    if role == "board":
        assert len(rows_of(client.get(paths[0], headers=EN).get_data(as_text=True))) == 40
