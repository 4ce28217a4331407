"""The publishing form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired


class PublishForm(FlaskForm):
    """Publishing: the run the board looked at, and a tick that it has checked the pairs."""

    run_id = HiddenField(validators=[DataRequired()])
    confirm = BooleanField(_l("I have checked the pairs: activate them and tell everyone now"))
