"""The curation pages' forms: the board's choice of stories (a row per story of the page), a symposium slot,
an organisation's review of a story, the neutral description of one of its people, its showcase settings.

Times are entered in the club's time zone (`<input type=datetime-local>`); anything that is not a date and
time gets our own message beside the field.
"""

from __future__ import annotations

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from tandem.platform.cohorts.forms import CheckboxesField, OptionalWholeNumberField
from tandem.platform.forms import LocalTimeField, TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.showcase.curation.operations import MAX_POSITION
from tandem.platform.showcase.curation.queries import StoryStage
from tandem.platform.showcase.models import MAX_DESCRIPTION, MAX_NOTE, MAX_ROOM, MAX_SLOT_TITLE

PAGE_SIZE = 50  # pairs a page on the board's showcase page (a cohort of 2,000 pairs stays a page to read)

STAGE_LABELS = {
    StoryStage.NOT_STARTED: _l("Not started"),
    StoryStage.DRAFT: _l("Draft"),
    StoryStage.WAITING_FOR_PARTNER: _l("Waiting for the partner's confirmation"),
    StoryStage.SENT_BACK: _l("Sent back by an organisation"),
    StoryStage.AWAITING_APPROVAL: _l("Waiting for an organisation's approval"),
    StoryStage.READY: _l("Ready: confirmed by both"),
}
STAGE_HINTS = {
    StoryStage.NOT_STARTED: _l("The pair has not begun its story."),
    StoryStage.DRAFT: _l("The partners are writing; neither has confirmed the text yet."),
    StoryStage.WAITING_FOR_PARTNER: _l("One partner confirmed the current text; the other has not yet."),
    StoryStage.SENT_BACK: _l("Both partners confirmed it, and an organisation that approves its people's stories "
                             "sent it back with a note."),
    StoryStage.AWAITING_APPROVAL: _l("Both partners confirmed it; an organisation that approves its people's "
                                     "stories has not approved this version yet."),
    StoryStage.READY: _l("Both partners confirmed the current text (and their organisations approved it, where "
                         "they ask to): it can be on the showcase."),
}
ROLE_LABELS = {"mentor": _l("Mentor"), "mentee": _l("Mentee")}
CONSENT_LABELS = {"name": _l("Name"), "organisation": _l("Organisation"), "photo": _l("Photo"),
                  "quote": _l("Quote")}


class CurationRowForm(TandemForm):
    """One story's line of the board's choice: chosen, featured, its place."""

    class Meta:
        csrf = False  # a part of CurationForm, which carries the token

    story_id = OptionalWholeNumberField(widget=HiddenInput(), validators=[InputRequired()])
    chosen = BooleanField(_l("Chosen"))
    featured = BooleanField(_l("Featured"))
    position = OptionalWholeNumberField(
        _l("Position"), validators=[Optional(), NumberRange(min=1, max=MAX_POSITION,
                                                          message=_l("A place from 1 to %(max)d.",
                                                                     max=MAX_POSITION))],
        render_kw={"min": 1, "max": MAX_POSITION, "inputmode": "numeric"})


class CurationForm(TandemForm):
    """The board's choice of the stories shown on one page of its list."""

    rows = FieldList(FormField(CurationRowForm), max_entries=PAGE_SIZE)


class SlotForm(TandemForm):
    """A slot of the symposium: when, what, where, and the pairs that present."""

    starts_at = LocalTimeField(_l("Starts"), validators=[DataRequired(message=_l("Enter when the slot starts."))])
    ends_at = LocalTimeField(_l("Ends"), validators=[DataRequired(message=_l("Enter when the slot ends."))])
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the slot a title.")),
                    Length(max=MAX_SLOT_TITLE, message=_l("At most %(max)d characters."))],
        description=_l("For example: “Welcome”, “Three tandems on social media”, “Apéro”."),
        render_kw={"maxlength": MAX_SLOT_TITLE})
    room = StringField(
        _l("Room"), validators=[Length(max=MAX_ROOM, message=_l("At most %(max)d characters."))],
        description=_l("Optional: where in the venue, when the symposium uses several rooms."),
        render_kw={"maxlength": MAX_ROOM})
    stories = CheckboxesField(
        _l("Presenting pairs"), coerce=int, validate_choice=False,
        description=_l("The pairs whose stories are presented in this slot (stories both partners confirmed, or "
                       "chosen for the showcase)."))


class ButtonForm(TandemForm):
    """A button that changes something (deleting a slot): only the CSRF token is checked."""


class ReviewForm(TandemForm):
    """An organisation's decision on the story's version it read (`seen`)."""

    seen = HiddenField()
    note = TextAreaField(
        _l("Note to the partners"),
        validators=[Length(max=MAX_NOTE, message=_l("At most %(max)d characters."))],
        description=_l("Needed to send the story back: what should change. Both partners get it by e-mail and see "
                       "it on their story's page."),
        render_kw={"rows": 5, "maxlength": MAX_NOTE})
    approve = SubmitField(_l("Approve this version"))
    send_back = SubmitField(_l("Send back with the note"))


class DescriptionForm(TandemForm):
    """The neutral description of one of the organisation's people, shown instead of their name."""

    participation_id = OptionalWholeNumberField(widget=HiddenInput(), validators=[InputRequired()])
    description = StringField(
        _l("Neutral description"),
        validators=[Length(max=MAX_DESCRIPTION, message=_l("At most %(max)d characters."))],
        description=_l("Shown instead of the person's name when they do not consent to it, e.g. “Head of "
                       "communications at an insurer in Bern”. Leave it empty to show the role alone."),
        render_kw={"maxlength": MAX_DESCRIPTION})
    save_description = SubmitField(_l("Save the description"))


YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class ShowcaseSettingsForm(TandemForm):
    """An organisation's showcase settings."""

    stories_need_approval = RadioField(
        _l("Approve our people's stories before publication"), choices=YES_NO,
        validators=[InputRequired(message=_l("Choose yes or no."))],
        description=_l("When yes, the club board can publish a story of your people only once one of your admins "
                       "approved its final text; a change of the text needs a new approval. Turning it on takes "
                       "your people's stories off a published showcase until you approve them."))
    logo_on_showcase = RadioField(
        _l("Show our logo on the showcase"), choices=YES_NO,
        validators=[InputRequired(message=_l("Choose yes or no."))],
        description=_l("The public showcase shows the logos of the organisations that took part."))
