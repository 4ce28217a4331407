"""The partners' forms of the pair's own page: the agreement and its goals, a goal's status, the confirmations
(the agreement, the completion at closing) and the mentor's confidential message to the board."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import DataRequired, Length
from wtforms.validators import StopValidation as _Stop

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.pairs.models import MAX_AGREEMENT, MAX_MESSAGE, GoalStatus
from tandem.platform.pairs.space.operations import goal_problem

GOAL_STATUS_LABELS = {
    GoalStatus.OPEN: _l("Open"),
    GoalStatus.PROGRESSING: _l("Progressing"),
    GoalStatus.DONE: _l("Done"),
}


class AgreementForm(TandemForm):
    """The pair's agreement and its one to five goals (one a line)."""

    text = TextAreaField(
        _l("Our agreement"),
        validators=[DataRequired(message=_l("Write your agreement: a few sentences are enough.")),
                    Length(max=MAX_AGREEMENT, message=_l("At most %(max)d characters."))],
        description=_l("Confidentiality, how often you meet, how you reach each other. Both of you read it and "
                       "confirm it; a change asks both of you to confirm again."),
        render_kw={"rows": 8, "maxlength": MAX_AGREEMENT},
    )
    goals = TextAreaField(
        _l("Our goals"),
        description=_l("One to five goals, one a line. Empty lines are left out."),
        render_kw={"rows": 6},
    )
    confirm = BooleanField(_l("I confirm this agreement"))

    def validate_goals(self, field: Any) -> None:
        problem = goal_problem(field.data or "")
        if problem is not None:
            raise _Stop(problem)


class ConfirmAgreementForm(TandemForm):
    """Confirming the agreement as it was shown: `seen` names the version read, so that a text changed in
    the meantime is not confirmed unread."""

    seen = HiddenField()


class ButtonForm(TandemForm):
    """A button that changes something (the completion at closing): only the CSRF token is checked."""


class GoalStatusForm(TandemForm):
    """A goal's status: open, progressing or done."""

    status = SelectField(
        _l("Status"), choices=[SelectChoice(value, label) for value, label in GOAL_STATUS_LABELS.items()],
        validators=[DataRequired(message=_l("Choose the goal's status."))],
        validate_choice=True,
    )


class HelpForm(TandemForm):
    """The mentor's confidential message to the club board."""

    message = TextAreaField(
        _l("Your message to the club board"),
        validators=[DataRequired(message=_l("Tell the board what you need help with.")),
                    Length(max=MAX_MESSAGE, message=_l("At most %(max)d characters."))],
        description=_l("Only the club board reads it. Your mentee is not told, and does not see it."),
        render_kw={"rows": 8, "maxlength": MAX_MESSAGE},
    )
