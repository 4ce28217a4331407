"""English sentences for the structured explanations (codes and parameters) of pairs and the unmatched.

Other languages render the same codes through the translation catalogue; this module is the reference
wording and what logs and the benchmark print.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tandem.platform.matching.types import ProposedPair, Unmatched
from tandem.platform.matching.vocabulary import MENTEE, MENTOR

_DAY_NAMES = {"mon": "Mondays", "tue": "Tuesdays", "wed": "Wednesdays", "thu": "Thursdays", "fri": "Fridays"}
_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
_ONLY = {"in_person": "only in person", "remote": "only remotely", "both": "in person or remotely"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _topic(item: Sequence[Any], labels: Mapping[int, str], with_rank: bool = True) -> str:
    topic, rank = item
    label = labels.get(topic, f"topic {topic}")
    return f"{label} ({_ORDINALS[rank]})" if with_rank and rank is not None else label


def _who_missing(missing: Sequence[str], mentor: str, mentee: str, verb: str) -> str:
    if len(missing) == 2:
        return f"Neither has {verb}."
    return f"{_cap(mentor if missing[0] == MENTOR else mentee)} has not {verb}."


def explain_en(pair: ProposedPair, topic_labels: Mapping[int, str], *, mentor: str = "the mentor",
               mentee: str = "the mentee") -> tuple[str, ...]:
    """One English sentence per criterion, in the order of `pair.criteria`.

    `mentor` and `mentee` are how to refer to the two as a sentence's subject ("he", "she", a first name).
    """
    sentences = []
    for criterion in pair.criteria:
        render = _RENDERERS[criterion.name]
        sentences.append(render(criterion.code, criterion.params, topic_labels, mentor, mentee))
    return tuple(sentences)


def _topics_en(code: str, p: Mapping[str, Any], labels: Mapping[int, str], mentor: str, mentee: str) -> str:
    if code == "mentee_named_none":
        return f"{_cap(mentee)} has named no topics to learn about."
    wants = f"{_cap(mentee)} wants {_join([_topic(item, labels) for item in p['wanted']])}"
    if code == "mentor_named_none":
        return f"{wants}; {mentor} has named no topics to offer."
    count = len(p["wanted"])
    if code == "all_offered":
        return f"{wants}; {mentor} offers " + {1: "it.", 2: "both.", 3: "all three."}.get(count, "all of them.")
    if code == "none_offered":
        return f"{wants}; {mentor} " + ("does not offer it." if count == 1 else "offers none of them.")
    shared = _join([_topic(item, labels, with_rank=False) for item in p["shared"]])
    missing = _join([_topic(item, labels, with_rank=False) for item in p["missing"]])
    return f"{wants}; {mentor} offers {shared}, not {missing}."


def _format_en(code: str, p: Mapping[str, Any], labels: Mapping[int, str], mentor: str, mentee: str) -> str:
    if code == "in_person":
        return (f"Both can meet in person in {p['city']} or remotely." if p["remote_too"]
                else f"Both meet in person in {p['city']}.")
    if code == "remote":
        return "Both meet remotely."
    if code == "different_cities":
        if p["mentee_format"] == "in_person":
            return f"{_cap(mentee)} wants to meet in person in {p['mentee_city']}; {mentor} is in {p['mentor_city']}."
        if p["mentor_format"] == "in_person":
            return f"{_cap(mentor)} wants to meet in person in {p['mentor_city']}; {mentee} is in {p['mentee_city']}."
        return f"Both want to meet in person, but in different cities ({p['mentor_city']}, {p['mentee_city']})."
    if code == "city_unknown":
        return "Both want to meet in person, but a city is missing."
    if code == "in_person_vs_remote":
        return f"{_cap(mentor)} wants to meet {_ONLY[p['mentor_format']]}, {mentee} {_ONLY[p['mentee_format']]}."
    return _who_missing(p["missing"], mentor, mentee, "said how to meet")


def _weekdays_en(code: str, p: Mapping[str, Any], labels: Mapping[int, str], mentor: str, mentee: str) -> str:
    if code == "shared":
        return f"Both free on {_join([_DAY_NAMES[d] for d in p['days']])}."
    if code == "none_shared":
        return (f"No shared weekday: {mentor} is free on {_join([_DAY_NAMES[d] for d in p['mentor_days']])}, "
                f"{mentee} on {_join([_DAY_NAMES[d] for d in p['mentee_days']])}.")
    return _who_missing(p["missing"], mentor, mentee, "given weekdays")


def _career_en(code: str, p: Mapping[str, Any], labels: Mapping[int, str], mentor: str, mentee: str) -> str:
    if code == "unknown":
        missing = [role for role in (MENTOR, MENTEE) if p[f"{role}_band"] is None]
        return _who_missing(missing, mentor, mentee, "given a career stage")
    if code == "same_band":
        return f"Both have {p['mentor_band']} years of experience: no reverse mentoring gap."
    start = f"{_cap(mentor)} has {p['mentor_band']} years of experience, {mentee} {p['mentee_band']}"
    return start + {
        "clear_gap": ": a clear reverse mentoring gap.",
        "small_gap": ": a small gap.",
        "mentor_more_senior": ": the mentor is the more experienced.",
    }[code]


_RENDERERS = {"topics": _topics_en, "format": _format_en, "weekdays": _weekdays_en, "career_gap": _career_en}


def explain_unmatched_en(unmatched: Unmatched, *, them: str = "them") -> str:
    """Why a person has no partner, in English; `them` refers to the person as an object ("her", "him")."""
    other = "mentor" if unmatched.role == MENTEE else "mentee"
    p = unmatched.params
    n = p.get("compatible", 0)
    sentences = {
        "nobody_on_other_side": f"There are no {other}s in this cohort.",
        "only_same_organisation": f"Every {other} is from the same organisation as {them}.",
        "no_languages": f"No language is given for {them}.",
        "no_shared_language": f"No {other} of another organisation shares a language with {them}.",
        "excluded_organisations": f"Every {other} who shares a language with {them} is from an organisation "
                                  "excluded from pairing with theirs.",
        "earlier_pairs": f"Every remaining {other} was paired with {them} in an earlier cohort.",
        "never_together": f"The board keeps {them} apart from every remaining {other}.",
        "compatible_partners_locked": (f"The one compatible {other} is in a locked pair." if n == 1 else
                                       f"All {n} compatible {other}s are in locked pairs."),
        "mostly_same_organisation": (
            f"{p.get('same_organisation', 0)} of the {p.get('candidates', 0)} {other}s are from the same "
            f"organisation as {them}; " + (f"the one compatible {other} is paired with someone else, so that as many "
                                           "people as possible are matched." if n == 1 else
                                           f"the {n} compatible {other}s are paired with others, so that as many "
                                           "people as possible are matched.")),
        "all_compatible_taken": (f"The one compatible {other} is paired with someone else, so that as many "
                                 "people as possible are matched." if n == 1 else
                                 f"All {n} compatible {other}s are paired with others, so that as many people "
                                 "as possible are matched."),
    }
    return sentences[unmatched.code]
