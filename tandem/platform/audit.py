"""Recording who did or saw what. Callers pass ids and plain details, never a token or a secret."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from tandem.platform.audit_models import AuditEvent

FORBIDDEN_DETAIL_KEYS = {"token", "secret", "password", "client_secret", "id_token", "access_token", "code"}


def record(
    session: Session,
    action: str,
    *,
    actor_user_id: int | None,
    organisation_id: int | None,
    target_type: str | None = None,
    target_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    clean = dict(details or {})
    leaked = FORBIDDEN_DETAIL_KEYS & {k.lower() for k in clean}
    if leaked:
        raise ValueError(f"audit details must not carry secrets: {sorted(leaked)}")
    event = AuditEvent(
        action=action,
        actor_user_id=actor_user_id,
        organisation_id=organisation_id,
        target_type=target_type,
        target_id=target_id,
        details=clean,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    session.add(event)
    return event
