"""The rematch forms: the participant's request and the board's decision."""

from __future__ import annotations

from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.rematch.operations import NOTE_MAX


class DecideForm(TandemForm):
    """The board's decision on one rematch request: accept or decline, with a note."""

    note = TextAreaField(
        _l("Note to the person who asked"),
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("At most %(max)d characters."))],
        description=_l("Sent with the decision. Needed when you keep the tandem."),
        render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )
    accept = SubmitField(_l("Accept: end the tandem"))
    decline = SubmitField(_l("Decline: keep the tandem"))


class RematchForm(TandemForm):
    """Asking the board for another partner: a reason is needed."""

    reason = TextAreaField(
        _l("Why would you like another partner?"),
        validators=[DataRequired(message=_l("Tell the board why you would like another partner.")),
                    Length(max=2000, message=_l("At most %(max)d characters."))],
        description=_l("Only the club board reads this. Your partner is not told your reason."),
        render_kw={"rows": 6, "maxlength": 2000},
    )
    submit = SubmitField(_l("Send the request to the board"))
