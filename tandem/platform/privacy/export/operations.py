"""A person's exports of their data: asking for one, preparing it (the job's body), the one-time link.

Operations flush and never commit (the job's body `prepare_export` commits its own work: it is the job).

- `request_export`: a new export (queued) for the signed-in person; the view enqueues the job
  `prepare_data_export` after the commit (in-process without Redis: done before the page answers). One export
  is prepared at a time: asking again while one is queued returns that one, unless it has waited more than
  `STALE_AFTER` (its job was lost: it is marked failed and a new one is made). An earlier ready file that was
  never downloaded is dropped.
- `prepare_export`: collects the data (collector.py) into the row's `content` (JSON, UTF-8), `ready`.
- `issue_link`: a fresh download token for a ready export of its owner; only its SHA-256 is stored, so each
  showing of the ready page makes a new link and the one shown before stops working.
- `take_download`: the owner's token, once: returns the content, and clears token and content (`downloaded`).
  Any other person, a wrong or used token: None (the view answers 404).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.privacy.export.collector import collect
from tandem.platform.privacy.models import DataExport, ExportStatus
from tandem.platform.tenancy import club_scope

STALE_AFTER = timedelta(minutes=15)


def is_stale(export: DataExport, moment: datetime) -> bool:
    """A queued export whose job has not filled it in `STALE_AFTER` (lost, or it failed)."""
    created = export.created_at if export.created_at.tzinfo else export.created_at.replace(tzinfo=UTC)
    return export.status == ExportStatus.QUEUED and moment - created > STALE_AFTER


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def export_of(session: Session, export_id: int, user_id: int) -> DataExport | None:
    """The export `export_id` if it is `user_id`'s own, else None."""
    export = session.get(DataExport, export_id)
    if export is None or export.user_id != user_id:
        return None
    return export


def latest_export(session: Session, user_id: int) -> DataExport | None:
    return session.scalar(sa.select(DataExport).where(DataExport.user_id == user_id)
                          .order_by(DataExport.id.desc()).limit(1))


def request_export(session: Session, user_id: int, organisation_id: int, moment: datetime
                   ) -> tuple[DataExport, bool]:
    """The person's export being prepared, and whether it is new (the caller enqueues its job)."""
    earlier = session.scalars(sa.select(DataExport).where(
        DataExport.user_id == user_id, DataExport.status.in_((ExportStatus.QUEUED, ExportStatus.READY)))).all()
    for export in earlier:
        if export.status == ExportStatus.QUEUED and not is_stale(export, moment):
            return export, False
    for export in earlier:
        if export.status == ExportStatus.QUEUED:
            export.status = ExportStatus.FAILED
        else:  # a file never downloaded: superseded by the new one
            export.status, export.content, export.token_hash = ExportStatus.FAILED, None, None
    export = DataExport(user_id=user_id, organisation_id=organisation_id, status=ExportStatus.QUEUED,
                        created_at=moment)
    session.add(export)
    session.flush()
    audit.record(session, "personal_data.export_requested", actor_user_id=user_id, organisation_id=organisation_id,
                 target_type="user", target_id=user_id, details={"export_id": export.id})
    return export, True


def export_bytes(session: Session, user_id: int, moment: datetime) -> bytes | None:
    """The person's export as the JSON file's bytes (None: no such person)."""
    data = collect(session, user_id, created_at=moment)
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def prepare_export(session: Session, export_id: int, moment: datetime) -> str:
    """The job's body: fill a queued export. Returns what became of it ("ready", "failed", "skipped")."""
    with club_scope(session):
        export = session.get(DataExport, export_id)
        if export is None or export.status != ExportStatus.QUEUED:
            return "skipped"
        user_id = export.user_id
        try:
            content = export_bytes(session, user_id, moment)
        except Exception:
            session.rollback()
            session.execute(sa.update(DataExport).where(DataExport.id == export_id,
                                                        DataExport.status == ExportStatus.QUEUED)
                            .values(status=ExportStatus.FAILED))
            session.commit()
            raise
        if content is None:
            export.status = ExportStatus.FAILED
        else:
            export.content = content
            export.size_bytes = len(content)
            export.status = ExportStatus.READY
            export.ready_at = moment
        session.commit()
        return str(export.status)


def issue_link(session: Session, export: DataExport) -> str | None:
    """A new one-time token for a ready export (the earlier one stops working)."""
    if export.status != ExportStatus.READY or export.content is None:
        return None
    token = secrets.token_urlsafe(32)
    export.token_hash = token_hash(token)
    session.flush()
    return token


def take_download(session: Session, export_id: int, user_id: int, token: str, moment: datetime) -> bytes | None:
    """The export's file, once, for its owner with the right token; else None."""
    export = export_of(session, export_id, user_id)
    if (export is None or export.status != ExportStatus.READY or export.token_hash is None
            or export.content is None or not hmac.compare_digest(export.token_hash, token_hash(token))):
        return None
    # Claim it with a conditional UPDATE: two requests with the same link at once get it once.
    claimed = session.execute(
        sa.update(DataExport).where(DataExport.id == export.id, DataExport.token_hash == export.token_hash,
                                    DataExport.status == ExportStatus.READY)
        .values(status=ExportStatus.DOWNLOADED, token_hash=None, content=None, downloaded_at=moment)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    content = export.content
    session.expire(export)
    audit.record(session, "personal_data.export_downloaded", actor_user_id=user_id,
                 organisation_id=export.organisation_id, target_type="user", target_id=user_id,
                 details={"export_id": export_id})
    return content
