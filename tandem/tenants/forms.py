"""Forms of the organisation admin area."""

from __future__ import annotations

import re

from flask import current_app
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.tenants.discovery import issuer_problem

DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


def parse_domains(text: str | None) -> list[str]:
    seen: list[str] = []
    for raw in re.split(r"[\s,;]+", text or ""):
        domain = raw.strip().lower().lstrip("@")
        if domain and domain not in seen:
            seen.append(domain)
    return seen


class SSOSettingsForm(TandemForm):
    issuer = URLField(
        _l("Issuer URL"),
        validators=[DataRequired(message=_l("Enter your provider's issuer URL.")), Length(max=500)],
        description=_l("Exactly as your provider names itself, e.g. https://login.example.com/realms/staff"),
    )
    client_id = StringField(_l("Client ID"), validators=[DataRequired(message=_l("Enter the client ID.")),
                                                         Length(max=255)])
    client_secret = PasswordField(
        _l("Client secret"),
        validators=[Length(max=2000)],
        description=_l("Stored encrypted and never shown again. Leave empty to keep the current secret."),
        render_kw={"autocomplete": "new-password"},
    )
    domains = TextAreaField(
        _l("E-mail domains of your organisation"),
        validators=[DataRequired(message=_l("Enter at least one e-mail domain."))],
        description=_l("One per line. People sign in with addresses of these domains."),
    )
    enabled = BooleanField(_l("Use this provider for sign-in"), default=True)
    save = SubmitField(_l("Save settings"))
    test = SubmitField(_l("Test connection"))

    def validate_issuer(self, field: URLField) -> None:
        field.data = (field.data or "").strip()
        problem = issuer_problem(field.data, allow_http_loopback=not current_app.config["TANDEM"].is_production)
        if problem == "not_url":
            raise ValidationError(_l("Enter a full URL, starting with https://."))
        if problem == "query":
            raise ValidationError(_l("An issuer URL has no query (?) or fragment (#)."))
        if problem == "not_https":
            raise ValidationError(_l("The issuer must use https://."))

    def validate_domains(self, field: TextAreaField) -> None:
        bad = [d for d in parse_domains(field.data) if not DOMAIN.match(d)]
        if bad:
            raise ValidationError(_l("Not a domain: %(domains)s", domains=", ".join(bad)))
        if not parse_domains(field.data):
            raise ValidationError(_l("Enter at least one e-mail domain."))


class AddAdminForm(TandemForm):
    email = EmailField(_l("Work e-mail address"), validators=[
        DataRequired(message=_l("Enter the person's work e-mail address.")),
        Email(message=_l("This does not look like an e-mail address."), check_deliverability=False),
        Length(max=320),
    ])
    display_name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the person's name.")),
                                                       Length(max=200)])
    submit = SubmitField(_l("Add admin"))


class RemoveAdminForm(TandemForm):
    submit = SubmitField(_l("Remove"))
