""""Why you two": a few short sentences, in the second person and the reader's language, from a pair's
structured explanation (its codes and parameters; never the board's scores).

Only what speaks for the pair is said: the topics the mentor offers that the mentee wants, how the two can
meet, their shared weekdays, who brings what experience, their shared languages.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from tandem.platform.cohorts.models import ParticipationRole
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.participant.labels import LANGUAGE_LABELS, WEEKDAY_LABELS
from tandem.platform.participant.partner import PartnerView

MAX_SENTENCES = 4
GOOD_TOPIC_CODES = ("all_offered", "ranked_offered", "some_offered")
GAP_CODES = ("clear_gap", "small_gap")
# Years of experience, to go inside a sentence.
EXPERIENCE = {
    "0-2": _l("up to 2 years"),
    "3-5": _l("3 to 5 years"),
    "6-10": _l("6 to 10 years"),
    "11-20": _l("11 to 20 years"),
    "21+": _l("more than 20 years"),
}


def _join(items: Sequence[object]) -> str:
    """"a, b and c" in the reader's language."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    locale = get_locale()
    return format_list(words, locale=str(locale) if locale else "en")


def _topics(view: PartnerView) -> str | None:
    criterion = view.explanation.get("topics") or {}
    if criterion.get("code") not in GOOD_TOPIC_CODES:
        return None
    shared = [view.topic_labels[int(item[0])] for item in (criterion.get("params") or {}).get("shared") or []
              if item and int(item[0]) in view.topic_labels]
    if not shared:
        return None
    if view.viewer_role == ParticipationRole.MENTEE:
        return ngettext("Your mentor offers a topic you want to explore: %(topics)s.",
                        "Your mentor offers topics you want to explore: %(topics)s.", len(shared),
                        topics=_join(shared))
    return ngettext("Your mentee wants to explore a topic you offer: %(topics)s.",
                    "Your mentee wants to explore topics you offer: %(topics)s.", len(shared), topics=_join(shared))


def _format(view: PartnerView) -> str | None:
    criterion = view.explanation.get("format") or {}
    params = criterion.get("params") or {}
    if criterion.get("code") == "in_person" and params.get("city"):
        if params.get("remote_too"):
            return _("You can meet in person in %(city)s, or online.", city=params["city"])
        return _("You can both meet in person in %(city)s.", city=params["city"])
    if criterion.get("code") == "remote":
        return _("You can both meet online.")
    return None


def _weekdays(view: PartnerView) -> str | None:
    criterion = view.explanation.get("weekdays") or {}
    days = [WEEKDAY_LABELS[d] for d in (criterion.get("params") or {}).get("days") or [] if d in WEEKDAY_LABELS]
    if criterion.get("code") != "shared" or not days:
        return None
    return _("You are both free on %(days)s.", days=_join(days))


def _experience(view: PartnerView) -> str | None:
    criterion = view.explanation.get("career_gap") or {}
    params = criterion.get("params") or {}
    mentor, mentee = EXPERIENCE.get(params.get("mentor_band") or ""), EXPERIENCE.get(params.get("mentee_band") or "")
    if criterion.get("code") not in GAP_CODES or mentor is None or mentee is None:
        return None
    if view.viewer_role == ParticipationRole.MENTOR:
        return _("You bring a fresh view with %(mine)s of experience; your mentee brings %(theirs)s of experience.",
                 mine=mentor, theirs=mentee)
    return _("Your mentor brings a fresh view with %(theirs)s of experience; you bring %(mine)s of experience.",
             mine=mentee, theirs=mentor)


def _languages(view: PartnerView) -> str | None:
    shared = [LANGUAGE_LABELS.get(code, code) for code in view.shared_languages]
    if not shared:
        return None
    return _("You can hold your meetings in %(languages)s.", languages=_join(shared))


def why_you_two(view: PartnerView) -> list[str]:
    """Two to four short sentences in the reader's language (the request's locale)."""
    sentences = [s for s in (_topics(view), _format(view), _weekdays(view), _experience(view), _languages(view))
                 if s]
    if len(sentences) < 2:
        sentences.append(_("You come from different member organisations: a chance to see how others work."))
    return sentences[:MAX_SENTENCES]
