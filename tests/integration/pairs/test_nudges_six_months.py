"""Six months of a cohort lived in seconds: the nudge job every day (at midnight in Zurich) from kick-off to
closing, with the mails counted exactly at a real SMTP server (aiosmtpd).

The club (tests/fixtures/pairs.py) and a third pair; kick-off Monday 2027-03-01, closing 2027-08-30, meetings
every 3 to 4 weeks (due 4 weeks after the last meeting held, or after the start), a second reminder 14 days
and a flag 28 days past the due date:

- pair one, Anna Keller (alpha) and Bernard Favre (beta), meets every 3 weeks from 2027-03-22: never due.
- pair two, Berta Graf (beta) and Greta Hof (gamma), never meets: reminder on Mon 2027-03-29, second
  reminder on Mon 2027-04-12, flagged on Mon 2027-04-26; then it stays flagged (once per due date).
- pair three, Carla Meier (alpha) and Gustav Roth (gamma, who chose the weekly digest), published on Wed
  2027-03-03: reminder on Wed 2027-03-31 (Carla at once, Gustav on Monday 2027-04-05), second on Wed
  2027-04-14 (Carla at once, Gustav on Monday 2027-04-19), flagged on Wed 2027-04-28: alpha's admin is mailed
  at once; the board and gamma's admin, mailed about pair two two days before, wait for their week; the pair
  meets on Fri 2027-04-30, so on Mon 2027-05-03 their waiting flag is dropped unmailed. Then every 3 weeks.

Mails over the six months (12 in all): Berta 2, Greta 2, Carla 2, Gustav 2 (both on Mondays), the board 1,
the admins of alpha 1, beta 1 and gamma 1 (each a flag only: names, organisations, weeks; no text of a
pair), the admin of delta 0, Anna 0, Bernard 0. Nobody gets two within 7 days. Running the job a second
time at the same moment changes nothing.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import ParticipationStatus
from tandem.platform.pairs.models import (
    MeetingFormat,
    MeetingStatus,
    NudgeDelivery,
    NudgePreference,
    PairMeeting,
    PairNudge,
)
from tandem.platform.pairs.nudges.jobs import nudge_pairs
from tandem.platform.tenancy import club_scope
from tests.factories import make_pair, make_participation, make_user
from tests.fixtures.pairs import ZURICH, outbox, zurich
from tests.integration.pairs.test_nudges_mail import body_of

KIND = "pair_nudges"
SUMMARY = "We rehearsed the pitch for the board meeting"
NOTHING = {"steps": 0, "deliveries": 0, "mails": 0, "done_without_mail": 0}


@pytest.fixture()
def mail_app(app, smtp_server, app_context, clock):
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


def every_three_weeks(first: datetime, until: datetime) -> list[datetime]:
    days = []
    while first <= until:
        days.append(first)
        first += timedelta(weeks=3)
    return days


def test_six_months_of_nudges_with_exact_mail_counts(db, mail_app, pair_club, smtp_server, run_jobs):
    club = pair_club
    alpha, gamma = club.organisations["alpha"], club.organisations["gamma"]
    carla = make_user(db, alpha, display_name="Carla Meier", preferred_language="de")
    gustav = make_user(db, gamma, display_name="Gustav Roth", preferred_language="en")
    three = make_pair(db, make_participation(db, carla, club.cohort, role="mentor", status=ParticipationStatus.ACTIVE),
                      make_participation(db, gustav, club.cohort, role="mentee", status=ParticipationStatus.ACTIVE))
    with club_scope(db):
        three.activated_at = zurich(2027, 3, 3, 10)
        db.add(NudgePreference(organisation_id=gustav.organisation_id, user_id=gustav.id, weekly_digest=True))
        db.commit()
    people = {**club.people, "carla": carla, "gustav": gustav}
    name_of = {person.email: name for name, person in people.items()}
    end = zurich(2027, 8, 31, 0)
    meetings = sorted([(when, club.pairs["one"].id) for when in every_three_weeks(zurich(2027, 3, 22), end)]
                      + [(when, three.id) for when in every_three_weeks(zurich(2027, 4, 30), end)])

    mailed: dict[str, list[datetime]] = defaultdict(list)
    seen = 0
    moment = zurich(2027, 3, 1, 0)
    while moment < end:
        with club_scope(db):
            while meetings and meetings[0][0] <= moment:
                when, pair_id = meetings.pop(0)
                db.add(PairMeeting(pair_id=pair_id, uid=f"{uuid.uuid4()}@tandem.test", status=MeetingStatus.HELD,
                                   starts_at=when, duration_minutes=60, format=MeetingFormat.IN_PERSON,
                                   place="Café Odeon", summary=SUMMARY))
            db.commit()
        set_clock(mail_app, moment)
        done = nudge_pairs(moment.isoformat())
        run_jobs()
        if done["steps"] or done["mails"] or moment.weekday() == 0:
            again = nudge_pairs(moment.isoformat())
            assert {key: again[key] for key in NOTHING} == NOTHING, (moment, again)
        for message in outbox(db, KIND)[seen:]:
            mailed[name_of[message.recipient]].append(moment)
        seen = len(outbox(db, KIND))
        moment = (moment + timedelta(days=1)).astimezone(ZURICH)

    counts = {name: len(moments) for name, moments in mailed.items()}
    assert counts == {"mentor_two": 2, "mentee_two": 2, "carla": 2, "gustav": 2, "board": 1,
                      "admin_alpha": 1, "admin_beta": 1, "admin_gamma": 1}
    assert sum(counts.values()) == 12
    received = smtp_server.wait_for(12)
    assert len(smtp_server.wait_for(13, timeout=0.5)) == 12
    assert Counter(name_of[m["To"]] for m in received) == Counter(counts)

    # When: nobody twice within 7 days; the digest on Mondays only.
    for name, moments in mailed.items():
        gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
        assert all(gap >= timedelta(days=7) for gap in gaps), name
    assert [m.astimezone(ZURICH).date().isoformat() for m in mailed["gustav"]] == ["2027-04-05", "2027-04-19"]
    assert all(m.astimezone(ZURICH).weekday() == 0 for m in mailed["gustav"])
    assert [m.date().isoformat() for m in mailed["carla"]] == ["2027-03-31", "2027-04-14"]
    assert [m.date().isoformat() for m in mailed["mentor_two"]] == ["2027-03-29", "2027-04-12"]
    assert [m.date().isoformat() for m in mailed["board"]] == ["2027-04-26"]
    assert [m.date().isoformat() for m in mailed["admin_alpha"]] == ["2027-04-28"]

    # The flags: a flag only, to the board and the two organisations' admins.
    by_name = {name_of[m["To"]]: m for m in received if name_of[m["To"]] in ("board", "admin_alpha", "admin_beta",
                                                                              "admin_gamma")}
    for name, message in by_name.items():
        text = body_of(message)
        assert "has not met for" in text, name
        assert SUMMARY not in text and "Café Odeon" not in text, name
    assert "Carla Meier" in body_of(by_name["admin_alpha"])
    assert "Berta Graf" in body_of(by_name["board"])

    with club_scope(db):
        ledger = Counter((pair_id, step) for pair_id, step in db.execute(sa.select(PairNudge.pair_id, PairNudge.step)))
        assert ledger == Counter({(club.pairs["two"].id, "reminder"): 1, (club.pairs["two"].id, "second_reminder"): 1,
                                  (club.pairs["two"].id, "flag"): 1, (three.id, "reminder"): 1,
                                  (three.id, "second_reminder"): 1, (three.id, "flag"): 1})
        dropped = db.scalars(sa.select(NudgeDelivery.user_id).where(NudgeDelivery.outbox_message_id.is_(None))).all()
        assert sorted(dropped) == sorted([people["board"].id, people["admin_gamma"].id])
        assert db.scalar(sa.select(sa.func.count()).where(NudgeDelivery.mailed_at.is_(None))) == 0
