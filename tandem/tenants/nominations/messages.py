"""The words for the problems found in a nomination (by form or CSV file), in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from tandem.platform.i18n import current_language
from tandem.tenants.nominations.csv_import import Problem, header_names


def _role_places(role: str, places: int) -> str:
    if role == "mentor":
        return ngettext("%(num)d mentor", "%(num)d mentors", places)
    return ngettext("%(num)d mentee", "%(num)d mentees", places)


def _status_words(status: str) -> str:
    return {
        "nominated": _("nominated"),
        "invited": _("invited"),
        "active": _("taking part"),
        "declined": _("declined"),
        "withdrawn": _("withdrawn"),
    }.get(status, status)


def problem_text(problem: Problem) -> str:
    """One sentence for `problem`, to show beside the form field or in the import report."""
    p = dict(problem.params)
    code = problem.code
    if code == "too_large":
        return _("The file is larger than %(limit)d KB: split it into smaller files.", limit=p["limit_kb"])
    if code == "encoding":
        return _("The file's characters cannot be read: it is neither UTF-8 nor Windows text. Save it again as "
                 "\"CSV UTF-8\" and upload it once more.")
    if code == "empty":
        return _("The file is empty.")
    if code == "no_rows":
        return _("The file has a header line but no nominations below it.")
    if code == "malformed":
        return _("This line cannot be read as CSV (check the quotation marks).")
    if code == "too_many_rows":
        return _("A file may hold at most %(limit)d nominations: split it into smaller files.", limit=p["limit"])
    if code == "missing_column":
        names = header_names(current_language())
        return _("The header line has no column \"%(column)s\". The columns are: %(columns)s.",
                 column=names.get(problem.column or "", problem.column), columns=", ".join(names.values()))
    if code == "extra_values":
        return _("This line has more values than the header has columns (a separator inside a value needs "
                 "quotation marks).")
    if code == "required":
        return {
            "name": _("Enter the person's name."),
            "email": _("Enter the person's work e-mail address."),
            "role": _("Choose mentor or mentee."),
            "cohort": _("Choose the cohort."),
        }.get(problem.column or "", _("This value is required."))
    if code == "too_long":
        return _("At most %(limit)d characters.", limit=p["limit"])
    if code == "email_syntax":
        return _("This does not look like an e-mail address.")
    if code == "email_domain":
        return _("Use an address of your organisation (%(domains)s).", domains=p["domains"])
    if code == "email_other_organisation":
        return _("This address belongs to a person of another organisation.")
    if code == "person_inactive":
        return _("%(name)s is deactivated and cannot be nominated.", name=p["name"])
    if code == "role":
        return _("\"%(value)s\" is not a role: write mentor or mentee.", value=p["value"])
    if code == "cohort_unknown":
        return _("There is no cohort \"%(value)s\". Use the short name (slug) shown on the nominations page.",
                 value=p["value"])
    if code == "cohort_not_open":
        return _("%(cohort)s does not take nominations now.", cohort=p["cohort"])
    if code == "already_in_cohort":
        return _("This person is already in %(cohort)s (%(status)s).", cohort=p["cohort"],
                 status=_status_words(p["status"]))
    if code == "duplicate":
        return _("The same person and cohort as on line %(line)d.", line=p["line"])
    if code == "no_quota":
        if p["role"] == "mentor":
            return _("Your organisation has no places for mentors in %(cohort)s: ask the board for a quota.",
                     cohort=p["cohort"])
        return _("Your organisation has no places for mentees in %(cohort)s: ask the board for a quota.",
                 cohort=p["cohort"])
    if code == "quota_full":
        return _("The quota of %(places)s for %(cohort)s is used up: withdraw a nomination or ask the board.",
                 places=_role_places(p["role"], p["places"]), cohort=p["cohort"])
    return code
