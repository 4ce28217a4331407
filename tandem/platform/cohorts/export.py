"""The nominations of a cohort as CSV for spreadsheet programs: UTF-8 with a byte order mark, one row per
participation. Pure: rows in, text out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _

from tandem.platform.cohorts.queries import Nominee
from tandem.platform.database import as_utc

BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet program: it is written with a leading '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="seconds")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header() -> list[str]:
    return [_("Organisation"), _("Name"), _("E-mail"), _("Role"), _("Status"), _("Invited at"),
            _("Answered at"), _("Consent version"), _("Profile complete (%)")]


def nominations_csv(nominees: Iterable[Nominee]) -> tuple[str, int]:
    """The CSV text (with the BOM) and the number of data rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    count = 0
    for nominee in nominees:
        p = nominee.participation
        writer.writerow([_cell(v) for v in (
            nominee.organisation.name, nominee.person.display_name, nominee.person.email, p.role, p.status,
            p.invited_at, p.answered_at, p.consent_version, nominee.completeness.percent)])
        count += 1
    return BOM + out.getvalue(), count
