"""The board's forms on a pair: a message to the pair, ending it early (with a reason and a confirmation), the
button that marks a request for help as dealt with; and the filters of the pair health page (GET)."""

from __future__ import annotations

from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.pairs.models import MAX_MESSAGE, MAX_REASON


class MessageForm(TandemForm):
    """What the board writes to a pair: kept on the pair's page and mailed to both partners."""

    body = TextAreaField(
        _l("Message to the pair"),
        validators=[DataRequired(message=_l("Write the message to the pair.")),
                    Length(max=MAX_MESSAGE, message=_l("At most %(max)d characters."))],
        description=_l("Both partners get it by e-mail, in their language's mail around your words, and find it "
                       "on their tandem's page."),
        render_kw={"rows": 6, "maxlength": MAX_MESSAGE},
    )


class EndForm(TandemForm):
    """Ending a pair early: the reason stays with the board; the pair and the admins are told neutrally."""

    reason = TextAreaField(
        _l("Why the tandem ends early"),
        validators=[DataRequired(message=_l("Say why the tandem ends early (for the board's records; the pair is "
                                            "not told).")),
                    Length(max=MAX_REASON, message=_l("At most %(max)d characters."))],
        description=_l("For the board's records only: the partners and their organisations' admins are told that "
                       "the tandem has ended, without the reason."),
        render_kw={"rows": 4, "maxlength": MAX_REASON},
    )
    confirmed = BooleanField(
        _l("I understand the pair leaves the rhythm and the nudges"),
        validators=[DataRequired(message=_l("Tick the box to confirm that the tandem ends now."))],
    )


class ButtonForm(TandemForm):
    """A button that changes something (a request for help dealt with): only the CSRF token is checked."""
