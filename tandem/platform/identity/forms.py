"""Sign-in forms."""

from __future__ import annotations

from wtforms import EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l


class SignInForm(TandemForm):
    email = EmailField(
        _l("Work e-mail address"),
        validators=[
            DataRequired(message=_l("Please enter your work e-mail address.")),
            Email(message=_l("This does not look like an e-mail address."), check_deliverability=False),
            Length(max=320),
        ],
        render_kw={"autocomplete": "email", "autofocus": True},
    )
    continue_ = SubmitField(_l("Continue"))
    send_link = SubmitField(_l("E-mail me a sign-in link instead"))


class ConfirmLinkForm(TandemForm):
    confirm = SubmitField(_l("Sign in"))
