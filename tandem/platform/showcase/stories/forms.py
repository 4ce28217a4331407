"""The partners' forms of their story: the text, the confirmation of a version, each one's consent, the photo.

Every field refuses control characters first (`TandemForm`); the texts have the model's limits, refused beside
the field; the rules that need the database (topics in the catalogue, the story's version) are the
operations'."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tandem.platform.cohorts.forms import CheckboxesField
from tandem.platform.config import LANGUAGES
from tandem.platform.forms import INT64_MAX, TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.participant.labels import LANGUAGE_LABELS
from tandem.platform.showcase.models import (
    MAX_ALT,
    MAX_DESCRIPTION,
    MAX_LEARNED,
    MAX_QUOTE,
    MAX_TIP,
    MAX_TITLE,
    MAX_TOPICS,
)

AT_MOST = _l("At most %(max)d characters.")

# The fields of a story as its history names them (StoryChange.fields).
FIELD_LABELS = {
    "language": _l("the language"),
    "title": _l("the title"),
    "mentee_learned": _l("what the mentee learned"),
    "mentor_learned": _l("what the mentor learned"),
    "tip": _l("the tip"),
    "mentor_quote": _l("the mentor's quote"),
    "mentee_quote": _l("the mentee's quote"),
    "topics": _l("the topics"),
    "photo": _l("the photo"),
}


def version_number(value: object) -> int | None:
    """A version number as a hidden field sent it (None: missing or not a sensible number)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    number = int(text)
    return number if 0 <= number <= INT64_MAX else None


class StoryForm(TandemForm):
    """The story's text: the language, a title, what each learned, a tip, a quote from each, up to three
    topics. `version` is the version the writer's page showed (a partner's save meanwhile is not overwritten)."""

    language = SelectField(
        _l("Language of the story"),
        choices=[SelectChoice(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
        validators=[DataRequired(message=_l("Choose the language of your story."))], validate_choice=True,
        description=_l("Write in the language you like best: the story is published in it, whatever language "
                       "a reader chose for the site."))
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Give your story a title.")),
                                 Length(max=MAX_TITLE, message=AT_MOST)],
        description=_l("A few words that make people want to read on."), render_kw={"maxlength": MAX_TITLE})
    mentee_learned = TextAreaField(
        _l("What the mentee learned"), validators=[Optional(), Length(max=MAX_LEARNED, message=AT_MOST)],
        render_kw={"rows": 6, "maxlength": MAX_LEARNED})
    mentor_learned = TextAreaField(
        _l("What the mentor learned"), validators=[Optional(), Length(max=MAX_LEARNED, message=AT_MOST)],
        render_kw={"rows": 6, "maxlength": MAX_LEARNED})
    tip = TextAreaField(
        _l("One tip for other organisations"), validators=[Optional(), Length(max=MAX_TIP, message=AT_MOST)],
        description=_l("What would you tell an organisation that starts reverse mentoring?"),
        render_kw={"rows": 3, "maxlength": MAX_TIP})
    mentor_quote = TextAreaField(
        _l("A quote from the mentor"), validators=[Optional(), Length(max=MAX_QUOTE, message=AT_MOST)],
        render_kw={"rows": 3, "maxlength": MAX_QUOTE})
    mentee_quote = TextAreaField(
        _l("A quote from the mentee"), validators=[Optional(), Length(max=MAX_QUOTE, message=AT_MOST)],
        render_kw={"rows": 3, "maxlength": MAX_QUOTE})
    topics = CheckboxesField(
        _l("Topics"), coerce=int, validate_choice=True,
        description=_l("Up to three topics of the catalogue that your story is about."))
    version = HiddenField()

    def __init__(self, *args: Any, topics: list[tuple[int, str]], mentor_name: str, mentee_name: str,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics.choices = [SelectChoice(value, label) for value, label in topics]
        self.mentor_quote.label.text = str(_l("A quote from %(name)s (mentor)", name=mentor_name))
        self.mentee_quote.label.text = str(_l("A quote from %(name)s (mentee)", name=mentee_name))
        self.mentor_quote.description = _l("In %(name)s's own words: shown with their name only if they "
                                           "consent to it.", name=mentor_name)
        self.mentee_quote.description = _l("In %(name)s's own words: shown with their name only if they "
                                           "consent to it.", name=mentee_name)

    def validate_topics(self, field: CheckboxesField) -> None:
        chosen = list(dict.fromkeys(field.data or []))
        if len(chosen) > MAX_TOPICS:
            raise ValidationError(_l("Choose at most %(max)d topics: you chose %(count)d.", max=MAX_TOPICS,
                                     count=len(chosen)))

    def topic_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(self.topics.data or []))

    def expected_version(self) -> int | None:
        return version_number(self.version.data)


class ConfirmStoryForm(TandemForm):
    """Confirming the story as it was shown: `seen` names the version read."""

    seen = HiddenField()

    def seen_version(self) -> int:
        number = version_number(self.seen.data)
        return -1 if number is None else number


class ButtonForm(TandemForm):
    """A button that changes something (removing the photo): only the CSRF token is checked."""


class ConsentForm(TandemForm):
    """What one partner allows to be public about them, item by item, and the neutral description shown
    instead of their name."""

    show_name = BooleanField(_l("My name"))
    show_organisation = BooleanField(_l("My organisation"))
    show_photo = BooleanField(_l("The photo"))
    show_quote = BooleanField(_l("My quote"))
    description = StringField(
        _l("A neutral description of you"),
        validators=[Optional(), Length(max=MAX_DESCRIPTION, message=AT_MOST)],
        description=_l("Shown instead of your name when you do not consent to your name, e.g. \"Head of "
                       "communications at an insurer in Bern\". Leave it empty and the page says only "
                       "\"Mentor\" or \"Mentee\"."),
        render_kw={"maxlength": MAX_DESCRIPTION})
    save = SubmitField(_l("Save my choices"))
    withdraw = SubmitField(_l("Withdraw everything now"))


class PhotoForm(TandemForm):
    """A photo for the story (checked by its bytes by the operation) and its text for people who cannot see
    it."""

    photo = FileField(
        _l("Photo"),
        description=_l("A JPEG, PNG or WebP photo of at most 5 MB and 24 megapixels. We remove its metadata "
                       "(such as the place it was taken) and make it smaller for the web."))
    alt = StringField(
        _l("What the photo shows"),
        validators=[Length(max=MAX_ALT, message=AT_MOST)],
        description=_l("For people who cannot see it, e.g. \"Anna and Bernard at their last meeting, in front "
                       "of a whiteboard\"."),
        render_kw={"maxlength": MAX_ALT})
