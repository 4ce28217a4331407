"""Labels of stored profile values and of the parts of a profile, in the reader's language."""

from __future__ import annotations

from tandem.platform.cohorts.models import ParticipationRole
from tandem.platform.i18n import lazy_gettext as _l

LANGUAGE_LABELS = {
    "de": _l("German"),
    "fr": _l("French"),
    "it": _l("Italian"),
    "en": _l("English"),
}

FORMAT_LABELS = {
    "in_person": _l("In person"),
    "remote": _l("Online"),
    "both": _l("Both, in person and online"),
}

WEEKDAY_LABELS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
}

CAREER_BAND_LABELS = {
    "0-2": _l("Up to 2 years"),
    "3-5": _l("3 to 5 years"),
    "6-10": _l("6 to 10 years"),
    "11-20": _l("11 to 20 years"),
    "21+": _l("More than 20 years"),
}


def aims_label(role: str) -> str:
    if role == ParticipationRole.MENTOR:
        return _l("What you hope to give your mentee")
    return _l("Your goals for the tandem")


def topics_label(role: str) -> str:
    if role == ParticipationRole.MENTOR:
        return _l("Topics you offer")
    return _l("Topics you want to explore")


def part_label(part: str, role: str) -> str:
    """The name of one part of a profile (see completeness.PARTS), for "what is missing"."""
    labels = {
        "topics": topics_label(role),
        "top_three": _l("Your top three topics"),
        "languages": _l("Languages"),
        "format": _l("How you want to meet"),
        "city": _l("City"),
        "weekdays": _l("Preferred weekdays"),
        "career_band": _l("Career stage"),
        "bio": _l("Short bio"),
        "aims": aims_label(role),
    }
    return str(labels.get(part, part))
