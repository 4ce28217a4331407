"""The nominations of a cohort as CSV for spreadsheet programs: UTF-8 with a byte order mark, one row per
participation. Pure: rows in, text out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from tandem.platform.cohorts.queries import Nominee
from tandem.platform.spreadsheet import BOM, safe_cell


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
        writer.writerow([safe_cell(v) for v in (
            nominee.organisation.name, nominee.person.display_name, nominee.person.email, p.role, p.status,
            p.invited_at, p.answered_at, p.consent_version, nominee.completeness.percent)])
        count += 1
    return BOM + out.getvalue(), count
