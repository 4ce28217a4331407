"""The organisation admin's view of the programme (`/o/<org_slug>/programme`, that organisation's scope): the
events of the cohorts its people take part in, and how its own people answered. Never another
organisation's people; an event of a cohort none of its people take part in does not exist here (404).
"""

from __future__ import annotations

from flask import abort, g, render_template

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.privacy.records.seen import note_viewed
from tandem.platform.programme.models import Answer, Audience
from tandem.platform.programme.queries import event_answers, organisation_event, organisation_events
from tandem.platform.programme.wording import event_words, is_past

# How people answered, as an admin reads it (in this order).
ANSWER_LABELS = {
    Answer.YES: _l("Coming"),
    Answer.MAYBE: _l("Maybe"),
    Answer.NO: _l("Not coming"),
    Answer.WAITING: _l("On the waiting list"),
    Answer.NONE: _l("Not answered yet"),
}
INVITED_AS_LABELS = {
    Audience.MENTORS: _l("Mentor"),
    Audience.MENTEES: _l("Mentee"),
    Audience.ORG_ADMINS: _l("Organisation admin"),
    Audience.BOARD: _l("Club board"),
}


@allow(Role.ORG_ADMIN)
def events() -> str:
    rows = organisation_events(db_session(), g.organisation.id)
    language = current_language()
    words = {event.id: event_words(event, language) for event, _counts in rows}
    upcoming = [(event, counts) for event, counts in rows if not is_past(event)]
    past = [(event, counts) for event, counts in reversed(rows) if is_past(event)]
    return render_template("programme/organisation_events.html", upcoming=upcoming, past=past, words=words,
                           answer_labels=ANSWER_LABELS)


@allow(Role.ORG_ADMIN)
def event(event_id: int) -> str:
    session = db_session()
    found = organisation_event(session, g.organisation.id, event_id)
    if found is None:
        abort(404)
    answers = event_answers(session, found, organisation_id=g.organisation.id)
    note_viewed([row.invitation.user_id for row in answers.invitees], "event_answers", event_id=found.id)
    return render_template("programme/organisation_event.html", event=found, answers=answers,
                           words=event_words(found, current_language()), past=is_past(found),
                           answer_labels=ANSWER_LABELS, invited_as_labels=INVITED_AS_LABELS)
