"""The nominations of a cohort as CSV for spreadsheet programs: UTF-8 with a byte order mark, one row per
participation. Pure: rows in, text out."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from tandem.platform.cohorts.queries import Nominee
from tandem.platform.spreadsheet import csv_text


def header() -> list[str]:
    return [_("Organisation"), _("Name"), _("E-mail"), _("Role"), _("Status"), _("Invited at"),
            _("Answered at"), _("Consent version"), _("Profile complete (%)")]


def nominations_csv(nominees: Iterable[Nominee]) -> tuple[str, int]:
    """The CSV text (with the BOM) and the number of data rows."""
    return csv_text(header(), (
        (nominee.organisation.name, nominee.person.display_name, nominee.person.email,
         nominee.participation.role, nominee.participation.status, nominee.participation.invited_at,
         nominee.participation.answered_at, nominee.participation.consent_version, nominee.completeness.percent)
        for nominee in nominees))
