"""Rematch requests: in the first weeks of a tandem, a participant may ask the board for another partner.

The participant asks (their own organisation's scope, their own active pair only) with a reason; the board
sees the cohort's requests and decides (club scope): accepting ends the pair, so that both people are
without a partner and the board pairs them anew by hand; declining keeps the pair, with a note. The
requester is told the decision by mail, and the partner, neutrally, when the pair ends. Each board member is
told of a new request by mail, once.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.cohorts.models import Cohort, ParticipationStatus
from tandem.platform.database import matched_rows, utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.mail.language import mail_language
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.rematch.queries import (
    REMATCH_STATES,
    RequestRow,
    board_recipients,
    own_active_pair,
    rematch_request,
    window_is_open,
    window_weeks,
)
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus

REASON_MAX = 2000
NOTE_MAX = 2000


class RematchRefused(OperationRefused):
    """The request or the decision is not possible now; the message says why."""


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
    _tell_the_board(session, request, own.cohort)
    return request


def _tell_the_board(session: Session, request: RematchRequest, cohort: Cohort) -> None:
    """One mail to each active board member, in their language, about a new request: in the request's own
    transaction, so once per request (the outbox sends after commit). Who asks and their partner; the reason
    stays on the board's page, which the mail links to."""
    from tandem.platform.mail.outbox import queue_mail

    settings = current_app.config["TANDEM"]
    url = f"{settings.base_url.rstrip('/')}/board/cohorts/{cohort.id}/matching/rematch-requests"
    with club_scope(session):  # the board and the partner belong to other organisations than the requester
        row = rematch_request(session, cohort.id, request.id)
        if row is None:
            return
        for member in board_recipients(session):
            if member.id == row.requester.user_id:
                continue  # a board member asking for themselves knows
            queue_mail(session, template="rematch_requested_board", recipient=member.email,
                       language=mail_language(member), kind="rematch_requested",
                       organisation_id=member.organisation_id, recipient_user_id=member.id, member=member,
                       requester=row.requester, partner=row.partner, cohort=cohort, requests_url=url)


def decide_rematch(session: Session, request_id: int, cohort_id: int, accept: bool, note: str | None,
                   actor_user_id: int | None) -> RequestRow:
    """Accept (the pair ends; both are without a partner) or decline (the pair stays) an open request.

    The caller commits. Raises LookupError for a request of another cohort, RematchRefused when it is
    already decided (by someone else meanwhile, say), FieldProblem("note") for a decline without a note.
    Accepting also closes the partner's own open request on the same pair, if any.
    """
    from tandem.platform.mail.outbox import queue_mail

    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise FieldProblem("note", _l("At most %(max)d characters.", max=NOTE_MAX))
    if not accept and note is None:
        raise FieldProblem("note", _l("Tell the person why the tandem stays as it is."))
    with club_scope(session):
        row = rematch_request(session, cohort_id, request_id)
        if row is None:
            raise LookupError(request_id)
        now = utcnow()
        status = RematchStatus.ACCEPTED if accept else RematchStatus.DECLINED
        changed = matched_rows(
            session,
            sa.update(RematchRequest)
            .where(RematchRequest.id == request_id, RematchRequest.status == RematchStatus.OPEN)
            .values(status=status, decided_at=now, decided_by_user_id=actor_user_id, board_note=note)
            .execution_options(synchronize_session=False),
        )
        if changed != 1:
            raise RematchRefused(_l("This request has already been decided. Please look again."))
        pair_id = row.request.pair_id
        ended = 0
        closed_too: list[int] = []
        if accept:
            ended = matched_rows(
                session,
                sa.update(Pair).where(Pair.id == pair_id, Pair.status == PairStatus.ACTIVE)
                .values(status=PairStatus.ENDED, ended_at=now)
                .execution_options(synchronize_session=False),
            )
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
                       recipient=requester.email, language=mail_language(requester),
                       kind="rematch_accepted" if accept else "rematch_declined",
                       organisation_id=row.request.organisation_id, recipient_user_id=requester.user_id,
                       person=requester, partner=partner, cohort=cohort, note=note, home_url=home_url)
        if ended and partner.is_active:
            # The partner: told neutrally that the tandem ends (accepted too, if they had asked as well).
            queue_mail(session, template="rematch_accepted" if closed_too else "pair_ended",
                       recipient=partner.email, language=mail_language(partner),
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
