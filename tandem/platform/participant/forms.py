"""Forms of the participant area: answering an invitation, the profile."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup
from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tandem.platform.board.models import Topic
from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.participant.labels import (
    CAREER_BAND_LABELS,
    FORMAT_LABELS,
    LANGUAGE_LABELS,
    WEEKDAY_LABELS,
    aims_label,
    topics_label,
)
from tandem.platform.participant.models import CAREER_BANDS, PROFILE_FORMATS, PROFILE_LANGUAGES, WEEKDAYS

BIO_MAX = 1500
AIMS_MAX = 1500
TOPIC_PREFIX = "topic_"
CHOSEN = "chosen"
TOPIC_CHOICES = [
    SelectChoice("", _l("Not chosen")),
    SelectChoice(CHOSEN, _l("Chosen")),
    SelectChoice("1", _l("Chosen, 1st priority")),
    SelectChoice("2", _l("Chosen, 2nd priority")),
    SelectChoice("3", _l("Chosen, 3rd priority")),
]


class AnswerForm(TandemForm):
    """Accepting or declining: the form carries only the CSRF token and its button."""

    accept = SubmitField(_l("Accept and take part"))
    decline = SubmitField(_l("Decline"))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _no_control(field: Field, **kwargs: Any) -> Markup:
    return Markup("")


def _add_error(field: Field, message: str) -> None:
    """Add a message to a field's errors: a list once the form validated, an empty tuple before (a Sequence)."""
    field.errors = [*field.errors, message]


class GroupField(Field):
    """No control of its own: holds the errors of a group of controls (the topics' fieldset)."""

    widget = staticmethod(_no_control)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None


class ProfileForm(TandemForm):
    """The parts that every profile has. `profile_form_class` adds one select per topic."""

    topics = GroupField(_l("Topics"))
    languages = CheckboxesField(
        _l("Languages you can hold the meetings in"),
        choices=[SelectChoice(code, LANGUAGE_LABELS[code]) for code in PROFILE_LANGUAGES],
    )
    format = RadioField(
        _l("How you want to meet"),
        choices=[SelectChoice(value, FORMAT_LABELS[value]) for value in PROFILE_FORMATS],
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose how you want to meet.")),
                    AnyOf(PROFILE_FORMATS, message=_l("Choose how you want to meet."))],
    )
    city = StringField(
        _l("City"),
        validators=[Length(max=120, message=_l("At most %(max)d characters."))],
        description=_l("Where you can meet in person. Not needed if you meet only online."),
        render_kw={"autocomplete": "address-level2"},
    )
    weekdays = CheckboxesField(
        _l("Preferred weekdays"),
        choices=[SelectChoice(day, WEEKDAY_LABELS[day]) for day in WEEKDAYS],
    )
    career_band = RadioField(
        _l("Career stage: years of work experience"),
        choices=[SelectChoice(band, CAREER_BAND_LABELS[band]) for band in CAREER_BANDS],
        validate_choice=False,
        validators=[Optional(), AnyOf(CAREER_BANDS, message=_l("Choose one of the bands."))],
    )
    bio = TextAreaField(
        _l("Short bio"),
        validators=[Length(max=BIO_MAX, message=_l("At most %(max)d characters."))],
        description=_l("A few sentences about you and your work, for your tandem partner. At most 1500 characters."),
    )
    aims = TextAreaField(
        _l("Aims"),
        validators=[Length(max=AIMS_MAX, message=_l("At most %(max)d characters."))],
        description=_l("At most 1500 characters."),
    )
    save = SubmitField(_l("Save profile"))

    def __init__(self, *args: Any, cohort_languages: Sequence[str] = (), role: str = "mentee",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort_languages = tuple(cohort_languages)
        self.topics.label.text = topics_label(role)
        self.aims.label.text = aims_label(role)

    # --- The topics, one select each ---

    def topic_fields(self) -> list[Field]:
        return [field for name, field in self._fields.items() if name.startswith(TOPIC_PREFIX)]

    @staticmethod
    def topic_id(field: Field) -> int:
        return int(field.name[len(TOPIC_PREFIX):])

    def chosen_topics(self) -> dict[int, int | None]:
        """Topic id -> rank (None: chosen without a rank)."""
        chosen: dict[int, int | None] = {}
        for field in self.topic_fields():
            if field.data == CHOSEN:
                chosen[self.topic_id(field)] = None
            elif field.data in ("1", "2", "3"):
                chosen[self.topic_id(field)] = int(field.data)
        return chosen

    # --- Validation of fields that depend on each other ---

    def validate_languages(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))
        if self.cohort_languages and not set(field.data) & set(self.cohort_languages):
            names = ", ".join(str(LANGUAGE_LABELS.get(code, code)) for code in self.cohort_languages)
            raise ValidationError(_l("Choose at least one of this cohort's languages: %(languages)s.",
                                     languages=names))

    def validate_city(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if self.format.data in ("in_person", "both") and not field.data:
            raise ValidationError(_l("Enter the city where you can meet in person."))

    def validate_weekdays(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one weekday."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self._validate_topics() and valid

    def _validate_topics(self) -> bool:
        fields = self.topic_fields()
        chosen = self.chosen_topics()
        ok = True
        if not fields:
            _add_error(self.topics, _l("There are no topics to choose from yet. Please try again later."))
            return False
        if not chosen:
            _add_error(self.topics, _l("Choose at least one topic."))
            ok = False
        for rank, ordinal in ((1, _l("1st")), (2, _l("2nd")), (3, _l("3rd"))):
            holders = [f for f in fields if f.data == str(rank)]
            if len(holders) > 1:
                for field in holders:
                    _add_error(field, _l("Only one topic can be your %(ordinal)s priority.", ordinal=ordinal))
                ok = False
        ranked = sorted(r for r in chosen.values() if r is not None)
        if ok and len(chosen) >= 3 and ranked != [1, 2, 3]:
            _add_error(self.topics, _l("Mark your top three: one topic each as 1st, 2nd and 3rd priority."))
            ok = False
        return ok


def profile_form_class(topics: Iterable[Topic], language: str) -> type[ProfileForm]:
    """A profile form with one select per active topic, labelled in `language`."""

    class BoundProfileForm(ProfileForm):
        pass

    for topic in topics:
        setattr(BoundProfileForm, f"{TOPIC_PREFIX}{topic.id}",
                SelectField(topic.label(language), choices=TOPIC_CHOICES, default=""))
    return BoundProfileForm
