"""The publishing form."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l


class PublishForm(TandemForm):
    """Publishing: the run the board looked at, and a tick that it has checked the pairs."""

    run_id = HiddenField(validators=[DataRequired()])
    confirm = BooleanField(_l("I have checked the pairs: activate them and tell everyone now"))
