"""Who saw my data: every read of a person's personal data by a board member or an organisation admin is an
audit event `personal_data.viewed` (target_type "user", target_id the person; details: what was seen, the
viewer's role then, and the ids that say where).

The views that show people's data to the board or an admin call `note_viewed(people, what, ...)` once they
have loaded it: one event per person, written in one INSERT (a CSV of a whole cohort is one statement), and
committed then (on SQLite in a short transaction of its own, see `database.writing_apart`). The viewer's own
reads of their own data are not recorded. `views_of(session, user_id)` lists a person's events for
/me/data/views, newest first, with the viewer's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from tandem.platform.access import load_principal
from tandem.platform.audit_models import AuditEvent
from tandem.platform.database import db_session, utcnow, writing_apart
from tandem.platform.identity.models import User
from tandem.platform.tenancy import club_scope
from tandem.platform.transaction import request_transaction

VIEWED = "personal_data.viewed"
BOARD = "board"
ORGANISATION_ADMIN = "organisation_admin"
ROWS_PER_STATEMENT = 1000  # SQLite binds at most 32766 values in one statement: 7 a row


def record_views(session: Session, *, viewer_user_id: int, role: str, people: Iterable[int], what: str,
                 organisation_id: int | None = None, where: dict[str, int] | None = None) -> int:
    """One `personal_data.viewed` event for each person in `people` but the viewer, in one INSERT (per thousand
    people). Returns how many were recorded. Flushes nothing else and never commits."""
    targets = sorted({int(person) for person in people} - {viewer_user_id})
    if not targets:
        return 0
    details: dict[str, Any] = {"what": what, "role": role, **(where or {})}
    moment = utcnow()
    address = request.remote_addr if has_request_context() else None
    rows = [{"occurred_at": moment, "actor_user_id": viewer_user_id, "organisation_id": organisation_id,
             "action": VIEWED, "target_type": "user", "target_id": target, "details": details,
             "ip_address": address} for target in targets]
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        session.execute(sa.insert(AuditEvent).values(rows[start:start + ROWS_PER_STATEMENT]))
    return len(rows)


def note_viewed(people: Iterable[int], what: str, **where: int) -> int:
    """For a view: record that the signed-in board member or organisation admin saw these people's data, and
    commit it. `what` is a key of tandem.platform.privacy.records.views.WHAT; `where` are ids (cohort_id,
    pair_id, story_id, ...) that the person's page and export show with it."""
    principal = load_principal()
    if principal.user_id is None:
        return 0
    organisation = g.get("organisation")
    session = db_session()
    # A GET that has read: on SQLite the INSERT goes in a short transaction of its own that waits for the write
    # lock (tandem/platform/database.py), instead of upgrading the page's read snapshot ("database is locked").
    with writing_apart(session), request_transaction():
        count = record_views(session, viewer_user_id=current_user.id,
                             role=BOARD if principal.is_board else ORGANISATION_ADMIN, people=people, what=what,
                             organisation_id=organisation.id if organisation is not None else None, where=where)
    return count


@dataclass(frozen=True)
class ViewLine:
    occurred_at: datetime
    viewer_name: str | None  # None: the viewer's account no longer exists
    role: str
    what: str
    details: dict[str, Any]


def views_of(session: Session, user_id: int, *, limit: int = 500) -> list[ViewLine]:
    """Who saw this person's data, newest first (the viewers' names read club-wide: a board member belongs to
    another organisation)."""
    with club_scope(session):
        rows = session.execute(
            sa.select(AuditEvent.occurred_at, User.display_name, AuditEvent.details)
            .outerjoin(User, User.id == AuditEvent.actor_user_id)
            .where(AuditEvent.action == VIEWED, AuditEvent.target_type == "user", AuditEvent.target_id == user_id)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        ).all()
    lines = []
    for occurred_at, name, details in rows:
        plain = dict(details or {})
        lines.append(ViewLine(occurred_at=occurred_at, viewer_name=name, role=str(plain.pop("role", "")),
                              what=str(plain.pop("what", "")), details=plain))
    return lines
