"""The board's showcase pages of a cohort (club scope, `Role.BOARD`): every published pair with where its story
stands, the choice, order and featured stories of the showcase, one story as the board reads it, and the
symposium's programme (slots with time, title, room and presenting pairs).

The URL's cohort is loaded once by the blueprint (`url_cohort()`); a story of the URL by
`curation/loading.py` (one of this cohort, else 404). The board reads a story's text once both partners
confirmed a version or it chose it; before that the story's page says it is a draft, without its text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_date, format_time
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2

from tandem.platform.access import Role, allow
from tandem.platform.clock import club_zone, today
from tandem.platform.cohorts.lifecycle import available_transitions
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import as_utc, db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import current_language
from tandem.platform.participant.labels import LANGUAGE_LABELS
from tandem.platform.privacy.records.seen import note_viewed
from tandem.platform.programme import wording
from tandem.platform.programme.models import ProgrammeEvent
from tandem.platform.showcase.curation.forms import (
    CONSENT_LABELS,
    PAGE_SIZE,
    ROLE_LABELS,
    STAGE_HINTS,
    STAGE_LABELS,
    ButtonForm,
    CurationForm,
    SlotForm,
)
from tandem.platform.showcase.curation.loading import photo_response, url_board_story
from tandem.platform.showcase.curation.operations import (
    READ_ONLY_STATES,
    Curation,
    SlotDraft,
    add_slot,
    curate,
    update_slot,
)
from tandem.platform.showcase.curation.operations import delete_slot as delete_symposium_slot
from tandem.platform.showcase.curation.queries import (
    CONSENT_ITEMS,
    BoardRow,
    SlotLine,
    StoryStage,
    board_rows,
    board_summary,
    readable_by_board,
    slot_story_choices,
    slots_of,
    story_detail,
    symposium_event,
)
from tandem.platform.showcase.readiness import story_states
from tandem.platform.showcase.revision import PUBLIC_STATES
from tandem.platform.transaction import request_transaction

SHOWCASE_TRANSITIONS = ("publish_showcase", "unpublish_showcase")
DEFAULT_SLOT = timedelta(minutes=30)


def _refused(reason: str) -> str:
    return _("Not saved: %(reason)s", reason=reason)


def _local_time(moment: datetime | None) -> str:
    """A stored moment's time of day in the club's time zone, in the reader's language ("" for none)."""
    if moment is None:
        return ""
    return format_time(as_utc(moment).astimezone(club_zone()), format="short", locale=current_language())


def _local_day(moment: datetime) -> str:
    return format_date(as_utc(moment).astimezone(club_zone()).date(), format="full", locale=current_language())


def _labels() -> dict[str, Any]:
    return {"stage_labels": STAGE_LABELS, "stage_hints": STAGE_HINTS, "role_labels": ROLE_LABELS,
            "consent_labels": CONSENT_LABELS, "consent_items": CONSENT_ITEMS, "Stage": StoryStage,
            "language_labels": LANGUAGE_LABELS,
            "local_time": _local_time, "zone": club_zone().key}


# ------------------------------------------------------------------------------------------- the stories


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def _initial_form(rows: list[BoardRow]) -> CurationForm:
    return CurationForm(formdata=None, data={"rows": [
        {"story_id": row.story.id, "chosen": row.story.chosen, "featured": row.story.featured,
         "position": row.story.position or None}
        for row in rows if row.story is not None and row.choosable]})


def _form_problems(form: CurationForm) -> list[str]:
    """Every message of the posted choice, in words (a row's message names its field)."""
    problems = [str(message) for message in form.form_errors]
    names = {"story_id": _("Story"), "chosen": _("Chosen"), "featured": _("Featured"), "position": _("Position")}
    for entry in form.rows:
        for name, messages in entry.form.errors.items():
            problems.extend(f"{names.get(name, name)}: {message}" for message in messages)
    if isinstance(form.errors.get("csrf_token"), list):
        problems.append(_("The form has expired. Please send it once more."))
    return problems


def _render_stories(cohort: Cohort, form: CurationForm | None = None, status: int = 200) -> tuple[str, int]:
    session = db_session()
    rows = board_rows(session, cohort.id)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(_page_number(), pages)
    shown = rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    note_viewed((person.user_id for row in shown for person in row.pair.both), "story_list", cohort_id=cohort.id)
    form = form if form is not None else _initial_form(shown)
    entries = {entry.form.story_id.data: entry.form for entry in form.rows
               if isinstance(entry.form.story_id.data, int)}
    options = [option for option in available_transitions(session, cohort, today=today())
               if option.name in SHOWCASE_TRANSITIONS]
    event = symposium_event(session, cohort.id)
    links = {"previous": url_for("showcase.board_stories", cohort_id=cohort.id, page=page - 1, _anchor="stories")
             if page > 1 else None,
             "next": url_for("showcase.board_stories", cohort_id=cohort.id, page=page + 1, _anchor="stories")
             if page < pages else None}
    return render_template(
        "showcase/board_stories.html", cohort=cohort, rows=shown, summary=board_summary(rows), form=form,
        entries=entries, problems=_form_problems(form), page=page, pages=pages, page_links=links,
        first=(page - 1) * PAGE_SIZE + 1, options=options, event=event, published=cohort.state in PUBLIC_STATES,
        event_title=wording.title_of(event, current_language()) if event is not None else None,
        event_day=_local_day(event.starts_at) if event is not None else None,
        slot_count=len(slots_of(session, cohort.id)) if event is not None else 0, **_labels()), status


@allow(Role.BOARD)
def stories() -> Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    if request.method == "GET":
        return _render_stories(cohort)
    form = CurationForm()
    if form.validate_on_submit():
        if not form.rows.entries:
            form.form_errors.append(_("There is no story to save on this page."))
            return _render_stories(cohort, form, 400)
        choices = [Curation(story_id=validated(entry.form.story_id.data), chosen=bool(entry.form.chosen.data),
                            featured=bool(entry.form.featured.data), position=entry.form.position.data)
                   for entry in form.rows]
        with request_transaction(form, refused=_refused) as outcome:
            curate(session, cohort, choices, current_user.id)
            outcome.say(_("The choice of stories for the showcase is saved."))
        if outcome.committed:
            return redirect(url_for("showcase.board_stories", cohort_id=cohort.id, page=_page_number(),
                                    _anchor="stories"))
    return _render_stories(cohort, form, 400)


@allow(Role.BOARD)
def story(story_id: int) -> tuple[str, int]:
    cohort = url_cohort()
    found = url_board_story(story_id)
    detail = story_detail(db_session(), found)
    note_viewed((person.user_id for person in detail.people.both), "story", cohort_id=cohort.id, story_id=found.id)
    return render_template("showcase/board_story.html", cohort=cohort, detail=detail,
                           readable=detail.readable_by_board, **_labels()), 200


@allow(Role.BOARD)
def story_photo(story_id: int) -> Response:
    found = url_board_story(story_id)
    state = story_states(db_session(), [found.id]).get(found.id)
    if not readable_by_board(state, found.chosen):
        abort(404)  # a draft's photo is the partners' until they confirm the story
    return photo_response(found)


# ------------------------------------------------------------------------------------------ the symposium


def _choices(cohort: Cohort, keep: tuple[int, ...] = ()) -> list[SelectChoice]:
    return [SelectChoice(item.story_id, _("%(title)s (%(mentor)s and %(mentee)s)", title=item.title,
                                          mentor=item.mentor_name, mentee=item.mentee_name))
            for item in slot_story_choices(db_session(), cohort.id, keep)]


def _local_naive(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(club_zone()).replace(tzinfo=None)


def _draft(form: SlotForm) -> SlotDraft:
    starts, ends = form.starts_at.aware(), form.ends_at.aware()
    assert starts is not None and ends is not None  # required fields, validated
    return SlotDraft(starts_at=starts, ends_at=ends, title=validated(form.title.data), room=form.room.data or None,
                     story_ids=tuple(form.stories.data or ()))


def _new_slot_form(event: ProgrammeEvent | None, slots: list[SlotLine]) -> SlotForm:
    if event is None:
        return SlotForm(formdata=None)
    start = slots[-1].ends_at if slots else event.starts_at
    return SlotForm(formdata=None, data={"starts_at": _local_naive(start),
                                         "ends_at": _local_naive(as_utc(start) + DEFAULT_SLOT)})


def _render_symposium(cohort: Cohort, form: SlotForm | None = None, status: int = 200) -> tuple[str, int]:
    session = db_session()
    event = symposium_event(session, cohort.id)
    slots = slots_of(session, cohort.id)
    form = form if form is not None else _new_slot_form(event, slots)
    form.stories.choices = _choices(cohort)
    return render_template(
        "showcase/symposium.html", cohort=cohort, event=event, slots=slots, form=form,
        button_form=ButtonForm(formdata=None), read_only=cohort.state in READ_ONLY_STATES,
        published=cohort.state in PUBLIC_STATES,
        event_title=wording.title_of(event, current_language()) if event is not None else None,
        event_when=wording.when_text(event, current_language()) if event is not None else None,
        event_where=wording.where_text(event) if event is not None else None, **_labels()), status


@allow(Role.BOARD)
def symposium() -> Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    if request.method == "GET":
        return _render_symposium(cohort)
    form = SlotForm()
    if form.validate_on_submit():
        with request_transaction(form, refused=_refused) as outcome:
            slot = add_slot(session, cohort, _draft(form), current_user.id)
            outcome.say(_("The slot “%(title)s” is added to the symposium's programme.", title=slot.title))
        if outcome.committed:
            return redirect(url_for("showcase.symposium", cohort_id=cohort.id, _anchor="slots"))
    return _render_symposium(cohort, form, 400)


def _url_slot(cohort: Cohort, slot_id: int) -> SlotLine:
    found = slots_of(db_session(), cohort.id, slot_id)
    if not found:
        abort(404)  # a slot of another cohort does not exist here
    return found[0]


def _render_slot(cohort: Cohort, slot: SlotLine, form: SlotForm, status: int = 200) -> tuple[str, int]:
    form.stories.choices = _choices(cohort, tuple(item.story_id for item in slot.stories))
    return render_template("showcase/slot_form.html", cohort=cohort, slot=slot, form=form,
                           read_only=cohort.state in READ_ONLY_STATES, **_labels()), status


@allow(Role.BOARD)
def edit_slot(slot_id: int) -> Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    slot = _url_slot(cohort, slot_id)
    if request.method == "GET":
        return _render_slot(cohort, slot, SlotForm(formdata=None, data={
            "starts_at": _local_naive(slot.starts_at), "ends_at": _local_naive(slot.ends_at), "title": slot.title,
            "room": slot.room or "", "stories": [item.story_id for item in slot.stories]}))
    form = SlotForm()
    if form.validate_on_submit():
        with request_transaction(form, refused=_refused) as outcome:
            update_slot(session, cohort, slot.id, _draft(form), current_user.id)
            outcome.say(_("The slot is saved."))
        if outcome.committed:
            return redirect(url_for("showcase.symposium", cohort_id=cohort.id, _anchor=f"slot-{slot.id}"))
    return _render_slot(cohort, slot, form, 400)


@allow(Role.BOARD)
def delete_slot(slot_id: int) -> Response:
    session = db_session()
    cohort = url_cohort()
    slot = _url_slot(cohort, slot_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    with request_transaction(refused=lambda reason: _("Not done: %(reason)s", reason=reason)) as outcome:
        delete_symposium_slot(session, cohort, slot.id, current_user.id)
        outcome.say(_("The slot “%(title)s” is taken out of the programme.", title=slot.title))
    return redirect(url_for("showcase.symposium", cohort_id=cohort.id, _anchor="slots"))
