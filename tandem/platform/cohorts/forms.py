"""Forms of the board's cohort pages: a cohort's settings, its quotas, a lifecycle step."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from tandem.platform.cohorts.lifecycle import MAX_REASON
from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.participant.models import PROFILE_LANGUAGES
from tandem.tenants.models import Organisation

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$")  # 2 to 63 characters, as the database demands
MAX_QUOTA = 999

LANGUAGE_LABELS = {"de": _l("German"), "fr": _l("French"), "it": _l("Italian"), "en": _l("English")}

# The programme dates in their required order: deadline <= kick-off < closing <= symposium.
DATE_FIELDS = ("nomination_deadline", "kickoff_on", "closing_on", "symposium_on")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DateInputField(DateField):
    """A date from `<input type=date>` (YYYY-MM-DD), with our own message for anything else."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a date like 2027-03-01.")) from error


class WholeNumberField(IntegerField):
    """A whole number, with our own message for anything else (and no further messages after it)."""

    def __init__(self, *args: Any, invalid_message: str = _l("Enter a whole number."), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.invalid_message) from error

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


class OptionalWholeNumberField(WholeNumberField):
    """A whole number that may be left empty (None): a blank field is not a wrong number."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


def _must_follow(earlier: str, later: str) -> bool:
    """Whether `later` must be strictly after `earlier` (only across the kick-off -> closing step)."""
    return DATE_FIELDS.index(earlier) <= 1 < DATE_FIELDS.index(later)


ORDER_MESSAGES = {
    "kickoff_on": _l("The kick-off must be on or after the nomination deadline."),
    "closing_on": _l("The closing must be after the kick-off and the nomination deadline."),
    "symposium_on": _l("The symposium must be on or after the closing."),
}


def date_order_problems(values: dict[str, date | None]) -> dict[str, str]:
    """Pure: field -> message for each date that is out of order with the nearest earlier one given."""
    problems: dict[str, str] = {}
    given = [(name, value) for name in DATE_FIELDS if (value := values.get(name)) is not None]
    for (earlier, first), (later, second) in zip(given, given[1:], strict=False):
        if second < first or (second == first and _must_follow(earlier, later)):
            problems[later] = ORDER_MESSAGES[later]
    return problems


# Created before CohortForm's fields, so that the short name comes right after the name (error summary order).
_cohort_slug = StringField(
    _l("Short name"),
    validators=[DataRequired(message=_l("Enter a short name."))],
    description=_l("Used in web addresses, e.g. cohort-2027. Lowercase letters, digits and hyphens; it "
                   "cannot be changed later."),
)


class CohortForm(TandemForm):
    """A cohort's name, dates, venue, meeting cadence and languages.

    `require_dates` (once nominations are open) makes the dates and a language required: what opening
    nominations needed stays in place.
    """

    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the cohort's name.")),
                                               Length(max=200, message=_l("At most %(max)d characters."))],
                       description=_l("For example Cohort 2027."))
    nomination_deadline = DateInputField(_l("Nomination deadline"), validators=[Optional()],
                                         description=_l("Member organisations nominate people until this day."))
    kickoff_on = DateInputField(_l("Kick-off"), validators=[Optional()])
    closing_on = DateInputField(_l("Closing"), validators=[Optional()], description=_l("About six months after "
                                                                                       "the kick-off."))
    symposium_on = DateInputField(_l("Symposium"), validators=[Optional()],
                                  description=_l("On or after the closing: the pairs present what they learned."))
    symposium_venue = StringField(_l("Symposium venue"), validators=[
        Optional(), Length(max=300, message=_l("At most %(max)d characters."))])
    meeting_every_min_weeks = WholeNumberField(
        _l("Meetings at least every … weeks"), invalid_message=_l("Enter a number of weeks."),
        validators=[InputRequired(message=_l("Enter a number of weeks.")),
                    NumberRange(min=1, max=12, message=_l("Between 1 and 12 weeks."))],
    )
    meeting_every_max_weeks = WholeNumberField(
        _l("Meetings at most every … weeks"), invalid_message=_l("Enter a number of weeks."),
        validators=[InputRequired(message=_l("Enter a number of weeks.")),
                    NumberRange(min=1, max=12, message=_l("Between 1 and 12 weeks."))],
    )
    languages = CheckboxesField(
        _l("Languages of the meetings"),
        choices=[SelectChoice(code, LANGUAGE_LABELS[code]) for code in PROFILE_LANGUAGES],
        description=_l("Pairs share at least one of these languages."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, require_dates: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_dates = require_dates

    def validate_name(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Enter the cohort's name."))

    def validate_meeting_every_max_weeks(self, field: IntegerField) -> None:
        low = self.meeting_every_min_weeks.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("At least the number of weeks above."))

    def validate_languages(self, field: CheckboxesField) -> None:
        field.data = [code for code in PROFILE_LANGUAGES if code in (field.data or [])]
        if self.require_dates and not field.data:
            raise ValidationError(_l("Choose at least one language."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        dates: dict[str, date | None] = {}
        for name in DATE_FIELDS:
            field = self[name]
            if field.errors:
                continue  # not a date at all: already said so
            if field.data is None and self.require_dates:
                field.errors.append(_l("Needed while nominations are open."))
                valid = False
            dates[name] = field.data
        for name, message in date_order_problems(dates).items():
            self[name].errors.append(message)
            valid = False
        return valid

    def values(self) -> dict[str, Any]:
        """What the operation stores, once the form is valid."""
        values = {name: self[name].data for name in (
            "name", *DATE_FIELDS, "meeting_every_min_weeks", "meeting_every_max_weeks", "languages")}
        values["symposium_venue"] = (self.symposium_venue.data or "").strip() or None
        return values


class NewCohortForm(CohortForm):
    slug = _cohort_slug
    submit = SubmitField(_l("Create the cohort"))

    def validate_slug(self, field: StringField) -> None:
        field.data = (field.data or "").strip().lower()
        if not SLUG.match(field.data):
            raise ValidationError(_l("Use 2 to 63 lowercase letters, digits and hyphens, starting and ending "
                                     "with a letter or digit."))


class QuotaForm(TandemForm):
    """Mentors and mentees per organisation: two number fields per organisation, built by `quota_form_class`."""

    submit = SubmitField(_l("Save the quotas"))

    organisations: list[Organisation] = []

    def field_for(self, organisation_id: int, role: str) -> Field:
        return self[f"{role}s_{organisation_id}"]

    def values(self) -> dict[int, tuple[int, int]]:
        return {o.id: (self.field_for(o.id, "mentor").data, self.field_for(o.id, "mentee").data)
                for o in self.organisations}


def _quota_field(label: str) -> IntegerField:
    return WholeNumberField(label, invalid_message=_l("Enter a number, 0 for none."), validators=[
        InputRequired(message=_l("Enter a number, 0 for none.")),
        NumberRange(min=0, max=MAX_QUOTA, message=_l("Between 0 and %(max)d.", max=MAX_QUOTA)),
    ], render_kw={"min": 0, "max": MAX_QUOTA, "inputmode": "numeric"})


def quota_form_class(organisations: Iterable[Organisation]) -> type[QuotaForm]:
    """A QuotaForm with `mentors_<id>` and `mentees_<id>` for each organisation."""
    listed = list(organisations)

    class _Quotas(QuotaForm):
        pass

    _Quotas.organisations = listed
    for organisation in listed:
        setattr(_Quotas, f"mentors_{organisation.id}", _quota_field(_l("Mentors")))
        setattr(_Quotas, f"mentees_{organisation.id}", _quota_field(_l("Mentees")))
    return _Quotas


class TransitionForm(TandemForm):
    """One lifecycle step: the button names the step; the CSRF token is checked.

    A step the board confirms first is sent from its confirmation page with `step=confirm`: then the box
    `confirmed` must be ticked, and a reason given when the step needs one (`check_confirmation`).
    """

    transition = HiddenField(validators=[DataRequired()])
    step = HiddenField()
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=MAX_REASON, message=_l("At most %(max)d characters."))],
        description=_l("Why this step is taken now. It is recorded with the step in the audit log."),
        render_kw={"rows": 4, "maxlength": MAX_REASON},
    )
    confirmed = BooleanField(_l("I have read what this step does: take it now"))

    @property
    def confirming(self) -> bool:
        """Sent from the confirmation page."""
        return self.step.data == "confirm"

    def check_confirmation(self, *, confirm: bool, reason_needed: bool) -> bool:
        """On the confirmation page's submission: the box is ticked and the reason given when needed."""
        valid = True
        self.reason.data = (self.reason.data or "").strip()
        if confirm and not self.confirmed.data:
            self.confirmed.errors = [*self.confirmed.errors, _l("Tick the box to confirm this step.")]
            valid = False
        if reason_needed and not self.reason.data and not self.reason.errors:
            self.reason.errors = [*self.reason.errors, _l("Give the reason for taking this step now.")]
            valid = False
        return valid and not self.reason.errors
