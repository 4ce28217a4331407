"""Requests for erasure: the person asks (or the board, for a request received by mail), may cancel while it
waits; their organisation's admin or the board confirms or refuses it (with a reason); unanswered, it is carried
out on `erase_on` (ERASURE_AFTER_DAYS after the request). Carrying it out is `carry_out`, called by the job
(club scope) once confirmed, and by the daily retention job for the requests past their day.

The person is told by mail that the request was received; their organisation's admins and the board are told
that a request waits. Operations flush, never commit.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.clock import today as clock_today
from tandem.platform.database import matched_rows, utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.privacy.erasure.erase import Erased, erase_person
from tandem.platform.privacy.models import MAX_REASON, ErasureRequest, ErasureStatus
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.tenancy import club_scope

OPEN = (ErasureStatus.REQUESTED, ErasureStatus.CONFIRMED)


class ErasureRefused(OperationRefused):
    """The request or the decision is not possible now; the message says why."""


def open_request(session: Session, user_id: int) -> ErasureRequest | None:
    return session.scalar(sa.select(ErasureRequest).where(ErasureRequest.user_id == user_id,
                                                          ErasureRequest.status.in_(OPEN))
                          .order_by(ErasureRequest.id.desc()).limit(1))


def request_erasure(session: Session, person: User, *, requested_by_user_id: int | None = None,
                    today: date | None = None) -> ErasureRequest:
    """Record a request to erase `person`'s data (by the person, or by the board for them) and tell the person,
    their organisation's admins and the board. Raises ErasureRefused when one is already open."""
    if open_request(session, person.id) is not None:
        raise ErasureRefused(_l("Your request for erasure is already waiting."))
    days = current_app.config["TANDEM"].erasure_after_days
    row = ErasureRequest(organisation_id=person.organisation_id, user_id=person.id,
                         requested_by_user_id=requested_by_user_id or person.id, status=ErasureStatus.REQUESTED,
                         erase_on=(today or clock_today()) + timedelta(days=days))
    session.add(row)
    session.flush()
    audit.record(session, "personal_data.erasure_requested", actor_user_id=requested_by_user_id or person.id,
                 organisation_id=person.organisation_id, target_type="user", target_id=person.id,
                 details={"request_id": row.id, "erase_on": row.erase_on.isoformat()})
    session.flush()
    _tell(session, row, person)
    return row


def _tell(session: Session, row: ErasureRequest, person: User) -> None:
    from tandem.platform.mail.language import mail_language
    from tandem.platform.mail.outbox import queue_mail
    from tandem.platform.privacy.erasure.queries import deciders

    base = current_app.config["TANDEM"].base_url.rstrip("/")
    queue_mail(session, template="erasure_requested", recipient=person.email, language=mail_language(person),
               kind="erasure_requested", organisation_id=person.organisation_id, recipient_user_id=person.id,
               person=person, request=row, status_url=f"{base}/me/data/erasure")
    with club_scope(session):
        organisation_slug, recipients = deciders(session, person.organisation_id)
        for decider, is_board in recipients:
            if decider.id == person.id:
                continue
            url = f"{base}/board/privacy" if is_board else f"{base}/o/{organisation_slug}/privacy"
            queue_mail(session, template="erasure_waiting", recipient=decider.email,
                       language=mail_language(decider), kind="erasure_waiting",
                       organisation_id=decider.organisation_id, recipient_user_id=decider.id, member=decider,
                       request=row, requests_url=url)


def cancel_erasure(session: Session, user_id: int, request_id: int) -> ErasureRequest:
    """The person withdraws their waiting request. Raises LookupError for another's request, ErasureRefused
    once it is decided."""
    row = session.get(ErasureRequest, request_id)
    if row is None or row.user_id != user_id:
        raise LookupError(request_id)
    if row.status != ErasureStatus.REQUESTED:
        raise ErasureRefused(_l("This request is already decided and can no longer be cancelled."))
    row.status = ErasureStatus.CANCELLED
    row.decided_at = utcnow()
    row.decided_by_user_id = user_id
    audit.record(session, "personal_data.erasure_cancelled", actor_user_id=user_id,
                 organisation_id=row.organisation_id, target_type="user", target_id=user_id,
                 details={"request_id": row.id})
    session.flush()
    return row


def decide_erasure(session: Session, request_id: int, confirm: bool, reason: str | None,
                   actor_user_id: int) -> ErasureRequest:
    """Confirm (the caller enqueues `carry_out_erasure` after the commit; else the daily job carries it out) or
    refuse, with a reason, a waiting request.
    The request must be visible in the caller's scope (the organisation's, or the club's). Raises LookupError,
    ErasureRefused when already decided, FieldProblem("reason") for a refusal without a reason."""
    row = session.get(ErasureRequest, request_id)
    if row is None or row.user_id is None:
        raise LookupError(request_id)
    if row.status != ErasureStatus.REQUESTED:
        raise ErasureRefused(_l("Someone else decided this request meanwhile."))
    text = (reason or "").strip()
    if not confirm and not text:
        raise FieldProblem("reason", _l("Say why the data must be kept."))
    if len(text) > MAX_REASON:
        raise FieldProblem("reason", _l("At most %(max)d characters.", max=MAX_REASON))
    changed = matched_rows(session,
        sa.update(ErasureRequest).where(ErasureRequest.id == row.id,
                                        ErasureRequest.status == ErasureStatus.REQUESTED)
        .values(status=ErasureStatus.CONFIRMED if confirm else ErasureStatus.REFUSED, decided_at=utcnow(),
                decided_by_user_id=actor_user_id, refusal_reason=None if confirm else text)
        .execution_options(synchronize_session=False))
    if changed != 1:
        raise ErasureRefused(_l("Someone else decided this request meanwhile."))
    session.refresh(row)
    audit.record(session, "personal_data.erasure_confirmed" if confirm else "personal_data.erasure_refused",
                 actor_user_id=actor_user_id, organisation_id=row.organisation_id, target_type="user",
                 target_id=row.user_id, details={"request_id": row.id})
    session.flush()
    return row


def carry_out(session: Session, request_id: int, *, today: date | None = None) -> Erased | None:
    """Erase the person of a confirmed request, or of a waiting one whose day has come (club scope). Returns
    None when there is nothing to do (cancelled, refused, done, or not yet due)."""
    row = session.get(ErasureRequest, request_id, with_for_update=True)
    if row is None or row.user_id is None:
        return None
    due = row.status == ErasureStatus.CONFIRMED or (
        row.status == ErasureStatus.REQUESTED and row.erase_on <= (today or clock_today()))
    if not due:
        return None
    return erase(session, row.user_id, reason="request", request_id=row.id, organisation_id=row.organisation_id)


def erase(session: Session, user_id: int, *, reason: str, request_id: int | None = None,
          organisation_id: int | None = None, actor_user_id: int | None = None) -> Erased:
    """Erase the person and record it in the audit log under their pseudonym (club scope)."""
    outcome = erase_person(session, user_id)
    audit.record(session, "personal_data.erased", actor_user_id=actor_user_id, organisation_id=organisation_id,
                 target_type=None, target_id=None,
                 details={"person": outcome.pseudonym, "reason": reason, "request_id": request_id,
                          "participations_kept": outcome.participations_kept,
                          "stories_deleted": outcome.stories_deleted})
    session.flush()
    return outcome
