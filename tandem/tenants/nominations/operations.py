"""What the organisation admin changes about nominations. The caller's scope is the organisation's.

A nomination creates the person if new (in the organisation) and a participation (status nominated),
and queues the invitation at once: the participation becomes `invited` and the mail goes through the
outbox in the same transaction. Every check is the one the CSV import uses (`csv_import`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.cohorts.models import Cohort, Participation, ParticipationStatus
from tandem.platform.database import utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.refusals import OperationRefused
from tandem.tenants.models import Organisation
from tandem.tenants.nominations import csv_import
from tandem.tenants.nominations.csv_import import NominationRow, Problem, Report
from tandem.tenants.nominations.messages import problem_text
from tandem.tenants.nominations.queries import MANAGED_STATES, WITHDRAWABLE_STATUSES, import_context
from tandem.tenants.operations import invite_participant, queue_invitation


class NominationProblems(OperationRefused):
    """The nomination breaks one or more rules; each problem names its field (CSV column)."""

    def __init__(self, problems: Sequence[Problem], rows: Sequence[NominationRow] = (),
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(_l("The nomination has problems."))
        self.problems = list(problems)
        self.rows = list(rows)  # the rows that passed their checks (a file's report shows them too)
        self.headers = dict(headers or {})  # a file's columns as it names them

    @property
    def field_messages(self) -> Mapping[str, object]:
        """Each problem's words by its column (a form field of the same name), when every problem names a
        column of its own; else none (a file's problems are shown in its report)."""
        columns = [problem.column for problem in self.problems]
        if not columns or None in columns or len(set(columns)) < len(columns):
            return {}
        return {str(problem.column): problem_text(problem) for problem in self.problems}


def check_file(session: Session, organisation: Organisation, data: bytes | str, *, lock: bool = False) -> Report:
    """Parse and check a nominations CSV file against the organisation's current state. Writes nothing."""
    return csv_import.check(data, lambda emails: import_context(session, organisation, emails, lock=lock))


def nominate(session: Session, organisation: Organisation, values: Mapping[str, str], *, actor_user_id: int,
             default_language: str) -> Participation:
    """Nominate one person (`values`: name, email, role, cohort slug, note) and send the invitation.

    Raises NominationProblems (nothing written). Flushes, does not commit: the caller commits the nomination,
    its audit and the invitation mail at once.
    """
    email = csv_import.normal_email(values.get("email", ""))
    context = import_context(session, organisation, [email] if email else [], lock=True)
    report = csv_import.validate(csv_import.ParsedFile([csv_import.RawRow(line=1, values=values)], []), context)
    if report.problems:
        raise NominationProblems(report.problems)
    (row,) = report.rows
    (participation,) = _create(session, organisation, [row], actor_user_id=actor_user_id, source="form")
    return invite_participant(session, participation.id, actor_user_id=actor_user_id,
                              default_language=default_language)


def import_file(session: Session, organisation: Organisation, data: bytes | str, *, actor_user_id: int,
                default_language: str, invite: bool = True) -> list[Participation]:
    """Check the file again and nominate every row, all or nothing, with the invitations queued.

    Raises NominationProblems with the whole report's problems if anything is wrong (nothing written).
    Does not commit: the caller commits once, for every row, its mail and its audit.
    `invite=False` leaves the nominations uninvited (status nominated), to be invited later one by one.
    """
    report = check_file(session, organisation, data, lock=True)
    if not report.ok:
        raise NominationProblems(report.problems or [Problem(None, None, "no_rows")], report.rows, report.headers)
    participations = _create(session, organisation, report.rows, actor_user_id=actor_user_id, source="csv")
    for participation in participations if invite else ():
        queue_invitation(session, participation, actor_user_id=actor_user_id, default_language=default_language)
    audit.record(session, "nominations.imported", actor_user_id=actor_user_id, organisation_id=organisation.id,
                 target_type="organisation", target_id=organisation.id,
                 details={"count": len(participations),
                          "participation_ids": [p.id for p in participations]})
    session.flush()
    return participations


def _create(session: Session, organisation: Organisation, rows: Sequence[NominationRow], *, actor_user_id: int,
            source: str) -> list[Participation]:
    """People (new ones created) and participations for checked rows, audited. Flushes, does not commit."""
    emails = sorted({row.email for row in rows})
    people = {u.email: u for u in session.scalars(sa.select(User).where(User.email.in_(emails)))}
    known = set(people)
    for row in rows:
        if row.email not in people:
            people[row.email] = User(organisation_id=organisation.id, email=row.email, display_name=row.name)
            session.add(people[row.email])
    session.flush()
    created = []
    for row in rows:
        # Both relationships set here: no lazy load per row afterwards (the cohort is in the identity map).
        participation = Participation(organisation_id=organisation.id, user=people[row.email],
                                      cohort=session.get(Cohort, row.cohort.id), role=row.role,
                                      status=ParticipationStatus.NOMINATED, note=row.note,
                                      nominated_by_user_id=actor_user_id)
        session.add(participation)
        created.append(participation)
    session.flush()
    for row, participation in zip(rows, created, strict=True):
        audit.record(session, "participation.nominated", actor_user_id=actor_user_id,
                     organisation_id=organisation.id, target_type="participation", target_id=participation.id,
                     details={"cohort_id": row.cohort.id, "role": row.role, "user_id": participation.user_id,
                              "new_person": row.email not in known, "source": source})
    return created


def withdraw_nomination(session: Session, participation_id: int, *, actor_user_id: int) -> Participation:
    """Withdraw a nomination: it frees its place in the quota. Raises LookupError for another
    organisation's (or no) participation. Does not commit."""
    participation = session.get(Participation, participation_id)
    if participation is None:
        raise LookupError(participation_id)
    if participation.cohort.state not in MANAGED_STATES:
        raise OperationRefused(_l("nominations can be withdrawn only while nominations are open or the pairs "
                                  "are being matched"))
    if participation.status not in WITHDRAWABLE_STATUSES:
        raise OperationRefused(_l("this nomination was already declined or withdrawn"))
    previous = participation.status
    participation.status = ParticipationStatus.WITHDRAWN
    participation.withdrawn_at = utcnow()
    audit.record(session, "participation.withdrawn", actor_user_id=actor_user_id,
                 organisation_id=participation.organisation_id, target_type="participation",
                 target_id=participation.id, details={"previous_status": previous})
    session.flush()
    return participation


def invite_again(session: Session, participation_id: int, *, actor_user_id: int,
                 default_language: str) -> Participation:
    """Send the invitation (again), through the organisation area's existing operation. Does not commit."""
    if session.get(Participation, participation_id) is None:
        raise LookupError(participation_id)
    return invite_participant(session, participation_id, actor_user_id=actor_user_id,
                              default_language=default_language)
