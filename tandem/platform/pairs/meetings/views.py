"""The partners' meeting pages, under /me/pairs/<pair_id>/meetings (the pair loaded and checked by
`pairs/loading.py`: 404 to anyone but its two people): plan and change a meeting, log one held, say that one
did not take place, cancel one; the private note; the check-in; the meeting as a calendar file.

A meeting of another pair does not exist here (404). The changes are the operations'; refusals are shown
beside the fields (400) or, for a button, as a message after the redirect.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from tandem.platform.access import Role, allow
from tandem.platform.clock import club_zone, now
from tandem.platform.database import as_utc, db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import current_language
from tandem.platform.pairs.loading import Membership, url_membership
from tandem.platform.pairs.meetings import operations, queries
from tandem.platform.pairs.meetings.calendar import (
    FORMAT_LABELS,
    USEFULNESS_LABELS,
    calendar_entry,
    meeting_words,
)
from tandem.platform.pairs.meetings.forms import CheckInForm, ConfirmForm, LogForm, MeetingForm, NoteForm
from tandem.platform.pairs.meetings.operations import HeldInput, last_day
from tandem.platform.pairs.models import MeetingFormat, MeetingStatus, PairMeeting
from tandem.platform.programme.calendar_files import calendar_file
from tandem.platform.transaction import request_transaction


def _meeting(meeting_id: int) -> PairMeeting:
    meeting = queries.meeting_of(db_session(), url_membership(), meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _pair_page(membership: Membership) -> str:
    return url_for("pairs.pair", pair_id=membership.pair.id) + "#meetings"


def _meeting_page(membership: Membership, meeting_id: int) -> str:
    return url_for("pairs.meeting", pair_id=membership.pair.id, meeting_id=meeting_id)


def _local_input(meeting: PairMeeting) -> dict[str, Any]:
    """The meeting's fields as a form shows them (the time in the club's zone, without its offset)."""
    return {"starts_at": as_utc(meeting.starts_at).astimezone(club_zone()).replace(tzinfo=None),
            "duration": meeting.duration_minutes, "format": meeting.format, "place": meeting.place,
            "online_url": meeting.online_url}


def _context(membership: Membership) -> dict[str, Any]:
    session = db_session()
    cohort = operations.cohort_of(session, membership)
    return {"membership": membership, "partner_name": queries.partner_name(session, membership),
            "zone": club_zone().key, "last_day": last_day(cohort),
            "first_day": operations.first_day(membership, cohort)}


def _plan_page(form: MeetingForm, meeting: PairMeeting | None = None, status: int = 200) -> tuple[str, int]:
    membership = url_membership()
    return render_template("pairs/meeting_form.html", form=form, meeting=meeting,
                           words=meeting_words(meeting, current_language()) if meeting else None,
                           **_context(membership)), status


def _ended(membership: Membership) -> BaseResponse | None:
    """An ended pair's meetings are history: the forms that change them send back with a message."""
    if membership.is_active:
        return None
    flash(_("Your tandem has ended: its meetings can no longer be planned or changed."), "error")
    return redirect(_pair_page(membership))


@allow(Role.PARTICIPANT)
def plan() -> BaseResponse | tuple[str, int]:
    membership = url_membership()
    if (back := _ended(membership)) is not None:
        return back
    form = MeetingForm(data={"duration": 60, "format": MeetingFormat.IN_PERSON})
    if not form.validate_on_submit():
        return _plan_page(form, status=400 if form.is_submitted() else 200)
    with request_transaction(form) as outcome:
        meeting = operations.plan_meeting(db_session(), membership, form.meeting_input())
        outcome.say(_("The meeting is planned. Your partner receives it by e-mail, with a calendar entry."))
    if outcome.committed:
        return redirect(_meeting_page(membership, meeting.id))
    return _plan_page(form, status=400)


@allow(Role.PARTICIPANT)
def edit(meeting_id: int) -> BaseResponse | tuple[str, int]:
    membership = url_membership()
    meeting = _meeting(meeting_id)
    if (back := _ended(membership)) is not None:
        return back
    if meeting.status != MeetingStatus.PLANNED or as_utc(meeting.starts_at) <= now():
        flash(_("Only a planned meeting that is still to come can be changed."), "error")
        return redirect(_meeting_page(membership, meeting_id))
    form = MeetingForm(data=_local_input(meeting))
    if not form.validate_on_submit():
        return _plan_page(form, meeting, status=400 if form.is_submitted() else 200)
    with request_transaction(form) as outcome:
        if operations.change_meeting(db_session(), membership, meeting, form.meeting_input()):
            outcome.say(_("The meeting is changed. Your partner receives the update by e-mail."))
        else:
            outcome.say(_("Nothing changed."), "info")
    if outcome.committed:
        return redirect(_meeting_page(membership, meeting_id))
    if form.errors:
        return _plan_page(form, _meeting(meeting_id), status=400)
    return redirect(_meeting_page(membership, meeting_id))


def _log_form(meeting: PairMeeting | None) -> LogForm:
    session = db_session()
    language = current_language()
    keep = list(meeting.topic_ids or []) if meeting else []
    choices = queries.topic_choices(session, language, keep)
    if meeting is None:
        return LogForm(data={"duration": 60, "format": MeetingFormat.IN_PERSON}, topics=choices)
    return LogForm(data=_local_input(meeting), topics=choices)


def _log_page(form: LogForm, meeting: PairMeeting | None = None, status: int = 200) -> tuple[str, int]:
    membership = url_membership()
    return render_template("pairs/meeting_log.html", form=form, meeting=meeting,
                           words=meeting_words(meeting, current_language()) if meeting else None,
                           **_context(membership)), status


def _held_input(form: LogForm) -> HeldInput:
    return HeldInput(meeting=form.meeting_input(), topic_ids=form.topic_ids(), summary=form.summary.data,
                     private_note=form.private_note.data)


@allow(Role.PARTICIPANT)
def log_unplanned() -> BaseResponse | tuple[str, int]:
    membership = url_membership()
    if (back := _ended(membership)) is not None:
        return back
    form = _log_form(None)
    if not form.validate_on_submit():
        return _log_page(form, status=400 if form.is_submitted() else 200)
    with request_transaction(form) as outcome:
        meeting = operations.log_unplanned(db_session(), membership, _held_input(form))
        outcome.say(_("The meeting is logged. Thank you!"))
    if outcome.committed:
        return redirect(_meeting_page(membership, meeting.id) + "#check-in")
    return _log_page(form, status=400)


@allow(Role.PARTICIPANT)
def log_planned(meeting_id: int) -> BaseResponse | tuple[str, int]:
    membership = url_membership()
    meeting = _meeting(meeting_id)
    if (back := _ended(membership)) is not None:
        return back
    if meeting.status != MeetingStatus.PLANNED or as_utc(meeting.starts_at) > now():
        flash(_("Only a planned meeting whose time has come can be logged as held."), "error")
        return redirect(_meeting_page(membership, meeting_id))
    form = _log_form(meeting)
    if not form.validate_on_submit():
        return _log_page(form, meeting, status=400 if form.is_submitted() else 200)
    with request_transaction(form) as outcome:
        operations.log_planned(db_session(), membership, meeting, _held_input(form))
        outcome.say(_("The meeting is logged. Thank you!"))
    if outcome.committed:
        return redirect(_meeting_page(membership, meeting_id) + "#check-in")
    if form.errors:
        return _log_page(form, _meeting(meeting_id), status=400)
    return redirect(_meeting_page(membership, meeting_id))


def _show_meeting(meeting: PairMeeting, *, note_form: NoteForm | None = None,
                  check_in_form: CheckInForm | None = None, status: int = 200) -> tuple[str, int]:
    session = db_session()
    membership = url_membership()
    row = queries.meeting_row(session, membership, meeting, current_language())
    note = queries.own_note(session, membership, meeting.id)
    moment = now()
    started = as_utc(meeting.starts_at) <= moment
    planned = meeting.status == MeetingStatus.PLANNED
    return render_template(
        "pairs/meeting.html", membership=membership, meeting=meeting, row=row, words=row.words,
        partner_name=queries.partner_name(session, membership), note=note,
        note_form=note_form or NoteForm(data={"text": note or ""}),
        check_in_form=check_in_form or CheckInForm(), confirm_form=ConfirmForm(),
        usefulness_labels={value: str(label) for value, label in USEFULNESS_LABELS.items()},
        format_labels=FORMAT_LABELS, can_change=membership.is_active and planned and not started,
        awaiting=membership.is_active and planned and started,
        can_check_in=meeting.status == MeetingStatus.HELD and row.own_check_in is None), status


@allow(Role.PARTICIPANT)
def meeting(meeting_id: int) -> tuple[str, int]:
    return _show_meeting(_meeting(meeting_id))


@allow(Role.PARTICIPANT)
def not_held(meeting_id: int) -> BaseResponse:
    membership = url_membership()
    meeting = _meeting(meeting_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction(refused=lambda reason: _("Not saved: %(reason)s", reason=reason)) as outcome:
        operations.mark_not_held(db_session(), membership, meeting)
        outcome.say(_("Noted: the meeting did not take place. Plan the next one when you can."))
    return redirect(_pair_page(membership) if outcome.committed else _meeting_page(membership, meeting_id))


@allow(Role.PARTICIPANT)
def cancel(meeting_id: int) -> BaseResponse:
    membership = url_membership()
    meeting = _meeting(meeting_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction(refused=lambda reason: _("Not cancelled: %(reason)s", reason=reason)) as outcome:
        operations.cancel_meeting(db_session(), membership, meeting)
        outcome.say(_("The meeting is cancelled. Your partner is told by e-mail."))
    return redirect(_pair_page(membership) if outcome.committed else _meeting_page(membership, meeting_id))


@allow(Role.PARTICIPANT)
def note(meeting_id: int) -> BaseResponse | tuple[str, int]:
    membership = url_membership()
    meeting = _meeting(meeting_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _show_meeting(meeting, note_form=form, status=400)
    with request_transaction(form) as outcome:
        kept = operations.save_note(db_session(), membership, meeting, form.text.data)
        outcome.say(_("Your private note is saved.") if kept else _("Your private note is removed."))
    if outcome.committed:
        return redirect(_meeting_page(membership, meeting_id) + "#note")
    return _show_meeting(_meeting(meeting_id), note_form=form, status=400)


@allow(Role.PARTICIPANT)
def check_in(meeting_id: int) -> BaseResponse | tuple[str, int]:
    membership = url_membership()
    meeting = _meeting(meeting_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        return _show_meeting(meeting, check_in_form=form, status=400)
    with request_transaction(form) as outcome:
        operations.check_in(db_session(), membership, meeting, validated(form.usefulness.data), form.comment.data)
        outcome.say(_("Thank you for checking in."))
    if outcome.committed or not form.errors:
        return redirect(_meeting_page(membership, meeting_id) + "#check-in")
    return _show_meeting(_meeting(meeting_id), check_in_form=form, status=400)


@allow(Role.PARTICIPANT)
def meeting_file(meeting_id: int) -> Response:
    session = db_session()
    membership = url_membership()
    meeting = _meeting(meeting_id)
    entry = calendar_entry(meeting, current_language(), queries.partner_name(session, membership))
    content = calendar_file([entry], zone=club_zone(), stamp=now())
    response = Response(content, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response
