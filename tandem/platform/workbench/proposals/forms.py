"""The workbench's forms: a pair's buttons, swapping two mentees, pairing by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired


class ActionForm(FlaskForm):
    """A button that changes one pair: only the CSRF token is checked."""


class SwapForm(FlaskForm):
    pair_ids = SelectMultipleField(_l("Pairs"), coerce=int, validate_choice=False)


class HandForm(FlaskForm):
    mentor = SelectField(_l("Mentor"), coerce=int, validate_choice=False,
                         validators=[DataRequired(message=_l("Choose a mentor."))],
                         description=_l("Mentors taking part who still have a free place."))
    mentee = SelectField(_l("Mentee"), coerce=int, validate_choice=False,
                         validators=[DataRequired(message=_l("Choose a mentee."))],
                         description=_l("Mentees taking part who have no mentor in these proposals."))
    confirmed = BooleanField(_l("Pair them anyway"), default=False)
    sort = HiddenField()
    show = HiddenField()
    q = HiddenField()
