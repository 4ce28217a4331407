"""Barrier reports: storing a report and telling the club board; the board's status and note.

Both flush, never commit (the view's `request_transaction()` commits). A new report is mailed, in the same
transaction, to each active board member in their language; a club without a board yet is told at
PRIVACY_CONTACT (else MAIL_FROM's address), in the club's language.
"""

from __future__ import annotations

from email.utils import parseaddr

from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.accessibility.models import MAX_DESCRIPTION, BarrierReport, ReportStatus
from tandem.platform.accessibility.queries import board_members
from tandem.platform.database import utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.mail.language import mail_language
from tandem.platform.refusals import FieldProblem
from tandem.platform.tenancy import club_scope

KIND = "barrier_reported"


def _optional(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def report_barrier(session: Session, *, description: str, page: str | None, assistive_technology: str | None,
                   email: str | None, language: str, user_id: int | None) -> BarrierReport:
    """Store a barrier report and queue its mail to the board. The caller commits.

    The texts come from a validated form (plain text, lengths checked); FieldProblem("description") for an
    empty or too long description all the same, for callers without the form.
    """
    text = (description or "").strip()
    if not text:
        raise FieldProblem("description", _l("Please describe the barrier, in a few words or more."))
    if len(text) > MAX_DESCRIPTION:
        raise FieldProblem("description", _l("At most %(max)d characters.", max=MAX_DESCRIPTION))
    address = _optional(email)
    report = BarrierReport(description=text, page=_optional(page), assistive_technology=_optional(assistive_technology),
                           language=language, recipient=address.lower() if address else None,
                           recipient_user_id=user_id, status=ReportStatus.OPEN)
    session.add(report)
    session.flush()
    audit.record(session, "accessibility.barrier_reported", actor_user_id=user_id, organisation_id=None,
                 target_type="barrier_report", target_id=report.id)
    _tell_the_board(session, report)
    return report


def _tell_the_board(session: Session, report: BarrierReport) -> None:
    from tandem.platform.mail.outbox import queue_mail

    settings = current_app.config["TANDEM"]
    url = f"{settings.base_url.rstrip('/')}/board/accessibility#report-{report.id}"
    with club_scope(session):
        members = board_members(session)
        for member in members:
            queue_mail(session, template="barrier_reported_board", recipient=member.email,
                       language=mail_language(member), kind=KIND, organisation_id=member.organisation_id,
                       recipient_user_id=member.id, name=member.display_name, report=report,
                       reports_url=url)
    if not members:
        contact = settings.privacy_contact or parseaddr(settings.mail_from)[1]
        if contact:
            queue_mail(session, template="barrier_reported_board", recipient=contact,
                       language=settings.default_language, kind=KIND, name=None, report=report,
                       reports_url=url)


def update_report(session: Session, report_id: int, *, status: str, note: str | None,
                  actor_user_id: int | None) -> BarrierReport:
    """The board sets a report's status and note. The caller commits.

    Closing forgets the reporter's address and assistive technology: no answer is due any more, and what the
    barrier is stays. Raises LookupError for an unknown report.
    """
    report = session.get(BarrierReport, report_id)
    if report is None:
        raise LookupError(report_id)
    if status not in tuple(ReportStatus):
        raise FieldProblem("status", _l("Please choose a status."))
    report.status = status
    report.board_note = _optional(note)
    report.updated_at = utcnow()
    report.updated_by_user_id = actor_user_id
    if status == ReportStatus.CLOSED:
        report.recipient = None
        report.assistive_technology = None
    session.flush()
    audit.record(session, "accessibility.report_updated", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="barrier_report", target_id=report.id, details={"status": status})
    return report
