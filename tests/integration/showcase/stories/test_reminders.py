"""The story's mails to the pairs: the invitation when the board begins closing (enqueued after the commit),
the reminder a week later, the last call a week before the symposium; to both partners, in their language,
with a link to the story's page; never twice, however often the job runs.

The club (tests/fixtures/pairs.py): closing on 2027-08-30, symposium on 2027-09-16; pair one (Anna Keller with
Bernard Favre, who reads French) and pair two (Berta Graf with Greta Hof).
"""

from __future__ import annotations

import sqlalchemy as sa

from tandem.platform.clock import set_clock
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.identity.models import User
from tandem.platform.showcase.models import StoryReminder
from tandem.platform.showcase.stories.jobs import invite_story_writers, remind_story_writers
from tandem.platform.showcase.stories.reminders import claim_step
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tests.factories import make_story
from tests.fixtures.pairs import build_pair_club, outbox, zurich

KINDS = ("story_invitation", "story_reminder", "story_last_call")


def story_mails(db, kind: str | None = None) -> list:
    return [m for m in outbox(db) if m.kind in KINDS and (kind is None or m.kind == kind)]


def recipients(messages) -> list[str]:
    return sorted(m.recipient for m in messages)


def emails(club, *names: str) -> list[str]:
    return sorted(club.people[name].email for name in names)


def begin_closing(app, db, sign_in, club, moment) -> None:
    set_clock(app, moment)
    board = sign_in(app.test_client(), club.people["board"])
    response = board.post(f"/board/cohorts/{club.cohort.id}/transition",
                          data={"transition": "begin_closing", "step": "confirm", "confirmed": "y",
                                "reason": "The last meetings are done."})
    assert response.status_code == 302
    with club_scope(db):
        db.expire_all()
        assert db.get(Cohort, club.cohort.id).state == CohortState.CLOSING


def test_begin_closing_invites_every_pair_once_in_each_persons_language(app, db, sign_in, clock, run_jobs):
    with app.app_context():
        club = build_pair_club(db)
    begin_closing(app, db, sign_in, club, zurich(2027, 8, 25, 9))
    run_jobs()
    invitations = story_mails(db, "story_invitation")
    assert recipients(invitations) == emails(club, "mentor_one", "mentee_one", "mentor_two", "mentee_two")
    bernard = next(m for m in invitations if m.recipient == club.people["mentee_one"].email)
    assert bernard.language == "fr"  # Bernard's own language (fixtures: he reads French)
    anna = next(m for m in invitations if m.recipient == club.people["mentor_one"].email)
    assert anna.language == "en"
    assert f"http://localhost/me/pairs/{club.pairs['one'].id}/story" in anna.body_text
    assert "Bernard Favre" in anna.body_text and "Spring Cohort" in anna.subject
    # The job again (the hourly one, or the same one retried): nobody is invited twice.
    with app.app_context():
        assert invite_story_writers(club.cohort.id, zurich(2027, 8, 25, 10).isoformat())["invitation"] == 0
        assert remind_story_writers(zurich(2027, 8, 25, 11).isoformat())["mails"] == 0
    run_jobs()
    assert len(story_mails(db)) == 4


def test_the_reminder_a_week_later_and_the_last_call_before_the_symposium(app, db, sign_in, clock, run_jobs):
    with app.app_context():
        club = build_pair_club(db)
        make_story(db, club.pairs["two"], confirmed=True)  # pair two has confirmed its story
        db.commit()
    begin_closing(app, db, sign_in, club, zurich(2027, 8, 25, 9))
    run_jobs()  # with Redis, the invitation enqueued at "Begin closing" runs now, as a worker would
    with app.app_context():
        for day, hour in ((26, 9), (31, 12), (1, 8)):  # nothing more before a week has passed
            month = 8 if day > 1 else 9
            assert remind_story_writers(zurich(2027, month, day, hour).isoformat())["mails"] == 0
        done = remind_story_writers(zurich(2027, 9, 1, 10).isoformat())
        assert (done["reminder"], done["mails"]) == (1, 2)
        assert remind_story_writers(zurich(2027, 9, 1, 11).isoformat())["mails"] == 0  # run twice
        assert remind_story_writers(zurich(2027, 9, 8, 11).isoformat())["mails"] == 0  # eight days before
        done = remind_story_writers(zurich(2027, 9, 9, 7).isoformat())  # a week before the symposium
        assert (done["last_call"], done["mails"]) == (1, 2)
        for day in (9, 10, 15, 16, 20):
            assert remind_story_writers(zurich(2027, 9, day, 23).isoformat())["mails"] == 0
    run_jobs()
    assert recipients(story_mails(db, "story_reminder")) == emails(club, "mentor_one", "mentee_one")
    assert recipients(story_mails(db, "story_last_call")) == emails(club, "mentor_one", "mentee_one")
    last_call = next(m for m in story_mails(db, "story_last_call") if m.language == "en")
    assert "Last call" in last_call.subject and "September 16, 2027" in last_call.body_text
    with club_scope(db):
        steps = sorted((pair_id, step) for pair_id, step in db.execute(
            sa.select(StoryReminder.pair_id, StoryReminder.step)))
    one, two = club.pairs["one"].id, club.pairs["two"].id
    assert steps == sorted([(one, "invitation"), (one, "reminder"), (one, "last_call"), (two, "invitation")])


def test_pairs_ended_early_and_other_cohorts_are_not_told(app, db, clock, run_jobs):
    with app.app_context():
        club = build_pair_club(db)
        with club_scope(db):
            db.get(Pair, club.pairs["two"].id).status = PairStatus.ENDED  # ended, not completed at closing
            db.get(Cohort, club.cohort.id).state = CohortState.CLOSING
            db.commit()
        remind_story_writers(zurich(2027, 8, 25, 9).isoformat())
        assert recipients(story_mails(db)) == emails(club, "mentor_one", "mentee_one")
        with club_scope(db):
            db.get(Cohort, club.cohort.id).state = CohortState.RUNNING
            db.commit()
        assert remind_story_writers(zurich(2027, 9, 9, 9).isoformat())["mails"] == 0


def test_someone_no_longer_active_is_left_out_and_their_partner_told(app, db, clock, run_jobs):
    with app.app_context():
        club = build_pair_club(db)
        with club_scope(db):
            db.get(User, club.people["mentee_one"].id).is_active = False
            db.get(Cohort, club.cohort.id).state = CohortState.CLOSING
            db.commit()
        remind_story_writers(zurich(2027, 8, 25, 9).isoformat())
    assert club.people["mentee_one"].email not in recipients(story_mails(db))
    assert club.people["mentor_one"].email in recipients(story_mails(db))


def test_a_step_is_claimed_once_by_an_insert_that_cannot_duplicate(app, db, app_context, clock):
    club = build_pair_club(db)
    pair_id = club.pairs["one"].id
    assert claim_step(db, pair_id, "invitation", clock) is True
    assert claim_step(db, pair_id, "invitation", clock) is False  # another run was first: no error, no row
    assert claim_step(db, pair_id, "reminder", clock) is True
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(StoryReminder)
                         .where(StoryReminder.pair_id == pair_id)) == 2
    db.rollback()
