"""The erasure forms: the person's request and its cancellation, the admin's or board's decision."""

from __future__ import annotations

from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.privacy.models import MAX_REASON


class AskForm(TandemForm):
    """The person asks for their data to be erased."""

    understood = BooleanField(
        _l("I understand that my account, my profile, my tandems' shared space and my stories will be deleted "
           "and cannot be restored."),
        validators=[DataRequired(message=_l("Please confirm that you understand what erasure means."))],
    )
    ask = SubmitField(_l("Ask for erasure"))


class CancelForm(TandemForm):
    """The person withdraws their waiting request."""

    cancel = SubmitField(_l("Cancel my request"))


class DecideForm(TandemForm):
    """An organisation admin's or the board's decision on one request."""

    reason = TextAreaField(
        _l("Reason for keeping the data"),
        validators=[Optional(), Length(max=MAX_REASON, message=_l("At most %(max)d characters."))],
        description=_l("Needed when you refuse, e.g. a legal duty to keep the data. The person sees it on their page."),
        render_kw={"rows": 2, "maxlength": MAX_REASON},
    )
    confirm = SubmitField(_l("Confirm: erase now"))
    refuse = SubmitField(_l("Refuse"))
