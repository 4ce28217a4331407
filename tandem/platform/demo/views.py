"""The demo's "sign in as" switcher and the mailbox of kept mail."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tandem.platform import audit
from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.demo.queries import demo_people
from tandem.platform.identity.landing import landing_after_sign_in
from tandem.platform.identity.models import User
from tandem.platform.identity.sessions import start_session
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tandem.platform.transaction import request_transaction


@allow(Role.PUBLIC)
def sign_in_as() -> str | Response:
    session = db_session()
    if request.method == "POST":
        try:
            user_id = int(request.form.get("user_id", ""))
        except ValueError:
            abort(400)
        with club_scope(session):
            user = session.get(User, user_id)
        if user is None or not user.is_active or not user.organisation.is_active:
            abort(404)
        with request_transaction() as outcome:
            start_session(session, user, "demo")
            audit.record(session, "sign_in.succeeded", actor_user_id=user.id, organisation_id=user.organisation_id,
                         target_type="user", target_id=user.id, details={"method": "demo"})
            outcome.say(_("You are signed in as %(name)s.", name=user.display_name))
        return redirect(landing_after_sign_in(user))
    with club_scope(session):
        groups = demo_people(session)
    return render_template("demo/sign_in_as.html", groups=groups)


@allow(Role.PUBLIC)
def mailbox() -> str:
    session = db_session()
    messages = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template("demo/mailbox.html", messages=messages)


@allow(Role.PUBLIC)
def message(message_id: int) -> str:
    item = db_session().get(OutboxMessage, message_id)
    if item is None:
        abort(404)
    return render_template("demo/message.html", message=item)


@allow(Role.PUBLIC)
def attachment(message_id: int, index: int) -> Response:
    """One attachment of a kept mail (an event's calendar file), as the recipient's mail program would get it."""
    item = db_session().get(OutboxMessage, message_id)
    if item is None or not 0 <= index < len(item.attachments or []):
        abort(404)
    part = item.attachments[index]
    response = Response(part["content"].encode("utf-8"), mimetype=part["content_type"].split(";")[0].strip())
    response.headers["Content-Type"] = f'{part["content_type"].split(";")[0].strip()}; charset=utf-8'
    response.headers["Content-Disposition"] = f'attachment; filename="{part["filename"]}"'
    return response
