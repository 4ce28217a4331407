"""The workbench's words: a pair's explanation and an unmatched person's reason, in the reader's language.

The engine stores codes and parameters (see tandem/platform/matching/explain.py for the English reference);
here each code becomes one translated sentence naming the two people, with topic labels in the reader's
language. Also short labels for the criteria and a quality word for a criterion's value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from tandem.platform.board.models import Topic
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.matching import stored_criteria
from tandem.platform.matching.vocabulary import CRITERIA, MENTEE, MENTOR

# A criterion's value under POOR_BELOW is poor, from GOOD_FROM good, fair in between.
POOR_BELOW = 0.34
GOOD_FROM = 0.67

CRITERION_LABELS = {
    "topics": _l("Topics"),
    "format": _l("Meeting format"),
    "weekdays": _l("Weekdays"),
    "career_gap": _l("Career gap"),
}

QUALITY_LABELS = {"good": _l("good"), "fair": _l("fair"), "poor": _l("poor")}

_DAYS = {"mon": _l("Mondays"), "tue": _l("Tuesdays"), "wed": _l("Wednesdays"), "thu": _l("Thursdays"),
         "fri": _l("Fridays")}


def criterion_label(name: str) -> str:
    return str(CRITERION_LABELS.get(name, name))


def quality(value: float) -> str:
    """"good", "fair" or "poor" for a criterion's value (or a score) in [0, 1]."""
    if value < POOR_BELOW:
        return "poor"
    return "good" if value >= GOOD_FROM else "fair"


def quality_label(value: float) -> str:
    return str(QUALITY_LABELS[quality(value)])


def topic_labels(topics: Iterable[Topic], language: str) -> dict[int, str]:
    """Topic id -> label in `language`."""
    return {topic.id: topic.label(language) for topic in topics}


def join(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def _days(days: Sequence[str]) -> str:
    return join([str(_DAYS.get(day, day)) for day in days])


def _topic(item: Sequence[Any], labels: Mapping[int, str], with_rank: bool = True) -> str:
    topic, rank = item[0], item[1]
    label = labels.get(topic) or _("topic %(number)s", number=topic)
    if not with_rank or rank is None:
        return label
    if rank == 1:
        return _("%(topic)s (1st)", topic=label)
    if rank == 2:
        return _("%(topic)s (2nd)", topic=label)
    return _("%(topic)s (3rd)", topic=label)


# -- a pair's explanation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplainedCriterion:
    """One line of a pair's explanation."""

    name: str
    label: str
    sentence: str
    value: float
    weight: float
    quality: str  # good / fair / poor
    quality_label: str

    @property
    def weighed(self) -> bool:
        return self.weight > 0

    @property
    def poor(self) -> bool:
        return self.weighed and self.quality == "poor"


def explain(explanation: Mapping[str, Any] | None, labels: Mapping[int, str], *, mentor: str,
            mentee: str) -> list[ExplainedCriterion]:
    """The stored explanation of a pair (`Pair.explanation`) as one line per criterion, in the engine's order."""
    lines = []
    criteria = stored_criteria(explanation)
    for name in CRITERIA:
        part = criteria.get(name)
        if not part:
            continue
        value, weight = float(part.get("value", 0)), float(part.get("weight", 0))
        lines.append(ExplainedCriterion(
            name=name, label=criterion_label(name),
            sentence=criterion_sentence(name, part.get("code", ""), part.get("params") or {}, labels,
                                        mentor=mentor, mentee=mentee),
            value=value, weight=weight, quality=quality(value), quality_label=quality_label(value)))
    return lines


def poor_criteria(explanation: Mapping[str, Any] | None) -> list[str]:
    """Names of the weighed criteria whose value is poor."""
    return [name for name in CRITERIA if (part := (explanation or {}).get(name))
            and float(part.get("weight", 0)) > 0 and quality(float(part.get("value", 0))) == "poor"]


def criterion_sentence(name: str, code: str, params: Mapping[str, Any], labels: Mapping[int, str], *,
                       mentor: str, mentee: str) -> str:
    """One sentence for a criterion's code and parameters (an unknown code gives an empty string)."""
    render = _RENDERERS.get(name)
    if render is None:
        return ""
    try:
        return render(code, params, labels, mentor, mentee)
    except (KeyError, IndexError, TypeError):
        return ""


def _who_missing(missing: Sequence[str], mentor: str, mentee: str, what: str) -> str:
    if len(missing) >= 2:
        return {"format": _("Neither has said how to meet."),
                "weekdays": _("Neither has given weekdays."),
                "career": _("Neither has given a career stage.")}[what]
    name = mentor if missing and missing[0] == MENTOR else mentee
    return {"format": _("%(name)s has not said how to meet.", name=name),
            "weekdays": _("%(name)s has not given weekdays.", name=name),
            "career": _("%(name)s has not given a career stage.", name=name)}[what]


def _topics(code: str, p: Mapping[str, Any], labels: Mapping[int, str], mentor: str, mentee: str) -> str:
    if code == "mentee_named_none":
        return _("%(mentee)s has named no topics to learn about.", mentee=mentee)
    wanted = join([_topic(item, labels) for item in p["wanted"]])
    names = {"mentor": mentor, "mentee": mentee, "wanted": wanted}
    if code == "mentor_named_none":
        return _("%(mentee)s wants %(wanted)s; %(mentor)s has named no topics to offer.", **names)
    count = len(p["wanted"])
    if code == "all_offered":
        if count == 1:
            return _("%(mentee)s wants %(wanted)s; %(mentor)s offers it.", **names)
        if count == 2:
            return _("%(mentee)s wants %(wanted)s; %(mentor)s offers both.", **names)
        if count == 3:
            return _("%(mentee)s wants %(wanted)s; %(mentor)s offers all three.", **names)
        return _("%(mentee)s wants %(wanted)s; %(mentor)s offers all of them.", **names)
    if code == "none_offered":
        if count == 1:
            return _("%(mentee)s wants %(wanted)s; %(mentor)s does not offer it.", **names)
        return _("%(mentee)s wants %(wanted)s; %(mentor)s offers none of them.", **names)
    shared = join([_topic(item, labels, with_rank=False) for item in p["shared"]])
    missing = join([_topic(item, labels, with_rank=False) for item in p["missing"]])
    return _("%(mentee)s wants %(wanted)s; %(mentor)s offers %(shared)s, not %(missing)s.", shared=shared,
             missing=missing, **names)


def _format(code: str, p: Mapping[str, Any], labels: Mapping[int, str], mentor: str, mentee: str) -> str:
    if code == "in_person":
        if p.get("remote_too"):
            return _("Both can meet in person in %(city)s or remotely.", city=p["city"])
        return _("Both meet in person in %(city)s.", city=p["city"])
    if code == "remote":
        return _("Both meet remotely.")
    if code == "different_cities":
        if p["mentee_format"] == "in_person":
            return _("%(mentee)s wants to meet in person in %(mentee_city)s; %(mentor)s is in %(mentor_city)s.",
                     mentor=mentor, mentee=mentee, mentor_city=p["mentor_city"], mentee_city=p["mentee_city"])
        if p["mentor_format"] == "in_person":
            return _("%(mentor)s wants to meet in person in %(mentor_city)s; %(mentee)s is in %(mentee_city)s.",
                     mentor=mentor, mentee=mentee, mentor_city=p["mentor_city"], mentee_city=p["mentee_city"])
        return _("Both want to meet in person, but in different cities (%(mentor_city)s, %(mentee_city)s).",
                 mentor_city=p["mentor_city"], mentee_city=p["mentee_city"])
    if code == "city_unknown":
        return _("Both want to meet in person, but a city is missing.")
    if code == "in_person_vs_remote":
        if p["mentor_format"] == "in_person":
            return _("%(mentor)s wants to meet only in person, %(mentee)s only remotely.", mentor=mentor,
                     mentee=mentee)
        return _("%(mentor)s wants to meet only remotely, %(mentee)s only in person.", mentor=mentor, mentee=mentee)
    return _who_missing(p.get("missing", ()), mentor, mentee, "format")


def _weekdays(code: str, p: Mapping[str, Any], labels: Mapping[int, str], mentor: str, mentee: str) -> str:
    if code == "shared":
        return _("Both free on %(days)s.", days=_days(p["days"]))
    if code == "none_shared":
        return _("No shared weekday: %(mentor)s is free on %(mentor_days)s, %(mentee)s on %(mentee_days)s.",
                 mentor=mentor, mentee=mentee, mentor_days=_days(p["mentor_days"]),
                 mentee_days=_days(p["mentee_days"]))
    return _who_missing(p.get("missing", ()), mentor, mentee, "weekdays")


def _career(code: str, p: Mapping[str, Any], labels: Mapping[int, str], mentor: str, mentee: str) -> str:
    if code == "unknown":
        missing = [role for role in (MENTOR, MENTEE) if p.get(f"{role}_band") is None]
        return _who_missing(missing, mentor, mentee, "career")
    if code == "same_band":
        return _("Both have %(band)s years of experience: no reverse mentoring gap.", band=p["mentor_band"])
    names = {"mentor": mentor, "mentee": mentee, "mentor_band": p["mentor_band"], "mentee_band": p["mentee_band"]}
    if code == "clear_gap":
        return _("%(mentor)s has %(mentor_band)s years of experience, %(mentee)s %(mentee_band)s: a clear "
                 "reverse mentoring gap.", **names)
    if code == "small_gap":
        return _("%(mentor)s has %(mentor_band)s years of experience, %(mentee)s %(mentee_band)s: a small gap.",
                 **names)
    return _("%(mentor)s has %(mentor_band)s years of experience, %(mentee)s %(mentee_band)s: the mentor is the "
             "more experienced.", **names)


_RENDERERS = {"topics": _topics, "format": _format, "weekdays": _weekdays, "career_gap": _career}


# -- why someone has no partner -------------------------------------------------------------------------------

# Reasons the workbench adds to the engine's: a pair undone after the run, a person the run did not know.
UNPAIRED = "unpaired"
NOT_IN_RUN = "not_in_run"
PAIR_ENDED = "pair_ended"
# The same, once nobody can be paired any more (the programme is closing or over): what was, not what to do.
NOT_IN_RUN_FINAL = "not_in_run_final"
PAIR_ENDED_FINAL = "pair_ended_final"


def unmatched_sentence(code: str, role: str, params: Mapping[str, Any], *, name: str,
                       organisations: Mapping[int, str] | None = None,
                       people: Mapping[int, str] | None = None) -> str:
    """Why `name` (a mentor or a mentee) has no partner: one of the engine's codes or the workbench's.

    `organisations` and `people` give names for the ids in the parameters (excluded organisations,
    people kept apart); ids without a name are left out.
    """
    n = int(params.get("compatible", 0) or 0)
    mentee = role == MENTEE
    if code == UNPAIRED:
        return _("%(name)s had a partner in this run, but the pair was undone here.", name=name)
    if code == PAIR_ENDED:
        return _("The tandem of %(name)s ended after a rematch request: pair them with someone new.", name=name)
    if code == NOT_IN_RUN:
        return _("%(name)s was not part of this run: pair them by hand, or start a new run.", name=name)
    if code == PAIR_ENDED_FINAL:
        return _("The tandem of %(name)s ended after a rematch request.", name=name)
    if code == NOT_IN_RUN_FINAL:
        return _("%(name)s was not part of this run.", name=name)
    if code == "nobody_on_other_side":
        return _("There are no mentors in this cohort.") if mentee else _("There are no mentees in this cohort.")
    if code == "only_same_organisation":
        return (_("Every mentor is from the same organisation as %(name)s.", name=name) if mentee
                else _("Every mentee is from the same organisation as %(name)s.", name=name))
    if code == "no_languages":
        return _("No language is given for %(name)s.", name=name)
    if code == "no_shared_language":
        return (_("No mentor of another organisation shares a language with %(name)s.", name=name) if mentee
                else _("No mentee of another organisation shares a language with %(name)s.", name=name))
    if code == "excluded_organisations":
        named = join([organisations[i] for i in params.get("organisation_ids", ()) if organisations and i in
                      organisations])
        if named:
            return (_("Every mentor who shares a language with %(name)s is from an organisation excluded from "
                      "pairing with theirs (%(organisations)s).", name=name, organisations=named) if mentee
                    else _("Every mentee who shares a language with %(name)s is from an organisation excluded "
                           "from pairing with theirs (%(organisations)s).", name=name, organisations=named))
        return (_("Every mentor who shares a language with %(name)s is from an organisation excluded from "
                  "pairing with theirs.", name=name) if mentee
                else _("Every mentee who shares a language with %(name)s is from an organisation excluded from "
                       "pairing with theirs.", name=name))
    if code == "earlier_pairs":
        return (_("Every remaining mentor was paired with %(name)s in an earlier cohort.", name=name) if mentee
                else _("Every remaining mentee was paired with %(name)s in an earlier cohort.", name=name))
    if code == "never_together":
        named = join([people[i] for i in params.get("ids", ()) if people and i in people])
        if named:
            return (_("The board keeps %(name)s apart from every remaining mentor (%(names)s).", name=name,
                      names=named) if mentee
                    else _("The board keeps %(name)s apart from every remaining mentee (%(names)s).", name=name,
                           names=named))
        return (_("The board keeps %(name)s apart from every remaining mentor.", name=name) if mentee
                else _("The board keeps %(name)s apart from every remaining mentee.", name=name))
    if code == "compatible_partners_locked":
        return (ngettext("The one compatible mentor is in a locked pair.",
                         "All %(num)d compatible mentors are in locked pairs.", n) if mentee
                else ngettext("The one compatible mentee is in a locked pair.",
                              "All %(num)d compatible mentees are in locked pairs.", n))
    if code == "mostly_same_organisation":
        same, candidates = int(params.get("same_organisation", 0) or 0), int(params.get("candidates", 0) or 0)
        return (ngettext("%(same)d of the %(candidates)d mentors are from the same organisation as %(name)s; the one "
                         "compatible mentor is paired with someone else, so that as many people as possible are "
                         "matched.",
                         "%(same)d of the %(candidates)d mentors are from the same organisation as %(name)s; the "
                         "%(num)d compatible mentors are paired with others, so that as many people as possible are "
                         "matched.", n, same=same, candidates=candidates, name=name) if mentee
                else ngettext("%(same)d of the %(candidates)d mentees are from the same organisation as %(name)s; the "
                              "one compatible mentee is paired with someone else, so that as many people as possible "
                              "are matched.",
                              "%(same)d of the %(candidates)d mentees are from the same organisation as %(name)s; the "
                              "%(num)d compatible mentees are paired with others, so that as many people as possible "
                              "are matched.", n, same=same, candidates=candidates, name=name))
    if code == "all_compatible_taken":
        return (ngettext("The one compatible mentor is paired with someone else, so that as many people as "
                         "possible are matched.",
                         "All %(num)d compatible mentors are paired with others, so that as many people as "
                         "possible are matched.", n) if mentee
                else ngettext("The one compatible mentee is paired with someone else, so that as many people as "
                              "possible are matched.",
                              "All %(num)d compatible mentees are paired with others, so that as many people as "
                              "possible are matched.", n))
    return _("No reason is recorded for %(name)s.", name=name)


# -- a hard rule that would break -----------------------------------------------------------------------------


def rule_sentence(rule: str, *, mentor: str, mentee: str) -> str:
    """Why the board cannot pair these two: the hard rule `evaluate_pair` names."""
    names = {"mentor": mentor, "mentee": mentee}
    sentences = {
        "same_organisation": _("%(mentor)s and %(mentee)s work for the same organisation.", **names),
        "no_shared_language": _("%(mentor)s and %(mentee)s share no language.", **names),
        "excluded_organisations": _("The organisations of %(mentor)s and %(mentee)s are never paired.", **names),
        "earlier_pair": _("%(mentor)s and %(mentee)s were already paired in an earlier cohort.", **names),
        "never_together": _("The board keeps %(mentor)s and %(mentee)s apart.", **names),
    }
    return sentences.get(rule, _("%(mentor)s and %(mentee)s cannot be paired.", **names))
