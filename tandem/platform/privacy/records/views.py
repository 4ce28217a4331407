"""Consent records, who saw my data, the privacy notice and the imprint.

- /me/consents: the person's consents (taking part, each story of the showcase, reminder e-mails), each with
  the version of the text and the time, its withdrawal, and a link to where it can be changed;
- /me/data/views: who (name and role) saw the person's data, what and when (seen.py records it);
- /privacy and /imprint: public, filled from the settings (PRIVACY_CONTROLLER, PRIVACY_CONTACT, IMPRINT,
  RETENTION_MONTHS, ERASURE_AFTER_DAYS) with the fallbacks of docs/configuration.md.
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from flask import current_app, render_template
from flask_login import current_user

from tandem.platform.access import Role, allow
from tandem.platform.database import db_session
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.privacy.records.queries import consents_of
from tandem.platform.privacy.records.seen import BOARD, ORGANISATION_ADMIN, views_of

# What a board member or an admin saw (details["what"] of personal_data.viewed).
WHAT = {
    "pair_details": _l("The page of your tandem in the board's pair health (meetings, check-in figures, "
                       "requests for help, messages)"),
    "pair_list": _l("Your tandem in a list of tandems (meetings held, flags)"),
    "nominations": _l("Your nomination in a list of nominations (with your profile's completeness)"),
    "nominations_csv": _l("Your nomination in the cohort's nominations file (CSV)"),
    "story": _l("Your tandem's story and your showcase choices"),
    "story_list": _l("Your tandem's story and your showcase choices, in the list of a cohort's stories"),
    "event_answers_csv": _l("Your answer to an invitation, in the event's answers file (CSV)"),
    "event_answers": _l("Your answer to an invitation, on the event's page"),
    "rematch_requests": _l("A request for another partner in your tandem, on the board's list"),
    "survey_respondents": _l("Whether you answered a survey (the list of respondents)"),
    "barrier_reports": _l("A barrier you reported on the accessibility statement, on the board's list"),
}
ROLES = {BOARD: _l("Club board"), ORGANISATION_ADMIN: _l("Organisation admin")}


def _settings() -> Any:
    return current_app.config["TANDEM"]


def _contact() -> str:
    settings = _settings()
    return settings.privacy_contact or parseaddr(settings.mail_from)[1] or settings.mail_from


@allow(Role.PARTICIPANT)
def my_consents() -> str:
    return render_template("privacy/consents.html", consents=consents_of(db_session(), current_user.id))


@allow(Role.PARTICIPANT)
def who_saw() -> str:
    return render_template("privacy/who_saw.html", lines=views_of(db_session(), current_user.id), what_labels=WHAT,
                           role_labels=ROLES)


@allow(Role.PUBLIC)
def notice() -> str:
    settings = _settings()
    return render_template("privacy/notice.html", controller=settings.privacy_controller or settings.club_name,
                           contact=_contact(), retention_months=settings.retention_months,
                           erasure_after_days=settings.erasure_after_days)


@allow(Role.PUBLIC)
def imprint() -> str:
    settings = _settings()
    lines = [line.strip() for line in settings.imprint.split("|") if line.strip()]
    return render_template("privacy/imprint.html", lines=lines or [settings.club_name, _contact()])
