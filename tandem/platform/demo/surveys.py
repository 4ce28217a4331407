"""The demo's surveys (data.SURVEYS_BY_COHORT), through the surveys' own operations.

The cohort's two surveys are prepared with their default dates and questions; the board opens one on its first
morning (the invitations), the people asked answer one after the other in the language they chose (points on
the scales drawn by a generator seeded with the cohort, the survey and the person; texts from data.py, most
shared without a name; at the final survey the mentees' learnings for their organisation, most shared), and a
closed survey is closed after its last day (its answers no longer linked to anyone). The archived pilot's two
surveys are answered by everyone asked; the running cohort's mid-point survey is open, brought forward a few
days by the board, with answers from some people only. Each step happens at its moment of the story (the clock
is set there). A survey that was opened already is left as it is, so seeding again adds nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import clock
from tandem.platform.cohorts.models import Cohort, Participation
from tandem.platform.demo import data
from tandem.platform.identity.models import User
from tandem.platform.outcomes.models import QuestionKind, Survey, SurveyInvitation, SurveyKind, SurveyQuestion
from tandem.platform.outcomes.surveys.mailing import REMINDER_AFTER, run_surveys
from tandem.platform.outcomes.surveys.operations import (
    AnswerInput,
    asks_learnings,
    close_survey,
    ensure_surveys,
    open_survey,
    questions_for,
    save_response,
    set_survey_dates,
)
from tandem.platform.tenancy import tenant_scope

Then = Callable[[datetime], AbstractContextManager[None]]
OPENS_AT = time(7, 0)    # the board opens a survey early on its first day
CLOSES_AT = time(0, 30)  # and closes it in the first half hour after its last day
BRING_FORWARD_MAX = timedelta(days=7)  # the board opens a survey early by at most a week


class Surveys:
    def __init__(self, session: Session, users: dict[str, User], today: date, then: Then) -> None:
        self.session = session
        self.users = users
        self.today = today
        self.then = then
        self.zone = clock.club_zone()
        self.present = self._at(today, time(8, 0))  # the story's now: nothing happens later
        self.keys = {user.id: key for key, user in users.items()}

    def _at(self, day: date, hour: time) -> datetime:
        """`hour` of `day` in the club's zone, in UTC (SQLite keeps a moment's wall time and drops its zone)."""
        return datetime.combine(day, hour, self.zone).astimezone(UTC)

    def tell(self, cohort: Cohort, stories: tuple[data.SurveyStory, ...]) -> None:
        """The surveys of `stories` that were not opened yet: opened, answered and (unless open) closed."""
        if not stories:
            return
        surveys = {survey.kind: survey for survey in ensure_surveys(self.session, cohort)}
        for story in stories:
            survey = surveys.get(SurveyKind(story.kind))
            if survey is None or survey.opened_at is not None:
                continue
            if story.open:
                self._open_now(cohort, survey, story)
            else:
                self._past(cohort, survey, story)

    # ------------------------------------------------------------------------------------------ stories

    def _job(self, moment: datetime) -> None:
        """The surveys' hourly job at `moment` (it commits as it goes): it opens the surveys whose day has come
        and mails their invitations, reminds once a week later whoever has not answered, and closes the surveys
        past their last day."""
        with self.then(moment):
            run_surveys(self.session, moment)

    def _past(self, cohort: Cohort, survey: Survey, story: data.SurveyStory) -> None:
        """A survey of the cohort's past: opened on its first morning, answered over its days (those who had not
        answered after a week were reminded), closed after its last day. Its invitations and reminder are
        written as the job left them, without their mail (long gone: the seed would spend seconds on it)."""
        closes = self._at(survey.closes_on + timedelta(days=1), CLOSES_AT)
        if closes >= self.present:
            return  # the story has not got there yet
        opened = self._at(survey.opens_on, OPENS_AT)
        with self.then(opened):
            open_survey(self.session, survey, opened)
            self._stamp(survey, SurveyInvitation.invited_at, opened)
        self._answers(cohort, survey, story, opened, (survey.closes_on - survey.opens_on).days + 1,
                      reminded=opened + REMINDER_AFTER)
        with self.then(closes):
            close_survey(self.session, survey, closes)

    def _stamp(self, survey: Survey, column: Any, moment: datetime) -> None:
        """The job's mark on the survey's invitations not answered (nor marked) yet: invited or reminded."""
        self.session.execute(sa.update(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id, SurveyInvitation.answered_at.is_(None), column.is_(None))
            .values({column.key: moment}).execution_options(synchronize_session=False))

    def _open_now(self, cohort: Cohort, survey: Survey, story: data.SurveyStory) -> None:
        """A survey open today: the board brought its first day forward to `OPENED_DAYS_AGO` days ago (when it
        was later, by at most a week), the job opened it that morning, and some have answered since."""
        first = self.today - timedelta(days=data.OPENED_DAYS_AGO)
        if self.today > survey.closes_on or survey.opens_on - first > BRING_FORWARD_MAX:
            return  # past, or not due for a while: the job opens it on its day
        if survey.opens_on > first:
            with self.then(self._at(first - timedelta(days=1), time(10, 0))):
                set_survey_dates(self.session, survey, first, survey.closes_on, today=first - timedelta(days=1))
        opened = self._at(survey.opens_on, OPENS_AT)
        self._job(opened)
        if survey.opened_at is None:
            return
        self._answers(cohort, survey, story, opened, (self.today - survey.opens_on).days,
                      reminded=opened + REMINDER_AFTER)

    # ------------------------------------------------------------------------------------------ answers

    def _answers(self, cohort: Cohort, survey: Survey, story: data.SurveyStory, opened: datetime,
                 days: int, *, reminded: datetime) -> None:
        """The respondents answer one after the other over the survey's first `days` days, between 8:00 and
        21:00 (and after it opened, before the story's present); the job runs at `reminded` (when that comes
        before the story's present), between the answers given before and after."""
        invited = {participation.id: participation for participation in self.session.scalars(
            sa.select(Participation).join(SurveyInvitation, SurveyInvitation.participation_id == Participation.id)
            .where(SurveyInvitation.survey_id == survey.id).order_by(Participation.id))}
        by_key = {self.keys[p.user_id]: p for p in invited.values() if p.user_id in self.keys}
        keys = list(by_key) if story.respondents is None else [k for k in story.respondents if k in by_key]
        if not keys or days <= 0:
            return
        texts: Counter[tuple[str, str]] = Counter()  # texts written so far, by question key and language
        written: Counter[str] = Counter()  # texts written so far in this survey (every fourth is not shared)
        mentees: Counter[str] = Counter()  # mentees who gave learnings so far, by language
        for number, key in enumerate(keys):
            participation = by_key[key]
            person = data.person(key)
            language = person.language
            rng = random.Random(f"{data.SURVEY_SEED}/{cohort.slug}/{survey.kind}/{key}")
            answers: dict[int, AnswerInput] = {}
            for question in questions_for(self.session, survey.id, participation.role):
                answer = self._answer(question, survey.kind, language, rng, texts, written)
                if answer is not None:
                    answers[question.id] = answer
            learnings: list[str] = []
            share = False
            if asks_learnings(survey, participation.role):
                pool = data.LEARNINGS.get(language) or data.LEARNINGS["de"]
                given = mentees[language]
                learnings = [pool[(2 * given + j) % len(pool)] for j in range(sum(mentees.values()) % 3 + 1)]
                share = sum(mentees.values()) % 3 != 1
                mentees[language] += 1
            day = survey.opens_on + timedelta(days=number * days // len(keys))
            moment = max(self._at(day, time(8 + (number * 5) % 13, (number * 17) % 60)), opened + timedelta(hours=1))
            moment = min(moment, self.present - timedelta(minutes=30))
            if reminded < moment:  # once, to whoever has not answered yet
                if story.open:
                    self._job(reminded)
                else:
                    with self.then(reminded):
                        self._stamp(survey, SurveyInvitation.reminded_at, reminded)
                reminded = self.present
            with self.then(moment), tenant_scope(self.session, participation.organisation_id):
                save_response(self.session, survey, participation, answers, learnings=learnings,
                              share_learnings=share, moment=moment)

    def _answer(self, question: SurveyQuestion, kind: str, language: str, rng: random.Random,
                texts: Counter[tuple[str, str]], written: Counter[str]) -> AnswerInput | None:
        """One person's answer to one of the default questions (the board's own, without a key, are left out)."""
        if question.key is None:
            return None
        topic = question.key.split("_", 1)[-1]
        if question.kind == QuestionKind.SCALE:
            assert question.scale_min is not None and question.scale_max is not None
            points = data.SURVEY_SCALES.get((topic, kind)) or tuple(range(question.scale_min, question.scale_max + 1))
            return AnswerInput(scale_value=min(max(rng.choice(points), question.scale_min), question.scale_max))
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            chosen = tuple(c for c in rng.choice(data.MENTOR_GAINS) if c < len(question.options or ()))
            return AnswerInput(choices=chosen[:1] if question.kind == QuestionKind.SINGLE else chosen)
        pool = (data.SURVEY_TEXTS.get((question.key, kind, language))
                or data.SURVEY_TEXTS.get((question.key, kind, "de")))
        if not pool:
            return None
        text = pool[texts[(question.key, language)] % len(pool)]
        texts[(question.key, language)] += 1
        written["all"] += 1
        return AnswerInput(text=text, share_text=written["all"] % 4 != 0)
