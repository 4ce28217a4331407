"""The facts of many pairs at once, for the rhythm and the flags (`rhythm.py`): six queries for any number
of pairs, no texts read.

A pair spans two organisations, so the read is in club scope, deliberately narrow: dates, counts, the
check-ins' figures, whether a partner withdrew, whether a request for help or a rematch is open. Callers
are the nudge job (club scope already), the board's pair health, an organisation admin's flags (after
choosing the pairs that include their people) and a partner's own pair page (after the membership check).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, aliased

from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import Cohort, Participation, ParticipationStatus
from tandem.platform.pairs.models import HelpRequest, MeetingStatus, PairCheckIn, PairClosure, PairMeeting
from tandem.platform.pairs.rhythm import PairFacts, Rhythm
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus


def rhythm_of(cohort: Cohort) -> Rhythm:
    """The rhythm of a cohort: its meeting cadence and the club's nudge settings."""
    settings = current_app.config["TANDEM"]
    return Rhythm(min_weeks=cohort.meeting_every_min_weeks, max_weeks=cohort.meeting_every_max_weeks,
                  second_reminder_days=settings.pair_second_reminder_days, flag_days=settings.pair_flag_days)


def club_date(moment: datetime | None) -> date | None:
    """The date of a stored moment (UTC; SQLite gives it back naive) in the club's time zone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(club_zone()).date()


def start_of(day: date) -> datetime:
    """Midnight of `day` in the club's time zone, as a UTC moment."""
    return datetime.combine(day, time.min, tzinfo=club_zone()).astimezone(UTC)


def pair_facts(session: Session, pair_ids: Iterable[int], today: date) -> dict[int, PairFacts]:
    """The facts of each of the pairs (published ones; others are absent). Six queries."""
    ids = sorted(set(pair_ids))
    if not ids:
        return {}
    mentor, mentee = aliased(Participation), aliased(Participation)
    withdrawn = ParticipationStatus.WITHDRAWN
    with club_scope(session):
        pairs = session.execute(
            sa.select(Pair.id, Pair.status, Pair.activated_at, Cohort.kickoff_on, Cohort.closing_on,
                      sa.or_(mentor.status == withdrawn, mentee.status == withdrawn), PairClosure.outcome)
            .join(Cohort, Cohort.id == Pair.cohort_id)
            .join(mentor, mentor.id == Pair.mentor_participation_id)
            .join(mentee, mentee.id == Pair.mentee_participation_id)
            .outerjoin(PairClosure, PairClosure.pair_id == Pair.id)
            .where(Pair.id.in_(ids), Pair.status.in_((PairStatus.ACTIVE, PairStatus.ENDED)))
        ).all()
        meetings = _meetings(session, ids, start_of(today))
        check_ins = _check_ins(session, ids)
        help_open = set(session.scalars(
            sa.select(HelpRequest.pair_id).where(HelpRequest.pair_id.in_(ids), HelpRequest.resolved_at.is_(None))))
        rematch_open = set(session.scalars(
            sa.select(RematchRequest.pair_id).where(RematchRequest.pair_id.in_(ids),
                                                    RematchRequest.status == RematchStatus.OPEN)))
    facts: dict[int, PairFacts] = {}
    for pair_id, status, activated_at, kickoff_on, closing_on, withdrew, outcome in pairs:
        last_held, held, next_planned = meetings.get(pair_id, (None, 0, None))
        count, total, lowest = check_ins.get(pair_id, (0, 0, None))
        facts[pair_id] = PairFacts(
            pair_id=pair_id, activated_on=club_date(activated_at), kickoff_on=kickoff_on, closing_on=closing_on,
            last_held_on=club_date(last_held), next_planned_on=club_date(next_planned), held_count=held,
            check_in_count=count, check_in_total=total, lowest_recent_check_in=lowest,
            partner_withdrew=bool(withdrew), help_open=pair_id in help_open, rematch_open=pair_id in rematch_open,
            ended=status == PairStatus.ENDED or outcome is not None or bool(withdrew),
        )
    return facts


def _meetings(session: Session, ids: list[int], since: datetime) -> dict[int, tuple[Any, int, Any]]:
    held = PairMeeting.status == MeetingStatus.HELD
    upcoming = sa.and_(PairMeeting.status == MeetingStatus.PLANNED, PairMeeting.starts_at >= since)
    rows = session.execute(
        sa.select(PairMeeting.pair_id,
                  sa.func.max(sa.case((held, PairMeeting.starts_at))),
                  sa.func.count(sa.case((held, PairMeeting.id))),
                  sa.func.min(sa.case((upcoming, PairMeeting.starts_at))))
        .where(PairMeeting.pair_id.in_(ids))
        .group_by(PairMeeting.pair_id)
    ).all()
    return {pair_id: (last, count, planned) for pair_id, last, count, planned in rows}


def _check_ins(session: Session, ids: list[int]) -> dict[int, tuple[int, int, int | None]]:
    """Per pair: how many check-ins, their total, and the lowest answer to the latest meeting checked in on."""
    totals = session.execute(
        sa.select(PairCheckIn.pair_id, sa.func.count(PairCheckIn.id), sa.func.sum(PairCheckIn.usefulness))
        .where(PairCheckIn.pair_id.in_(ids)).group_by(PairCheckIn.pair_id)
    ).all()
    latest = (sa.select(PairCheckIn.pair_id.label("pair_id"), sa.func.max(PairMeeting.starts_at).label("starts_at"))
              .join(PairMeeting, PairMeeting.id == PairCheckIn.meeting_id)
              .where(PairCheckIn.pair_id.in_(ids)).group_by(PairCheckIn.pair_id).subquery())
    lowest = dict(session.execute(
        sa.select(PairCheckIn.pair_id, sa.func.min(PairCheckIn.usefulness))
        .join(PairMeeting, PairMeeting.id == PairCheckIn.meeting_id)
        .join(latest, sa.and_(latest.c.pair_id == PairCheckIn.pair_id, latest.c.starts_at == PairMeeting.starts_at))
        .group_by(PairCheckIn.pair_id)
    ).all())
    return {pair_id: (count, int(total or 0), lowest.get(pair_id)) for pair_id, count, total in totals}
