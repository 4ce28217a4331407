"""The board's pages of a cohort's programme (club scope, set by tandem.platform.access for Role.BOARD):
the list of events, the event form, one event with its answers, and the answers as CSV.

The URL's cohort is loaded once by the blueprint (`url_cohort()`); an event is looked up once per request by
`_url_event()`, which answers 404 for an unknown id and for another cohort's event.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from babel.dates import format_date, format_time
from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from tandem.platform import audit
from tandem.platform.access import Role, allow
from tandem.platform.clock import club_zone, today
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.privacy.records.seen import BOARD, note_viewed, record_views
from tandem.platform.programme import wording
from tandem.platform.programme.forms import (
    ANSWER_COUNT_LABELS,
    AUDIENCE_LABELS,
    KIND_LABELS,
    LANGUAGE_NAMES,
    STATUS_LABELS,
    ConfirmForm,
    EventForm,
)
from tandem.platform.programme.models import DATED_KINDS, Answer, Audience, EventKind, EventStatus, ProgrammeEvent
from tandem.platform.programme.operations import (
    DEFAULT_TITLES,
    ENDED_STATES,
    cancel_event,
    cohort_span,
    create_dated_events,
    create_event,
    owned_dates,
    publish_event,
    update_event,
)
from tandem.platform.programme.queries import (
    EventAnswers,
    audience_size,
    cohort_events,
    event_answers,
    host_choices,
    organisation_name,
)
from tandem.platform.refusals import OperationRefused
from tandem.platform.spreadsheet import csv_text
from tandem.platform.tenancy import club_scope
from tandem.platform.transaction import request_transaction

# The order in which answers are counted on the pages and in the CSV.
ANSWER_ORDER = (Answer.YES, Answer.MAYBE, Answer.NO, Answer.WAITING, Answer.NONE)
# New events: from 18:00 to 20:00 in the club's time zone, unless the board enters other times.
DEFAULT_START, DEFAULT_END = time(18, 0), time(20, 0)
DEFAULT_AUDIENCE = {
    EventKind.TRAINING: [Audience.MENTORS],
    EventKind.SYMPOSIUM: [Audience.MENTORS, Audience.MENTEES, Audience.ORG_ADMINS, Audience.BOARD],
}


def _refused(reason: str) -> str:
    return _("Not done: %(reason)s", reason=reason)


def _local_time(moment: datetime | None) -> str:
    """A stored moment in the club's time zone, in the reader's language ("" for none)."""
    if moment is None:
        return ""
    moment, language = wording.local(moment), current_language()
    return (f"{format_date(moment.date(), format='medium', locale=language)}, "
            f"{format_time(moment, format='short', locale=language)}")


def _labels() -> dict[str, object]:
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS, "answer_labels": ANSWER_COUNT_LABELS,
            "audience_labels": AUDIENCE_LABELS, "answer_order": ANSWER_ORDER, "language": current_language(),
            "wording": wording, "zone": club_zone().key, "local_time": _local_time,
            "language_names": LANGUAGE_NAMES}


def _url_event(event_id: int) -> ProgrammeEvent:
    """The event of the URL, of the URL's cohort; 404 otherwise."""
    cohort = url_cohort()
    session = db_session()
    with club_scope(session):
        event = session.get(ProgrammeEvent, event_id)
    if event is None or event.cohort_id != cohort.id:
        abort(404)
    return event


def _archived(cohort: Cohort) -> bool:
    return cohort.state in ENDED_STATES


def _missing_dates(session: Session, cohort: Cohort) -> list[tuple[str, date]]:
    """The cohort's dates (kick-off, closing, symposium) that no event sets yet: (kind, date)."""
    owned = owned_dates(session, cohort.id)
    return [(kind.value, getattr(cohort, column)) for kind, column in DATED_KINDS.items()
            if getattr(cohort, column) is not None and column not in owned]


# ------------------------------------------------------------------------------------------------ the list


@allow(Role.BOARD)
def index() -> str:
    session = db_session()
    cohort = url_cohort()
    return render_template("programme/board_index.html", cohort=cohort, rows=cohort_events(session, cohort.id),
                           missing=_missing_dates(session, cohort) if not _archived(cohort) else [],
                           archived=_archived(cohort), confirm_form=ConfirmForm(), **_labels())


@allow(Role.BOARD)
def from_dates() -> Response:
    session = db_session()
    cohort = url_cohort()
    if not ConfirmForm().validate_on_submit():
        abort(400)

    def show(refusal: OperationRefused) -> bool:
        # A date of the cohort that an event cannot take (e.g. out of order): say which and why.
        messages = [str(message) for message in refusal.field_messages.values()]
        if not messages:
            return False
        flash(_refused(" ".join(messages)), "error")
        return True

    with request_transaction(refused=_refused, show_refusal=show) as outcome:
        created = create_dated_events(session, cohort, current_user.id)
        names = ", ".join(str(KIND_LABELS[EventKind(event.kind)]) for event in created)
        outcome.say(_("Created as drafts: %(events)s. Check each one and publish it when it is ready; nobody is "
                      "invited before that.", events=names))
    return redirect(url_for("programme.index", cohort_id=cohort.id))


# ---------------------------------------------------------------------------------------------- the form


def _languages(cohort: Cohort, event: ProgrammeEvent | None = None) -> list[str]:
    """The form's languages: the cohort's, and any other that the event already has a text in (kept)."""
    languages = list(cohort.languages or []) or ["en"]
    if event is not None:
        for texts in (event.titles, event.descriptions or {}):
            languages += [lang for lang in texts if lang not in languages]
    return languages


def _default_day(cohort: Cohort, kind: str) -> date:
    """A sensible day for a new event: the cohort's date of a kick-off, closing or symposium; two weeks before
    the kick-off for the mentors' training; otherwise two weeks from today, on a weekday, within the span."""
    column = DATED_KINDS.get(EventKind(kind)) if kind in tuple(EventKind) else None
    if column and getattr(cohort, column):
        day: date = getattr(cohort, column)
        return day
    soon = today() + timedelta(days=14)
    if kind == EventKind.TRAINING and cohort.kickoff_on:
        day = max(cohort.kickoff_on - timedelta(days=14), min(soon, cohort.kickoff_on - timedelta(days=1)))
    elif kind == EventKind.WORKSHOP and cohort.kickoff_on:
        day = max(cohort.kickoff_on + timedelta(weeks=6), soon)
    else:
        day = soon
    while day.weekday() >= 5:
        day += timedelta(days=1)
    span = cohort_span(cohort)
    if span is not None:
        day = min(max(day, span[0]), span[1])
    return day


def _new_values(cohort: Cohort, kind: str) -> dict[str, object]:
    day = _default_day(cohort, kind)
    values: dict[str, object] = {
        "kind": kind, "starts_at": datetime.combine(day, DEFAULT_START), "ends_at": datetime.combine(day, DEFAULT_END),
        "audience": [a.value for a in DEFAULT_AUDIENCE.get(EventKind(kind), [Audience.MENTORS, Audience.MENTEES])],
        "host_organisation": 0,
    }
    titles = DEFAULT_TITLES.get(EventKind(kind), {})
    for language in _languages(cohort):
        if language in titles:
            values[f"title_{language}"] = titles[language]
    if kind == EventKind.SYMPOSIUM and cohort.symposium_venue:
        values["venue_name"] = cohort.symposium_venue
    return values


def _event_values(event: ProgrammeEvent, languages: list[str]) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": event.kind,
        "starts_at": wording.local(event.starts_at).replace(tzinfo=None),
        "ends_at": wording.local(event.ends_at).replace(tzinfo=None),
        "venue_name": event.venue_name, "venue_room": event.venue_room, "venue_address": event.venue_address,
        "host_organisation": event.host_organisation_id or 0, "online_url": event.online_url,
        "audience": list(event.audience), "capacity": event.capacity,
    }
    for language in languages:
        values[f"title_{language}"] = event.titles.get(language, "")
        values[f"description_{language}"] = (event.descriptions or {}).get(language, "")
    return values


def _host_is_known(form: EventForm, hosts: list[tuple[int, str]]) -> bool:
    """The chosen host is one of the choices offered (a forged id gets a message, not a database error)."""
    if form.host_organisation.data in {0, *(oid for oid, _name in hosts)}:
        return True
    form.host_organisation.errors = [*form.host_organisation.errors, _("Choose a host from the list.")]
    return False


def _render_form(form: EventForm, cohort: Cohort, event: ProgrammeEvent | None) -> tuple[str, int]:
    span = cohort_span(cohort)
    return render_template("programme/board_form.html", form=form, cohort=cohort, event=event, span=span,
                           **_labels()), (400 if form.errors else 200)


@allow(Role.BOARD)
def new() -> str | Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    if _archived(cohort):
        flash(_("The programme of an archived cohort can no longer be changed."), "error")
        return redirect(url_for("programme.index", cohort_id=cohort.id))
    kind = request.args.get("kind", "")
    kind = kind if kind in tuple(EventKind) else EventKind.WORKSHOP.value
    languages = _languages(cohort)
    form_class = EventForm.for_languages(languages)
    hosts = host_choices(session)
    form = form_class(data=None if request.method == "POST" else _new_values(cohort, kind),
                      languages=languages, organisations=hosts)
    if form.validate_on_submit() and _host_is_known(form, hosts):
        with request_transaction(form) as outcome:
            event = create_event(session, cohort, form.event_input(), current_user.id)
            outcome.say(_("The event %(title)s is saved as a draft. Nobody is invited until you publish it.",
                          title=wording.title_of(event, current_language())))
        if outcome.committed:
            return redirect(url_for("programme.event", cohort_id=cohort.id, event_id=event.id))
    return _render_form(form, cohort, None)


@allow(Role.BOARD)
def edit(event_id: int) -> str | Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    event = _url_event(event_id)
    if _archived(cohort) or event.status == EventStatus.CANCELLED:
        flash(_("The programme of an archived cohort can no longer be changed.") if _archived(cohort)
              else _("A cancelled event cannot be changed."), "error")
        return redirect(url_for("programme.event", cohort_id=cohort.id, event_id=event.id))
    languages = _languages(cohort, event)
    form_class = EventForm.for_languages(languages)
    hosts = host_choices(session, keep=event.host_organisation_id)
    form = form_class(data=None if request.method == "POST" else _event_values(event, languages),
                      languages=languages, organisations=hosts)
    if form.validate_on_submit() and _host_is_known(form, hosts):
        published = event.status == EventStatus.PUBLISHED
        with request_transaction(form) as outcome:
            told = update_event(session, event, form.event_input(), current_user.id)
            if told:
                outcome.say(_("The event is saved. Every invitee is told of the change by e-mail, with the "
                              "updated calendar entry."))
            elif published:
                outcome.say(_("The event is saved. Its time, place and title are unchanged, so invitees are not "
                              "mailed."))
            else:
                outcome.say(_("The event is saved. It is still a draft: nobody is invited yet."))
        if outcome.committed:
            return redirect(url_for("programme.event", cohort_id=cohort.id, event_id=event.id))
    return _render_form(form, cohort, event)


# ------------------------------------------------------------------------------------------------ the event


@allow(Role.BOARD)
def event(event_id: int) -> str:
    session = db_session()
    cohort = url_cohort()
    item = _url_event(event_id)
    answers = event_answers(session, item)
    note_viewed([row.invitation.user_id for row in answers.invitees], "event_answers", cohort_id=cohort.id,
                event_id=item.id)
    return render_template(
        "programme/board_event.html", cohort=cohort, event=item, answers=answers,
        event_title=wording.title_of(item, current_language()),
        audience_names=[str(AUDIENCE_LABELS.get(Audience(a), a)) if a in tuple(Audience) else a
                        for a in item.audience],
        counts=answers.counts, archived=_archived(cohort),
        audience_size=audience_size(session, item) if item.status == EventStatus.DRAFT else None,
        host=organisation_name(session, item.host_organisation_id), confirm_form=ConfirmForm(), **_labels())


@allow(Role.BOARD)
def publish(event_id: int) -> Response:
    session = db_session()
    cohort = url_cohort()
    item = _url_event(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with request_transaction(refused=_refused) as outcome:
        count = publish_event(session, item, current_user.id)
        outcome.say(ngettext(
            "The event is published: %(num)d person is invited and gets one e-mail with a calendar file.",
            "The event is published: %(num)d people are invited; each gets one e-mail with a calendar file.",
            count))
    return redirect(url_for("programme.event", cohort_id=cohort.id, event_id=event_id))


@allow(Role.BOARD)
def cancel(event_id: int) -> Response:
    session = db_session()
    cohort = url_cohort()
    item = _url_event(event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    was_draft = item.status == EventStatus.DRAFT
    with request_transaction(refused=_refused) as outcome:
        told = cancel_event(session, item, current_user.id)
        if told:
            outcome.say(_("The event is cancelled. Every invitee is told by e-mail."))
        else:
            outcome.say(_("The draft is deleted."))
    if outcome.committed and was_draft:
        return redirect(url_for("programme.index", cohort_id=cohort.id))
    return redirect(url_for("programme.event", cohort_id=cohort.id, event_id=event_id))


# ------------------------------------------------------------------------------------------------ the CSV


def _answers_csv(answers: EventAnswers) -> tuple[str, int]:
    """The invitees as CSV text for spreadsheet programs (with the byte order mark) and the number of rows."""
    return csv_text(
        [_("Organisation"), _("Name"), _("E-mail"), _("Invited as"), _("Answer"),
         _("Answered at (%(zone)s)", zone=club_zone().key)],
        ((row.organisation, row.name, row.email,
          AUDIENCE_LABELS[Audience(row.invitation.invited_as)],
          ANSWER_COUNT_LABELS[Answer(row.invitation.answer)],
          wording.local(row.invitation.answered_at).strftime("%Y-%m-%d %H:%M")
          if row.invitation.answered_at else None)
         for row in answers.invitees))


@allow(Role.BOARD)
def answers_csv(event_id: int) -> Response:
    session = db_session()
    cohort = url_cohort()
    item = _url_event(event_id)
    answers = event_answers(session, item)
    text, rows = _answers_csv(answers)
    with request_transaction():
        record_views(session, viewer_user_id=current_user.id, role=BOARD, what="event_answers_csv",
                     people=[row.invitation.user_id for row in answers.invitees],
                     where={"cohort_id": cohort.id, "event_id": item.id})
        audit.record(session, "personal_data.exported", actor_user_id=current_user.id, organisation_id=None,
                     target_type="programme_event", target_id=item.id,
                     details={"export": "programme_event_answers_csv", "cohort_id": cohort.id, "rows": rows})
    filename = f"{cohort.slug}-{item.id}-answers.csv"
    return FlaskResponse(text.encode("utf-8"), mimetype="text/csv",
                         headers={"Content-Type": "text/csv; charset=utf-8",
                                  "Content-Disposition": f'attachment; filename="{filename}"'})
