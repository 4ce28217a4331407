"""The pair's story, for its two partners: read it with its history, write it, confirm a version, choose what
may be public about oneself, add or remove the photo, see the photo.

Only the pair's two partners reach these pages: the blueprint's loader (`pairs/loading.py`) answers 404 to
anyone else, the board and the organisations' admins included (they read stories on their own pages). Once the
cohort is archived the story is read-only; the consent can be changed at any time.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.config import LANGUAGES
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.pairs.facts import club_date
from tandem.platform.pairs.loading import Membership, url_membership
from tandem.platform.participant.labels import LANGUAGE_LABELS
from tandem.platform.showcase.models import MAX_TOPICS
from tandem.platform.showcase.stories import operations
from tandem.platform.showcase.stories.forms import (
    FIELD_LABELS,
    ButtonForm,
    ConfirmStoryForm,
    ConsentForm,
    PhotoForm,
    StoryForm,
)
from tandem.platform.showcase.stories.photos import MAX_BYTES, MAX_MEGAPIXELS
from tandem.platform.showcase.stories.queries import StoryPage, club_time, photo_of, story_page, topic_choices
from tandem.platform.transaction import request_transaction

PHOTO_SIZES = ("large", "small")


def _actor() -> operations.Actor:
    return operations.Actor(user_id=current_user.id, organisation_id=current_user.organisation_id)


def _story_url(membership: Membership, anchor: str | None = None) -> str:
    return url_for("showcase.story", pair_id=membership.pair.id, _anchor=anchor)


def _not_writable(membership: Membership, page: StoryPage) -> Response:
    if page.cohort.state == "archived":
        flash(_("This cohort is archived: its stories can be read, no longer changed. You can still change what "
                "you consent to."), "error")
    else:
        flash(_("Stories are written once the programme is running."), "error")
    return redirect(_story_url(membership))


def _render_story(membership: Membership, photo_form: PhotoForm | None = None, status: int = 200,
                  page: StoryPage | None = None) -> tuple[str, int]:
    page = page or story_page(db_session(), membership)
    story = page.story
    return render_template(
        "showcase/story.html", membership=membership, page=page, story=story, cohort=page.cohort,
        me=page.people.of(membership.participation_id), partner=page.people.of(membership.partner_participation_id),
        confirm_form=ConfirmStoryForm(formdata=None, data={"seen": story.version if story else ""}),
        photo_form=photo_form or PhotoForm(formdata=None, data={"alt": story.photo_alt if story else ""}),
        button_form=ButtonForm(formdata=None), field_labels=FIELD_LABELS, language_labels=LANGUAGE_LABELS,
        club_date=club_date, club_time=club_time, current_language=current_language(),
        max_megabytes=MAX_BYTES // (1024 * 1024), max_megapixels=MAX_MEGAPIXELS,
    ), status


@allow(Role.PARTICIPANT)
def story() -> tuple[str, int]:
    return _render_story(url_membership())


# ------------------------------------------------------------------------------------------------ the text


def _story_form(page: StoryPage, formdata: Any = None, data: dict[str, Any] | None = None) -> StoryForm:
    keep = tuple(topic.id for topic in page.topics)
    kwargs: dict[str, Any] = {"topics": topic_choices(db_session(), current_language(), keep),
                              "mentor_name": page.people.mentor.display_name,
                              "mentee_name": page.people.mentee.display_name}
    if formdata is None:
        return StoryForm(formdata=None, data=data, **kwargs)
    return StoryForm(**kwargs)


def _defaults(page: StoryPage) -> dict[str, Any]:
    story = page.story
    if story is None:
        language = current_language()
        return {"language": language if language in LANGUAGES else LANGUAGES[0], "version": "0"}
    return {"language": story.language, "title": story.title, "mentee_learned": story.mentee_learned,
            "mentor_learned": story.mentor_learned, "tip": story.tip, "mentor_quote": story.mentor_quote,
            "mentee_quote": story.mentee_quote, "topics": [topic.id for topic in page.topics],
            "version": str(story.version)}


def _render_form(membership: Membership, page: StoryPage, form: StoryForm, status: int = 200) -> tuple[str, int]:
    return render_template("showcase/story_form.html", membership=membership, page=page, story=page.story,
                           form=form, cohort=page.cohort, max_topics=MAX_TOPICS), status


@allow(Role.PARTICIPANT)
def edit_story() -> Response | tuple[str, int]:
    membership = url_membership()
    session = db_session()
    page = story_page(session, membership)
    if not page.writable:
        return _not_writable(membership, page)
    if request.method == "GET":
        return _render_form(membership, page, _story_form(page, data=_defaults(page)))
    form = _story_form(page, formdata=True)
    if not form.validate_on_submit():
        return _render_form(membership, page, form, 400)
    draft = operations.StoryDraft(
        language=form.language.data or "", title=form.title.data or "",
        mentee_learned=form.mentee_learned.data or "", mentor_learned=form.mentor_learned.data or "",
        tip=form.tip.data or "", mentor_quote=form.mentor_quote.data or "", mentee_quote=form.mentee_quote.data or "",
        topic_ids=form.topic_ids())
    version_before = page.story.version if page.story is not None else 0
    with request_transaction(form) as outcome:
        saved = operations.save_story(session, membership, draft, _actor(), expected_version=form.expected_version())
        if saved.version == version_before:
            outcome.say(_("Nothing changed."), "info")
        else:
            outcome.say(_("Your story is saved (version %(version)d). Please read it once more and confirm it; "
                          "your partner is asked to confirm it too.", version=saved.version))
    if outcome.committed:
        return redirect(_story_url(membership))
    if outcome.refusal is not None and not outcome.refusal.field_messages:
        # The partner saved meanwhile: the form keeps what was typed; sent again, it is saved over their version.
        current = operations.story_of(session, membership.pair.id)
        form.version.data = str(current.version) if current is not None else "0"
    return _render_form(membership, story_page(session, membership), form, 400)


@allow(Role.PARTICIPANT)
def confirm_story() -> Response:
    membership = url_membership()
    form = ConfirmStoryForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction(form) as outcome:
        confirmed = operations.confirm_story(db_session(), membership, form.seen_version(), _actor())
        if confirmed.confirmed_by_both:
            outcome.say(_("You confirmed the story: it is now confirmed by both of you."))
        else:
            outcome.say(_("You confirmed version %(version)d of the story. Your partner is asked to confirm it "
                          "too.", version=confirmed.version))
    return redirect(_story_url(membership, "confirmations"))


# ------------------------------------------------------------------------------------------------ consent


def _render_consent(membership: Membership, page: StoryPage, form: ConsentForm, status: int = 200
                    ) -> tuple[str, int]:
    mine = page.consents.get(membership.participation_id)
    return render_template("showcase/consent.html", membership=membership, page=page, story=page.story, form=form,
                           consent=mine, cohort=page.cohort, me=page.people.of(membership.participation_id),
                           club_date=club_date), status


@allow(Role.PARTICIPANT)
def consent() -> Response | tuple[str, int]:
    membership = url_membership()
    session = db_session()
    page = story_page(session, membership)
    if request.method == "GET":
        mine = page.consents.get(membership.participation_id)
        data = {} if mine is None else {
            "show_name": mine.show_name, "show_organisation": mine.show_organisation,
            "show_photo": mine.show_photo, "show_quote": mine.show_quote, "description": mine.description or ""}
        return _render_consent(membership, page, ConsentForm(formdata=None, data=data))
    form = ConsentForm()
    valid = form.validate_on_submit()
    if page.story is None:
        flash(_("Write your story first: then each of you chooses what may be public."), "error")
        return redirect(_story_url(membership))
    if form.withdraw.data and "csrf_token" not in form.errors:
        with request_transaction(form) as outcome:
            operations.withdraw_consent(session, membership, _actor())
            outcome.say(_("Everything is withdrawn, at once: the showcase shows neither your name, nor your "
                          "organisation, nor the photo, nor your quote; it calls you only by your role."))
        return redirect(_story_url(membership, "consents"))
    if not valid:
        return _render_consent(membership, page, form, 400)
    choice = operations.ConsentChoice(
        show_name=bool(form.show_name.data), show_organisation=bool(form.show_organisation.data),
        show_photo=bool(form.show_photo.data), show_quote=bool(form.show_quote.data),
        description=form.description.data)
    with request_transaction(form) as outcome:
        operations.set_consent(session, membership, choice, _actor())
        outcome.say(_("Your choices are saved. They apply at once, also to a showcase already published."))
    if outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages):
        return redirect(_story_url(membership, "consents"))
    return _render_consent(membership, page, form, 400)


# ------------------------------------------------------------------------------------------------- photo


@allow(Role.PARTICIPANT)
def upload_photo() -> Response | tuple[str, int]:
    membership = url_membership()
    session = db_session()
    page = story_page(session, membership)
    if not page.writable:
        return _not_writable(membership, page)
    form = PhotoForm()
    if not form.validate_on_submit():
        return _render_story(membership, form, 400, page)
    upload = form.photo.data
    data = upload.read(MAX_BYTES + 1) if upload else b""
    with request_transaction(form) as outcome:
        operations.set_photo(session, membership, data, form.alt.data or "", _actor())
        outcome.say(_("The photo is added. It is a change of your story: please both confirm it again."))
    if outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages):
        return redirect(_story_url(membership, "photo"))
    return _render_story(membership, form, 400)


@allow(Role.PARTICIPANT)
def remove_photo() -> Response:
    membership = url_membership()
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction(form) as outcome:
        operations.remove_photo(db_session(), membership, _actor())
        outcome.say(_("The photo is removed. It is a change of your story: please both confirm it again."))
    return redirect(_story_url(membership, "photo"))


@allow(Role.PARTICIPANT)
def story_photo() -> Response:
    """The story's photo for its partners only (the public pages serve it from their own address, and only
    with both partners' consent). `?size=small` for the small copy."""
    membership = url_membership()
    size = request.args.get("size", "large")
    if size not in PHOTO_SIZES:
        abort(404)
    found = photo_of(db_session(), membership.pair.id, small=size == "small")
    if found is None:
        abort(404)
    data, version = found
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="story-photo-{version}.jpg"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """A request over MAX_CONTENT_LENGTH on the showcase's pages (the photo's upload): a page that says what the
    limit is, instead of the bare "too large". Nothing of the pair is read (the request was refused before the
    access check may have run); the link back is the story's address the person came from."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or MAX_BYTES
    pair_id = g.get("url_pair_id") or (g.url_pair.id if "url_pair" in g else None)
    back = url_for("showcase.story", pair_id=pair_id, _anchor="photo") if pair_id else None
    return render_template("showcase/_story_too_large.html", megabytes=limit // (1024 * 1024), back=back,
                           is_photo=request.endpoint == "showcase.upload_photo"), 413
