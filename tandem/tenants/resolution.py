"""Finding the organisation named in the URL. Access and scope are decided by tandem.platform.access."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, g

from tandem.platform.database import db_session
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation


def resolve_organisation(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    slug = (values or {}).pop("org_slug", None)
    if slug is None:
        return
    session = db_session()
    # Resolving the tenant itself is a club-wide lookup, before any tenant scope exists.
    with club_scope(session):
        organisation = session.scalar(sa.select(Organisation).where(Organisation.slug == str(slug).lower()))
    if organisation is None or not organisation.is_active:
        abort(404)
    g.organisation = organisation
