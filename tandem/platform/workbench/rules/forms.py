"""Forms of the board's matching rules: weights and threshold, "never together", a mentor's capacity."""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tandem.platform.cohorts.forms import WholeNumberField
from tandem.platform.cohorts.models import ParticipationRole
from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.matching.vocabulary import CRITERIA
from tandem.platform.workbench.rules.operations import ALL_ZERO, MAX_WEIGHT
from tandem.platform.workbench.rules.queries import Person

CRITERION_LABELS = {
    "topics": _l("Topics"),
    "format": _l("Meeting format"),
    "weekdays": _l("Weekdays"),
    "career_gap": _l("Career gap"),
}

CRITERION_HINTS = {
    "topics": _l("How many of the topics the mentee wants the mentor offers; the mentee's top-ranked topics "
                 "count most."),
    "format": _l("Whether both can meet the same way: remotely, or in person in the same city."),
    "weekdays": _l("How many of their free weekdays the two have in common."),
    "career_gap": _l("How much more experienced the mentee is than the mentor: reverse mentoring works best "
                     "with a clear gap."),
}


def _weight_field(name: str) -> IntegerField:
    return WholeNumberField(
        CRITERION_LABELS[name], invalid_message=_l("Enter a whole number from 0 to %(max)d.", max=MAX_WEIGHT),
        validators=[InputRequired(message=_l("Enter a whole number from 0 to %(max)d.", max=MAX_WEIGHT)),
                    NumberRange(min=0, max=MAX_WEIGHT, message=_l("Between 0 and %(max)d.", max=MAX_WEIGHT))],
        description=CRITERION_HINTS[name],
    )


class SettingsForm(TandemForm):
    """The four weights (0-10 each; only their proportions count) and the threshold in percent."""

    topics = _weight_field("topics")
    format = _weight_field("format")
    weekdays = _weight_field("weekdays")
    career_gap = _weight_field("career_gap")
    threshold = WholeNumberField(
        _l("Threshold for a good pair (percent)"), invalid_message=_l("Enter a whole number from 0 to 100."),
        validators=[InputRequired(message=_l("Enter a whole number from 0 to 100.")),
                    NumberRange(min=0, max=100, message=_l("Between 0 and 100."))],
        description=_l("Pairs scoring below it count as weak: the figures count them and pairing by hand warns "
                       "about them."),
    )
    submit = SubmitField(_l("Save the weights"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.weights_errors: list[str] = []  # about the four weights together, shown beside them

    def add_weights_error(self, message: str) -> None:
        self.weights_errors.append(message)
        self.form_errors.append(message)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        values = self.weight_values()
        if values is not None and sum(values.values()) == 0:
            self.add_weights_error(str(ALL_ZERO))
            valid = False
        return valid

    def weights(self) -> dict[str, float]:
        return {name: float(self[name].data) for name in CRITERIA}

    def weight_values(self) -> dict[str, int] | None:
        """The weights as entered, when every one is a valid number (to show the shares), else None."""
        values = {name: self[name].data for name in CRITERIA}
        if any(not isinstance(v, int) or not 0 <= v <= MAX_WEIGHT for v in values.values()):
            return None
        return values


class ButtonForm(TandemForm):
    """A button that changes something (remove a separation): only the CSRF token is checked."""


class ResetForm(TandemForm):
    """Back to the engine's defaults: only the CSRF token is checked."""

    reset = SubmitField(_l("Back to the defaults"))


class SeparationForm(TandemForm):
    participation_a = SelectField(_l("Person"), coerce=int, validate_choice=False,
                                  validators=[DataRequired(message=_l("Choose a person."))])
    participation_b = SelectField(_l("Never paired with"), coerce=int, validate_choice=False,
                                  validators=[DataRequired(message=_l("Choose the other person."))])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300, message=_l(
        "At most %(max)d characters."))], description=_l("For the board's records, e.g. they work closely "
                                                         "together already."))
    submit = SubmitField(_l("Keep them apart"))

    def set_people(self, people: list[Person]) -> None:
        """Choices grouped by role: "name (organisation)"."""
        groups = {ParticipationRole.MENTOR: _l("Mentors"), ParticipationRole.MENTEE: _l("Mentees")}
        choices = [SelectChoice(0, _l("Choose…"))] + [
            SelectChoice(p.id, f"{p.name} ({p.organisation})", optgroup=str(groups[ParticipationRole(p.role)]))
            for p in people]
        self.participation_a.choices = choices
        self.participation_b.choices = choices

    def validate_reason(self, field: StringField) -> None:
        field.data = (field.data or "").strip() or None


class CapacityForm(TandemForm):
    """One mentor's capacity: how many mentees they may take."""

    participation = IntegerField(validators=[InputRequired()])
    capacity = RadioField(_l("Mentees"), coerce=int, choices=[SelectChoice(1, "1"), SelectChoice(2, "2")],
                          validators=[InputRequired()])
    submit = SubmitField(_l("Save"))
