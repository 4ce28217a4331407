"""An organisation's showcase pages (`/o/<org_slug>/stories`, its admins and the board, in the organisation's
scope): its showcase settings, its people's stories, and per story its text, the approval or the note that
sends it back (where the organisation approves its people's stories), and the neutral description of its
own people in the pair.

The organisation of the URL is resolved by `tenants/resolution.py`; a story of the URL by
`curation/loading.py` (one whose pair includes a person of this organisation, else 404).
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.participant.labels import LANGUAGE_LABELS
from tandem.platform.privacy.records.seen import note_viewed
from tandem.platform.showcase.curation.forms import (
    CONSENT_LABELS,
    PAGE_SIZE,
    ROLE_LABELS,
    STAGE_HINTS,
    STAGE_LABELS,
    DescriptionForm,
    ReviewForm,
    ShowcaseSettingsForm,
)
from tandem.platform.showcase.curation.loading import photo_response, url_organisation_story
from tandem.platform.showcase.curation.operations import (
    READ_ONLY_STATES,
    review_story,
    set_description,
    set_showcase_settings,
)
from tandem.platform.showcase.curation.queries import (
    CONSENT_ITEMS,
    OrganisationStoryRow,
    StoryDetail,
    StoryStage,
    organisation_rows,
    story_detail,
)
from tandem.platform.showcase.models import ReviewDecision, Story
from tandem.platform.transaction import request_transaction


def _approval_labels() -> dict[str, str]:
    return {"approved": _("Approved by you"), "sent_back": _("Sent back by you"),
            "waiting": _("Waiting for your approval")}


def _labels() -> dict[str, Any]:
    return {"stage_labels": STAGE_LABELS, "stage_hints": STAGE_HINTS, "role_labels": ROLE_LABELS,
            "consent_labels": CONSENT_LABELS, "consent_items": CONSENT_ITEMS, "Stage": StoryStage,
            "language_labels": LANGUAGE_LABELS,
            "approval_labels": _approval_labels()}


def _refused(reason: str) -> str:
    return _("Not saved: %(reason)s", reason=reason)


# ------------------------------------------------------------------------------------ the list and settings


def _settings_form() -> ShowcaseSettingsForm:
    organisation = g.organisation
    return ShowcaseSettingsForm(formdata=None, data={
        "stories_need_approval": "yes" if organisation.stories_need_approval else "no",
        "logo_on_showcase": "yes" if organisation.logo_on_showcase else "no"})


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def _render_list(form: ShowcaseSettingsForm | None = None, status: int = 200) -> tuple[str, int]:
    rows = organisation_rows(db_session(), g.organisation.id)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(_page_number(), pages)
    cohorts: dict[int, tuple[str, list[OrganisationStoryRow]]] = {}
    for row in rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]:
        cohorts.setdefault(row.cohort_id, (row.cohort_name, []))[1].append(row)
    links = {"previous": url_for("showcase.organisation_stories", page=page - 1, _anchor="stories")
             if page > 1 else None,
             "next": url_for("showcase.organisation_stories", page=page + 1, _anchor="stories")
             if page < pages else None}
    return render_template("showcase/organisation_stories.html", cohorts=list(cohorts.values()), count=len(rows),
                           page=page, pages=pages, page_links=links, form=form or _settings_form(),
                           organisation_id=g.organisation.id, **_labels()), status


@allow(Role.ORG_ADMIN)
def stories() -> tuple[str, int]:
    return _render_list()


@allow(Role.ORG_ADMIN)
def settings() -> Response | tuple[str, int]:
    form = ShowcaseSettingsForm()
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            changed = set_showcase_settings(db_session(), g.organisation, form.stories_need_approval.data == "yes",
                                            form.logo_on_showcase.data == "yes", current_user.id)
            outcome.say(_("The showcase settings are saved.") if changed else _("The showcase settings are as "
                                                                                  "they were: nothing changed."))
        if outcome.committed:
            return redirect(url_for("showcase.organisation_stories", _anchor="settings"))
    return _render_list(form, 400)


# ------------------------------------------------------------------------------------------------ a story


def _render_story(story: Story, *, review_form: ReviewForm | None = None,
                  description_form: DescriptionForm | None = None, status: int = 200) -> tuple[str, int]:
    detail: StoryDetail = story_detail(db_session(), story)
    note_viewed((person.user_id for person in detail.people.both), "story", story_id=story.id)
    organisation = g.organisation
    own = detail.people.of_organisation(organisation.id)
    failed_for = description_form.participation_id.data if description_form is not None else None
    description_forms = {
        person.participation_id: (description_form if failed_for == person.participation_id and description_form
                                  is not None else DescriptionForm(formdata=None, data={
                                      "participation_id": person.participation_id,
                                      "description": detail.consent_of(person.participation_id).description or ""}))
        for person in own}
    stray: list[str] = []
    if description_form is not None and failed_for not in description_forms:
        stray = [str(message) for messages in description_form.errors.values() for message in messages]
        stray = stray or [_("The description is not saved. Please try again.")]
    may_review = (organisation.stories_need_approval and detail.state.confirmed_by_both
                  and detail.cohort.state not in READ_ONLY_STATES)
    return render_template(
        "showcase/organisation_story.html", detail=detail, story=story, own=own,
        description_forms=description_forms,
        review_form=review_form or ReviewForm(formdata=None, data={"seen": str(story.version)}),
        stray_problems=stray, may_review=may_review, review=detail.review_of(organisation.id),
        organisation=organisation, approves=organisation.stories_need_approval, **_labels()), status


def _seen(value: str | None) -> int:
    raw = (value or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1


@allow(Role.ORG_ADMIN)
def story(story_id: int) -> Response | tuple[str, int]:
    found = url_organisation_story(story_id)
    if request.method == "GET":
        return _render_story(found)
    session = db_session()
    organisation = g.organisation
    back = url_for("showcase.organisation_story", story_id=found.id)
    if "save_description" in request.form:
        form = DescriptionForm()
        if form.validate_on_submit():
            try:
                with request_transaction(form, refused=_refused) as outcome:
                    set_description(session, organisation.id, found.id, validated(form.participation_id.data),
                                    form.description.data, current_user.id)
                    outcome.say(_("The description is saved."))
            except LookupError:
                abort(404)  # not one of the organisation's people in this pair
            if outcome.committed:
                return redirect(f"{back}#description-{form.participation_id.data}")
        return _render_story(found, description_form=form, status=400)
    form = ReviewForm()
    if not (form.approve.data or form.send_back.data):
        form.form_errors.append(_("Approve the story or send it back with a note."))
        return _render_story(found, review_form=form, status=400)
    if form.validate_on_submit():
        decision = ReviewDecision.APPROVED if form.approve.data else ReviewDecision.SENT_BACK
        with request_transaction(form, refused=_refused) as outcome:
            review_story(session, organisation.id, found.id, decision, form.note.data, current_user.id,
                         seen_version=_seen(form.seen.data))
            outcome.say(_("You approved the story. Once the board chooses it, it can be on the showcase.")
                        if decision == ReviewDecision.APPROVED else
                        _("The story is sent back: both partners are told by e-mail and see your note on their "
                          "story's page."))
        if outcome.committed:
            return redirect(f"{back}#review")
    return _render_story(found, review_form=form, status=400)


@allow(Role.ORG_ADMIN)
def story_photo(story_id: int) -> Response:
    return photo_response(url_organisation_story(story_id))
