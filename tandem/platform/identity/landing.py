"""Where people land after signing in, whichever way they signed in (link, their organisation's provider, the
demo's switcher): the page of this site they asked for, else their role's home.

The page asked for is kept in the cookie until the sign-in: a page that needed signing in puts it there
(`tandem.platform.errors`), as does `/sign-in?next=<path>`. Only a path of this site is kept or followed
(`tandem.platform.urls.safe_next`).
"""

from __future__ import annotations

from flask import session as cookie
from flask import url_for

from tandem.platform.access import principal_of
from tandem.platform.database import db_session
from tandem.platform.identity.models import User
from tandem.platform.identity.sessions import NEXT_KEY
from tandem.platform.urls import safe_next


def home_for(user: User) -> str:
    """The home of the person's main role: the board wins, then the organisation admin, then the participant."""
    roles = principal_of(db_session(), user.id, user.organisation_id)
    if roles.is_board:
        return url_for("board.overview")
    if roles.administers(user.organisation_id):
        return url_for("tenants.people", org_slug=user.organisation.slug)
    return url_for("participant.home")


def remember_next(target: str | None) -> None:
    """Keep `target` for after the sign-in, when it is a path of this site (else keep nothing new)."""
    wanted = safe_next(target, "")
    if wanted:
        cookie[NEXT_KEY] = wanted


def landing_after_sign_in(user: User) -> str:
    """The page `user`, just signed in, goes to (the page asked for is used once)."""
    return safe_next(cookie.pop(NEXT_KEY, None), "") or home_for(user)
