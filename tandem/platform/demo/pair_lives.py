"""The demo's pairs live their first months (data.PAIR_LIVES), through the pairs' own operations: a partner
plans each meeting a week before, logs it the day after, both check in; after the first meeting the pair
writes its agreement and goals and both confirm; goals are marked done as they go; a mentor asks the board for
help. Each step happens at its moment of the story (the clock is set there). A pair that has any meeting or
agreement already is left as it is, so seeding again adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform import clock
from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.demo import data
from tandem.platform.identity.models import User
from tandem.platform.pairs.loading import Membership, membership_of
from tandem.platform.pairs.meetings.operations import HeldInput, MeetingInput, check_in, log_planned, plan_meeting
from tandem.platform.pairs.models import GoalStatus, MeetingFormat, PairAgreement, PairGoal, PairMeeting
from tandem.platform.pairs.space.operations import (
    Actor,
    agreement_version,
    confirm_agreement,
    request_help,
    save_agreement,
    set_goal_status,
)
from tandem.platform.tenancy import tenant_scope
from tandem.platform.workbench.models import Pair, PairStatus

Then = Callable[[datetime], AbstractContextManager[None]]
MEETING_TIME = time(12, 0)
PLACE = "Café Fédéral, Bern"
ONLINE = "https://meet.example/tandem-{pair}"


class PairLives:
    def __init__(self, session: Session, users: dict[str, User], topic_ids: dict[str, int], today: date,
                 then: Then) -> None:
        self.session = session
        self.users = users
        self.topic_ids = topic_ids
        self.then = then
        self.zone = clock.club_zone()
        self.present = datetime.combine(today, time(8, 0), self.zone)  # the story's now: nothing happens later

    def live(self, cohort: Cohort, lives: tuple[data.PairLife, ...]) -> None:
        if cohort.state != CohortState.RUNNING or cohort.kickoff_on is None:
            return
        for life in lives:
            pair = self._pair(cohort, life.mentor)
            if pair is None or self._has_lived(pair):
                continue
            self._live(cohort, pair, life)

    def _pair(self, cohort: Cohort, mentor_key: str) -> tuple[Pair, User, User] | None:
        mentor = self.users.get(mentor_key)
        if mentor is None:
            return None
        mentor_part, mentee_part = aliased(Participation), aliased(Participation)
        row = self.session.execute(
            sa.select(Pair, User)
            .join(mentor_part, mentor_part.id == Pair.mentor_participation_id)
            .join(mentee_part, mentee_part.id == Pair.mentee_participation_id)
            .join(User, User.id == mentee_part.user_id)
            .where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE, mentor_part.user_id == mentor.id)
        ).first()
        return (row[0], mentor, row[1]) if row is not None else None

    def _has_lived(self, found: tuple[Pair, User, User]) -> bool:
        pair = found[0]
        return bool(self.session.scalar(sa.select(sa.exists().where(PairMeeting.pair_id == pair.id)))
                    or self.session.scalar(sa.select(sa.exists().where(PairAgreement.pair_id == pair.id))))

    def _membership(self, user: User, pair: Pair) -> Membership:
        with tenant_scope(self.session, user.organisation_id):
            membership = membership_of(self.session, user.id, pair.id)
        if membership is None:
            raise ValueError(f"demo data: {user.email} is not in pair {pair.id}")
        return membership

    def _at(self, kickoff: date, day: int, hour: time = MEETING_TIME) -> datetime:
        """`day` days after the kick-off, moved off a weekend (Saturday to Friday, Sunday to Monday)."""
        when = kickoff + timedelta(days=day)
        when += {5: timedelta(days=-1), 6: timedelta(days=1)}.get(when.weekday(), timedelta())
        return datetime.combine(when, hour, self.zone)

    def _live(self, cohort: Cohort, found: tuple[Pair, User, User], life: data.PairLife) -> None:
        pair, mentor, mentee = found
        assert cohort.kickoff_on is not None
        people: dict[str, tuple[User, Membership]] = {
            str(data.MENTOR): (mentor, self._membership(mentor, pair)),
            str(data.MENTEE): (mentee, self._membership(mentee, pair))}
        held_any = False
        for spec in life.meetings:
            starts = self._at(cohort.kickoff_on, spec.day)
            if starts >= self.present and spec.held:
                continue  # the story has not got there yet
            planner, membership = people[spec.planned_by]
            planned_at = min(starts - timedelta(days=7), self.present - timedelta(hours=1))
            given = MeetingInput(
                starts_at=starts, duration_minutes=60 if spec.format == MeetingFormat.ONLINE else 90,
                format=spec.format, place=PLACE if spec.format == MeetingFormat.IN_PERSON else None,
                online_url=ONLINE.format(pair=pair.id) if spec.format == MeetingFormat.ONLINE else None)
            with self.then(planned_at), tenant_scope(self.session, planner.organisation_id):
                meeting = plan_meeting(self.session, membership, given)
            if not spec.held:
                continue
            logged_at = min(starts + timedelta(days=1), self.present - timedelta(minutes=30))
            topics = [self.topic_ids[key] for key in spec.topics if key in self.topic_ids]
            with self.then(logged_at), tenant_scope(self.session, planner.organisation_id):
                log_planned(self.session, membership, meeting,
                            HeldInput(meeting=given, topic_ids=topics, summary=spec.summary or None, private_note=None))
            for role, answer in zip((data.MENTOR, data.MENTEE), spec.check_ins, strict=True):
                if answer is None:
                    continue
                user, member = people[role]
                with self.then(min(logged_at + timedelta(hours=3), self.present - timedelta(minutes=20))), \
                        tenant_scope(self.session, user.organisation_id):
                    check_in(self.session, member, meeting, answer, None)
            if not held_any and life.agreement:
                self._agree(people, mentee, min(logged_at + timedelta(hours=5), self.present - timedelta(minutes=10)))
            held_any = True
        if life.agreement and life.goals_done:
            self._goals(pair, people, life.goals_done)
        if life.help:
            user, member = people[data.MENTOR]
            with self.then(min(self._at(cohort.kickoff_on, data.HELP_DAY, time(21, 0)),
                               self.present - timedelta(minutes=5))), \
                    tenant_scope(self.session, user.organisation_id):
                request_help(self.session, member, life.help, Actor(user.id, user.organisation_id))

    def _agree(self, people: dict[str, tuple[User, Membership]], mentee: User, moment: datetime) -> None:
        language = mentee.preferred_language if mentee.preferred_language in data.GOALS else "de"
        mentor_user, mentor_member = people[data.MENTOR]
        mentee_user, mentee_member = people[data.MENTEE]
        with self.then(moment), tenant_scope(self.session, mentor_user.organisation_id):
            agreement = save_agreement(self.session, mentor_member, data.AGREEMENT[language],
                                       "\n".join(data.GOALS[language]), True,
                                       Actor(mentor_user.id, mentor_user.organisation_id))
        with self.then(moment + timedelta(minutes=5)), tenant_scope(self.session, mentee_user.organisation_id):
            confirm_agreement(self.session, mentee_member, agreement_version(agreement),
                              Actor(mentee_user.id, mentee_user.organisation_id))

    def _goals(self, pair: Pair, people: dict[str, tuple[User, Membership]], done: int) -> None:
        user, member = people[data.MENTEE]
        goals = self.session.scalars(sa.select(PairGoal).where(PairGoal.pair_id == pair.id)
                                     .order_by(PairGoal.position)).all()
        with self.then(self.present - timedelta(minutes=2)), tenant_scope(self.session, user.organisation_id):
            for index, goal in enumerate(goals):
                status = GoalStatus.DONE if index < done else GoalStatus.PROGRESSING if index == done else None
                if status is not None:
                    set_goal_status(self.session, member, goal.id, status, Actor(user.id, user.organisation_id))
