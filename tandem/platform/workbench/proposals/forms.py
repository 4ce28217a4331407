"""The workbench's forms: a pair's buttons, swapping two mentees, pairing by hand."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l


class ActionForm(TandemForm):
    """A button that changes one pair: only the CSRF token is checked."""


class SwapForm(TandemForm):
    pair_ids = SelectMultipleField(_l("Pairs"), coerce=int, validate_choice=False)


class HandForm(TandemForm):
    mentor = SelectField(_l("Mentor"), coerce=int, validate_choice=False,
                         validators=[DataRequired(message=_l("Choose a mentor."))],
                         description=_l("Mentors taking part who still have a free place."))
    mentee = SelectField(_l("Mentee"), coerce=int, validate_choice=False,
                         validators=[DataRequired(message=_l("Choose a mentee."))],
                         description=_l("Mentees taking part who have no mentor in these proposals. A tandem spans "
                                        "two organisations: the mentee's cannot be the mentor's."))
    confirmed = BooleanField(_l("Pair them anyway"), default=False)
    sort = HiddenField()
    show = HiddenField()
    q = HiddenField()
