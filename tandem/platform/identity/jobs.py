"""The sign-in link's job: made and mailed after the request that asked for it has answered."""

from __future__ import annotations

from tandem.platform.database import db_session
from tandem.platform.identity.operations import send_sign_in_link
from tandem.workers.job import club_job


@club_job
def mail_sign_in_link(user_id: int | None) -> None:
    """Make and mail a sign-in link for this person, if they may have one (club scope: no tenant is known
    before signing in). Queued for every address asked for, `None` for an unknown one, so that the request
    does the same work whether the address has an account or not. Returns nothing, so that neither the
    queue's results nor its log tell."""
    session = db_session()
    send_sign_in_link(session, user_id)
    session.commit()
