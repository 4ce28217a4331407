"""Each invited person's pages (their own organisation's scope; their own invitations only): their events,
one event with their answer, the event as a calendar file, and their private calendar feed.

An event a person is not invited to does not exist for them (404), whoever they are. The mails link to
`/me/events/<id>`: a person who is not signed in gets the sign-in page (401) and comes back here after
signing in (tandem.platform.errors remembers the page).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, render_template, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from tandem.platform.access import Role, allow
from tandem.platform.clock import club_zone, now
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import current_language
from tandem.platform.programme import feeds, queries
from tandem.platform.programme.calendar_files import calendar_file
from tandem.platform.programme.forms import MY_ANSWER_LABELS, AnswerForm, ConfirmForm
from tandem.platform.programme.models import Answer, EventInvitation
from tandem.platform.programme.operations import answer_invitation
from tandem.platform.programme.wording import (
    calendar_entry,
    event_words,
    has_started,
    is_past,
    open_for_answers,
)
from tandem.platform.transaction import request_transaction

# The new feed token, kept in the signed session cookie from the POST that made it to the page that shows it
# once (popped there): never stored in clear in the database, never in a URL we redirect to, never logged.
FEED_TOKEN_KEY = "programme_new_feed"


def _invitation(event_id: int) -> EventInvitation:
    """The signed-in person's invitation to the event, or 404: an event they are not invited to does not
    exist for them."""
    invitation = queries.my_invitation(db_session(), current_user.id, event_id)
    if invitation is None:
        abort(404)
    return invitation


def _answer_defaults(invitation: EventInvitation) -> dict[str, Any]:
    # On the waiting list they said yes: the form shows their yes.
    answer = Answer.YES if invitation.answer == Answer.WAITING else invitation.answer
    return {"answer": answer if answer in (Answer.YES, Answer.NO, Answer.MAYBE) else None}


def _event_page(invitation: EventInvitation, form: AnswerForm, status: int = 200) -> tuple[str, int]:
    session = db_session()
    event = invitation.event
    language = current_language()
    return render_template(
        "programme/my_event.html", invitation=invitation, event=event, form=form,
        words=event_words(event, language), host=queries.organisation_name(session, event.host_organisation_id),
        places=queries.places(session, invitation),
        answerable=open_for_answers(event), started=has_started(event), past=is_past(event),
        answer_labels=MY_ANSWER_LABELS), status


@allow(Role.SIGNED_IN)
def my_events() -> str:
    rows = queries.my_events(db_session(), current_user.id, upcoming_only=False)
    upcoming = [row for row in rows if not is_past(row.event)]
    past = [row for row in reversed(rows) if is_past(row.event)]
    language = current_language()
    words = {row.event.id: event_words(row.event, language) for row in rows}
    return render_template("programme/my_events.html", upcoming=upcoming, past=past, words=words,
                           answer_labels=MY_ANSWER_LABELS)


@allow(Role.SIGNED_IN)
def my_event(event_id: int) -> tuple[str, int]:
    invitation = _invitation(event_id)
    return _event_page(invitation, AnswerForm(data=_answer_defaults(invitation)))


@allow(Role.SIGNED_IN)
def answer(event_id: int) -> BaseResponse | tuple[str, int]:
    session = db_session()
    invitation = _invitation(event_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _event_page(invitation, form, 400)
    with request_transaction(form) as outcome:
        result = answer_invitation(session, invitation, validated(form.answer.data))
        if result.answer == Answer.WAITING:
            outcome.say(_("The event is full: you are on the waiting list. You will get an e-mail if a place "
                          "becomes free."), "info")
        else:
            outcome.say(_("Thank you: your answer is saved."))
    if outcome.refused and form.errors:
        # A problem with the answer itself: shown beside the choice (the change was rolled back).
        return _event_page(_invitation(event_id), form, 400)
    # Saved, or refused as a whole (the event started or was cancelled meanwhile: said in a message).
    return redirect(url_for("programme.my_event", event_id=event_id))


@allow(Role.SIGNED_IN)
def event_file(event_id: int) -> Response:
    event = _invitation(event_id).event
    content = calendar_file([calendar_entry(event, current_language())], zone=club_zone(), stamp=now())
    response = Response(content, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event.id}.ics"'
    return response


def feed_url(token: str) -> str:
    """The address of the feed with `token`, as calendar programs are given it."""
    base = current_app.config["TANDEM"].base_url.rstrip("/")
    return base + url_for("programme.feed", token=token)


def _new_token() -> str | None:
    """The token of the feed just made, popped (shown once), if it is this person's and still works."""
    kept = cookie.pop(FEED_TOKEN_KEY, None)
    if not isinstance(kept, dict) or kept.get("user_id") != current_user.id or not kept.get("token"):
        return None
    owner = feeds.feed_owner(db_session(), str(kept["token"]))
    return str(kept["token"]) if owner is not None and owner.id == current_user.id else None


@allow(Role.SIGNED_IN)
def calendar() -> str:
    token = _new_token()
    feed = feeds.active_feed(db_session(), current_user.id)
    url = feed_url(token) if token and feed is not None else None
    webcal = "webcal://" + url.split("://", 1)[1] if url else None
    return render_template("programme/calendar.html", feed=feed, url=url, webcal=webcal)


@allow(Role.SIGNED_IN)
def renew_feed() -> BaseResponse:
    session = db_session()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    token = None
    with request_transaction(form) as outcome:
        renewing = feeds.active_feed(session, current_user.id) is not None
        token = feeds.open_feed(session, current_user)
        if renewing:
            outcome.say(_("Your calendar has a new address. The old address no longer works: please subscribe "
                          "again with the new one."))
        else:
            outcome.say(_("Your calendar address is ready."))
    if outcome.committed and token:
        cookie[FEED_TOKEN_KEY] = {"user_id": current_user.id, "token": token}
    return redirect(url_for("programme.calendar"))


@allow(Role.SIGNED_IN)
def revoke_feed() -> BaseResponse:
    session = db_session()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction(form) as outcome:
        if feeds.revoke_feed(session, current_user):
            outcome.say(_("Your calendar address is switched off: calendar programs can no longer read it."))
        else:
            outcome.say(_("You had no calendar address to switch off."), "info")
    cookie.pop(FEED_TOKEN_KEY, None)
    return redirect(url_for("programme.calendar"))
