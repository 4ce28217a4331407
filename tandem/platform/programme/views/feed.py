"""The private calendar feed, `/calendar/<token>.ics`: public, the token is the key.

Calendar programs fetch it without a session: nothing here reads or writes one, and an unknown, revoked or
renewed-away token gets a short plain 404 (not the site's error page, which would start a session for its
language form). The token never reaches a log line: the request path is masked by tandem.platform.logmask.
"""

from __future__ import annotations

import hashlib

from flask import Response, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.programme.feeds import feed_calendar, feed_owner

MAX_AGE = 300


def _etag(body: bytes) -> str:
    """A validator of what the calendar says: its bytes but for DTSTAMP, the moment it was written."""
    digest = hashlib.sha256()
    for line in body.splitlines():
        if not line.startswith(b"DTSTAMP"):
            digest.update(line + b"\n")
    return digest.hexdigest()[:32]


@allow(Role.PUBLIC)
def feed(token: str) -> BaseResponse:
    session = db_session()
    owner = feed_owner(session, token)
    if owner is None:
        return Response(_("This calendar address does not exist or no longer works."), status=404,
                        content_type="text/plain; charset=utf-8", headers={"Cache-Control": "no-store"})
    body = feed_calendar(session, owner)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE}"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.set_etag(_etag(body))
    return response.make_conditional(request)
