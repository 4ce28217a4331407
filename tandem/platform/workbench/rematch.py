"""Rematch requests: in the first weeks of a tandem, a participant may ask the board for another partner.

The participant asks (their own organisation's scope, their own active pair only) with a reason; the board
sees the cohort's requests and decides (club scope): accepting ends the pair, so that both people are
without a partner and the board pairs them anew by hand; declining keeps the pair, with a note. The
requester is told the decision by mail, and the partner, neutrally, when the pair ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from tandem.platform import audit
from tandem.platform.database import as_utc, utcnow
from tandem.platform.models import (
    Cohort,
    CohortState,
    Pair,
    PairStatus,
    Participation,
    ParticipationStatus,
    RematchRequest,
    RematchStatus,
    User,
)
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.publish import PersonInPair
from tandem.tenants.models import Organisation
from tandem.tenants.operations import FieldProblem, OperationRefused

REASON_MAX = 2000
NOTE_MAX = 2000
# A rematch can be asked for while the programme has not got far: after publishing and while it runs.
REMATCH_STATES = (CohortState.MATCHING, CohortState.RUNNING)


class RematchRefused(OperationRefused):
    """The request or the decision is not possible now; the message says why."""


# ---------------------------------------------------------------------------------------------- the window


def window_weeks() -> int:
    return int(current_app.config["TANDEM"].rematch_window_weeks)


def rematch_open_until(activated_at: datetime | None, kickoff_on: date | None, weeks: int) -> date | None:
    """The last day on which a rematch may be asked for: `weeks` weeks from the later of the pair's start
    and the cohort's kick-off (None when the pair has not started)."""
    if activated_at is None:
        return None
    start = as_utc(activated_at).date()
    if kickoff_on is not None and kickoff_on > start:
        start = kickoff_on
    return start + timedelta(weeks=weeks)


def window_is_open(activated_at: datetime | None, kickoff_on: date | None, weeks: int,
                   today: date | None = None) -> bool:
    until = rematch_open_until(activated_at, kickoff_on, weeks)
    return until is not None and (today or date.today()) <= until


# ----------------------------------------------------------------------------------------- participant side


@dataclass(frozen=True)
class OwnPair:
    """The person's active pair in one participation, as the request needs it."""

    participation: Participation
    pair_id: int
    activated_at: datetime | None
    cohort: Cohort


def own_active_pair(session: Session, user_id: int, participation_id: int) -> OwnPair | None:
    """The person's own participation's active pair (None: not theirs, or no active pair). Their scope."""
    participation = session.scalar(
        sa.select(Participation).where(Participation.id == participation_id, Participation.user_id == user_id))
    if participation is None:
        raise LookupError(participation_id)
    row = session.execute(
        sa.select(Pair.id, Pair.activated_at)
        .where(Pair.status == PairStatus.ACTIVE, Pair.cohort_id == participation.cohort_id,
               sa.or_(Pair.mentor_participation_id == participation.id,
                      Pair.mentee_participation_id == participation.id))
        .order_by(Pair.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return OwnPair(participation=participation, pair_id=row[0], activated_at=row[1], cohort=participation.cohort)


def latest_requests(session: Session, participation_ids: Sequence[int]) -> dict[int, RematchRequest]:
    """Each participation's latest rematch request (the person's scope): one query."""
    if not participation_ids:
        return {}
    latest: dict[int, RematchRequest] = {}
    for item in session.scalars(
        sa.select(RematchRequest).where(RematchRequest.participation_id.in_(list(participation_ids)))
        .order_by(RematchRequest.created_at, RematchRequest.id)
    ):
        latest[item.participation_id] = item
    return latest


def request_rematch(session: Session, user_id: int, participation_id: int, reason: str, *,
                    today: date | None = None, weeks: int | None = None) -> RematchRequest:
    """Ask the board for another partner. The caller commits; the scope is the person's organisation.

    Raises LookupError for someone else's participation, RematchRefused without an active pair, outside the
    window or with a request already open, FieldProblem("reason") for a missing or too long reason.
    """
    own = own_active_pair(session, user_id, participation_id)
    if own is None or own.participation.status != ParticipationStatus.ACTIVE:
        raise RematchRefused(_l("You have no tandem partner in this cohort yet."))
    if own.cohort.state not in REMATCH_STATES:
        raise RematchRefused(_l("This cohort no longer takes requests for another partner."))
    weeks = window_weeks() if weeks is None else weeks
    if not window_is_open(own.activated_at, own.cohort.kickoff_on, weeks, today):
        raise RematchRefused(_l("Requests for another partner are possible only in the first %(weeks)d weeks.",
                                weeks=weeks))
    text = (reason or "").strip()
    if not text:
        raise FieldProblem("reason", _l("Tell the board why you would like another partner."))
    if len(text) > REASON_MAX:
        raise FieldProblem("reason", _l("At most %(max)d characters.", max=REASON_MAX))
    already = _l("You have already asked for another partner: the board will decide soon.")
    if session.scalar(sa.select(sa.exists().where(
            RematchRequest.pair_id == own.pair_id, RematchRequest.participation_id == participation_id,
            RematchRequest.status == RematchStatus.OPEN))):
        raise RematchRefused(already)
    request = RematchRequest(organisation_id=own.participation.organisation_id, participation_id=participation_id,
                             pair_id=own.pair_id, reason=text, status=RematchStatus.OPEN)
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError as error:  # the same request sent twice at once: the database's rule
        raise RematchRefused(already) from error
    audit.record(session, "rematch.requested", actor_user_id=user_id,
                 organisation_id=own.participation.organisation_id, target_type="rematch_request",
                 target_id=request.id, details={"pair_id": own.pair_id, "cohort_id": own.cohort.id})
    session.flush()
    return request


# ---------------------------------------------------------------------------------------------- board side


def open_rematch_count(session: Session, cohort_id: int) -> int:
    """How many rematch requests of the cohort wait for the board's decision: one query."""
    with club_scope(session):
        return session.scalar(
            sa.select(sa.func.count(RematchRequest.id))
            .join(Pair, Pair.id == RematchRequest.pair_id)
            .where(Pair.cohort_id == cohort_id, RematchRequest.status == RematchStatus.OPEN)
        ) or 0


@dataclass(frozen=True)
class RequestRow:
    """One request as the board's page shows it."""

    request: RematchRequest
    requester: PersonInPair
    partner: PersonInPair
    pair_status: str
    decided_by: str | None

    @property
    def is_open(self) -> bool:
        return self.request.status == RematchStatus.OPEN


def _requests_query(cohort_id: int) -> sa.Select[tuple[object, ...]]:
    requester, partner = aliased(Participation), aliased(Participation)
    requester_user, partner_user, decider = aliased(User), aliased(User), aliased(User)
    requester_org, partner_org = aliased(Organisation), aliased(Organisation)
    partner_id = sa.case((Pair.mentor_participation_id == RematchRequest.participation_id,
                          Pair.mentee_participation_id), else_=Pair.mentor_participation_id)

    def side(participation: type[Participation], user: type[User], organisation: type[Organisation]) -> list:
        return [participation.id, participation.role, user.id, user.display_name, user.email,
                user.preferred_language, user.is_active, organisation.id, organisation.name]

    return (
        sa.select(RematchRequest, *side(requester, requester_user, requester_org),
                  *side(partner, partner_user, partner_org), Pair.status, decider.display_name)
        .join(Pair, Pair.id == RematchRequest.pair_id)
        .join(requester, requester.id == RematchRequest.participation_id)
        .join(requester_user, requester_user.id == requester.user_id)
        .join(requester_org, requester_org.id == requester.organisation_id)
        .join(partner, partner.id == partner_id)
        .join(partner_user, partner_user.id == partner.user_id)
        .join(partner_org, partner_org.id == partner.organisation_id)
        .outerjoin(decider, decider.id == RematchRequest.decided_by_user_id)
        .where(Pair.cohort_id == cohort_id)
    )


def _row(values: Sequence[object]) -> RequestRow:
    return RequestRow(request=values[0], requester=PersonInPair(*values[1:10]),  # type: ignore[arg-type]
                      partner=PersonInPair(*values[10:19]),  # type: ignore[arg-type]
                      pair_status=values[19], decided_by=values[20])  # type: ignore[arg-type]


def rematch_requests(session: Session, cohort_id: int) -> list[RequestRow]:
    """The cohort's requests: open ones first (oldest first), then the decided ones (newest first). One query."""
    with club_scope(session):
        rows = session.execute(_requests_query(cohort_id).order_by(
            sa.case((RematchRequest.status == RematchStatus.OPEN, 0), else_=1),
            sa.case((RematchRequest.status == RematchStatus.OPEN, RematchRequest.id), else_=-RematchRequest.id),
        )).all()
    return [_row(row) for row in rows]


def rematch_request(session: Session, cohort_id: int, request_id: int) -> RequestRow | None:
    """One request of the cohort (None: no such request in this cohort)."""
    with club_scope(session):
        row = session.execute(_requests_query(cohort_id).where(RematchRequest.id == request_id)).first()
    return _row(row) if row is not None else None


def decide_rematch(session: Session, request_id: int, cohort_id: int, accept: bool, note: str | None,
                   actor_user_id: int | None) -> RequestRow:
    """Accept (the pair ends; both are without a partner) or decline (the pair stays) an open request.

    The caller commits. Raises LookupError for a request of another cohort, RematchRefused when it is
    already decided (by someone else meanwhile, say), FieldProblem("note") for a decline without a note.
    Accepting also closes the partner's own open request on the same pair, if any.
    """
    from tandem.workers.outbox import queue_mail

    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise FieldProblem("note", _l("At most %(max)d characters.", max=NOTE_MAX))
    if not accept and note is None:
        raise FieldProblem("note", _l("Tell the person why the tandem stays as it is."))
    default_language = current_app.config["TANDEM"].default_language
    with club_scope(session):
        row = rematch_request(session, cohort_id, request_id)
        if row is None:
            raise LookupError(request_id)
        now = utcnow()
        status = RematchStatus.ACCEPTED if accept else RematchStatus.DECLINED
        changed = session.execute(
            sa.update(RematchRequest)
            .where(RematchRequest.id == request_id, RematchRequest.status == RematchStatus.OPEN)
            .values(status=status, decided_at=now, decided_by_user_id=actor_user_id, board_note=note)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            raise RematchRefused(_l("This request has already been decided. Please look again."))
        pair_id = row.request.pair_id
        ended = 0
        closed_too: list[int] = []
        if accept:
            ended = session.execute(
                sa.update(Pair).where(Pair.id == pair_id, Pair.status == PairStatus.ACTIVE)
                .values(status=PairStatus.ENDED, ended_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            closed_too = list(session.scalars(
                sa.select(RematchRequest.id).where(RematchRequest.pair_id == pair_id,
                                                   RematchRequest.status == RematchStatus.OPEN)))
            if closed_too:
                session.execute(
                    sa.update(RematchRequest)
                    .where(RematchRequest.id.in_(closed_too), RematchRequest.status == RematchStatus.OPEN)
                    .values(status=RematchStatus.ACCEPTED, decided_at=now, decided_by_user_id=actor_user_id,
                            board_note=note)
                    .execution_options(synchronize_session=False))
        cohort = session.get(Cohort, cohort_id)
        requester, partner = row.requester, row.partner
        home_url = current_app.config["TANDEM"].base_url.rstrip("/") + "/me/"
        if requester.is_active:
            queue_mail(session, template="rematch_accepted" if accept else "rematch_declined",
                       recipient=requester.email, language=requester.preferred_language or default_language,
                       kind="rematch_accepted" if accept else "rematch_declined",
                       organisation_id=row.request.organisation_id, recipient_user_id=requester.user_id,
                       person=requester, partner=partner, cohort=cohort, note=note, home_url=home_url)
        if ended and partner.is_active:
            # The partner: told neutrally that the tandem ends (accepted too, if they had asked as well).
            queue_mail(session, template="rematch_accepted" if closed_too else "pair_ended",
                       recipient=partner.email, language=partner.preferred_language or default_language,
                       kind="rematch_accepted" if closed_too else "pair_ended",
                       organisation_id=partner.organisation_id, recipient_user_id=partner.user_id,
                       person=partner, partner=requester, cohort=cohort, note=None, home_url=home_url)
        audit.record(session, "rematch.accepted" if accept else "rematch.declined", actor_user_id=actor_user_id,
                     organisation_id=row.request.organisation_id, target_type="rematch_request",
                     target_id=request_id,
                     details={"pair_id": pair_id, "cohort_id": cohort_id, "pair_ended": bool(ended),
                              "also_closed": closed_too})
        session.flush()
        session.expire(row.request)
    return row
