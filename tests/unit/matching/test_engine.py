"""The matching engine by example: every rule, the objective, explanations, unmatched reasons, locks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tandem.platform.matching import (
    Candidate,
    MatchingError,
    Rules,
    Weights,
    explain_en,
    explain_unmatched_en,
    match,
    vocabulary,
)
from tandem.platform.participant import models

LABELS = {10: "AI", 11: "social media", 12: "law", 13: "podcasts"}


def person(cid: int, org: int, **fields) -> Candidate:
    base = dict(id=cid, person_key=1000 + cid, organisation_id=org, languages=frozenset({"de"}),
                topics={10: 1}, format="remote", weekdays=frozenset({"tue"}), career_band="3-5")
    if cid > 100:  # mentees are senior by default
        base["career_band"] = "21+"
    base.update(fields)
    return Candidate(**base)


def pairs_of(result) -> set[tuple[int, int]]:
    return {(p.mentor_id, p.mentee_id) for p in result.pairs}


# -- the engine stands alone -------------------------------------------------------------------------------

def test_the_engine_imports_neither_flask_nor_sqlalchemy():
    folder = Path(vocabulary.__file__).parent
    for source in folder.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                root = name.split(".")[0]
                assert root not in {"flask", "sqlalchemy", "flask_babel", "wtforms"}, (source.name, name)
                assert not name.startswith("tandem.") or name.startswith("tandem.platform.matching"), name


def test_the_vocabularies_match_the_models():
    assert vocabulary.CAREER_BANDS == models.CAREER_BANDS
    assert vocabulary.WEEKDAYS == models.WEEKDAYS
    assert vocabulary.FORMATS == models.PROFILE_FORMATS


# -- hard rules ---------------------------------------------------------------------------------------------

def test_never_the_same_organisation():
    result = match([person(1, 1)], [person(101, 1)])
    assert result.pairs == ()
    codes = {(u.id, u.code) for u in result.unmatched}
    assert codes == {(1, "only_same_organisation"), (101, "only_same_organisation")}


def test_a_shared_language_is_needed():
    result = match([person(1, 1, languages={"fr"})], [person(101, 2, languages={"de", "it"})])
    assert result.pairs == ()
    mentee = next(u for u in result.unmatched if u.id == 101)
    assert mentee.code == "no_shared_language" and mentee.params["languages"] == ["de", "it"]
    assert explain_unmatched_en(mentee, them="her") == "No mentor of another organisation shares a language with her."
    assert match([person(1, 1, languages={"fr", "de"})], [person(101, 2)]).figures.pairs == 1


def test_excluded_organisations_are_never_paired():
    rules = Rules(excluded_organisation_pairs=frozenset({frozenset({1, 2})}))
    result = match([person(1, 1)], [person(101, 2)], rules)
    assert result.pairs == ()
    assert {u.code for u in result.unmatched} == {"excluded_organisations"}
    assert result.unmatched[1].params["organisation_ids"] == [1]


def test_no_repeat_of_an_earlier_pair_in_either_role():
    mentors, mentees = [person(1, 1), person(2, 3)], [person(101, 2)]
    earlier = Rules(earlier_pairs=frozenset({(1001, 1101)}))
    assert pairs_of(match(mentors, mentees, earlier)) == {(2, 101)}
    reversed_roles = Rules(earlier_pairs=frozenset({(1101, 1001)}))
    assert pairs_of(match(mentors, mentees, reversed_roles)) == {(2, 101)}
    only = match([person(1, 1)], mentees, earlier)
    assert only.unmatched[1].code == "earlier_pairs"


def test_never_together():
    rules = Rules(never_together=frozenset({frozenset({1, 101})}))
    result = match([person(1, 1), person(2, 3)], [person(101, 2)], rules)
    assert pairs_of(result) == {(2, 101)}
    alone = match([person(1, 1)], [person(101, 2)], rules)
    mentee = next(u for u in alone.unmatched if u.role == "mentee")
    assert mentee.code == "never_together" and mentee.params["ids"] == [1]


def test_capacity_two_and_capacity_one():
    mentees = [person(101, 2), person(102, 3)]
    assert pairs_of(match([person(1, 1, capacity=2)], mentees)) == {(1, 101), (1, 102)}
    single = match([person(1, 1)], mentees)
    assert single.figures.pairs == 1 and single.figures.possible_pairs == 1
    assert single.figures.share_matched == 1.0
    left = next(u for u in single.unmatched)
    assert left.code == "all_compatible_taken" and left.params == {"compatible": 1}


@pytest.mark.parametrize("capacity", [0, 3, 10, -1, True, 1.5])
def test_a_capacity_other_than_one_or_two_is_refused(capacity):
    with pytest.raises(MatchingError) as error:
        person(1, 1, capacity=capacity)
    assert error.value.code == "invalid_capacity" and error.value.params == {"id": 1, "value": capacity}
    with pytest.raises(MatchingError) as error:
        match([person(1, 1)], [person(101, 2, capacity=2)])
    assert error.value.code == "mentee_capacity"


def test_an_unmatched_person_whose_partners_are_nearly_all_colleagues_is_told_so():
    """Nine of the ten mentors are from the mentee's organisation; the one other is taken by a mentee who
    has no one else: the reason names the organisation, not only "every compatible partner is taken"."""
    mentors = [person(i, 1) for i in range(1, 10)] + [person(10, 2)]
    mentees = [person(101, 1, languages=frozenset({"de", "fr"}), topics={12: 1}),
               person(102, 3, languages=frozenset({"fr"}))]
    mentors[-1] = person(10, 2, languages=frozenset({"de", "fr"}))
    result = match(mentors, mentees)
    assert pairs_of(result) == {(10, 102)}
    left = next(u for u in result.unmatched if u.id == 101)
    assert left.code == "mostly_same_organisation"
    assert left.params == {"compatible": 1, "same_organisation": 9, "candidates": 10}
    assert explain_unmatched_en(left, them="her") == (
        "9 of the 10 mentors are from the same organisation as her; the one compatible mentor is paired with "
        "someone else, so that as many people as possible are matched.")
    spread = match([person(1, 1), person(2, 4, languages=frozenset({"it"})),
                    person(10, 2, languages=frozenset({"de", "fr"}))], mentees)
    assert next(u for u in spread.unmatched if u.id == 101).code == "all_compatible_taken"


def test_invalid_input_is_refused():
    with pytest.raises(MatchingError) as error:
        person(1, 1, career_band="99")
    assert error.value.code == "invalid_career_band"
    with pytest.raises(MatchingError):
        person(1, 1, topics={10: 1, 11: 1})
    with pytest.raises(MatchingError) as error:
        match([person(1, 1), person(1, 2)], [])
    assert error.value.code == "duplicate_id"
    with pytest.raises(MatchingError):
        Weights(topics=-1)


# -- locked pairs -------------------------------------------------------------------------------------------

def test_locked_pairs_are_kept_even_when_worse():
    mentors = [person(1, 1, topics={10: 1}), person(2, 3, topics={11: 1})]
    mentees = [person(101, 2, topics={10: 1})]
    assert pairs_of(match(mentors, mentees)) == {(1, 101)}
    result = match(mentors, mentees, Rules(locked=((2, 101),)))
    assert pairs_of(result) == {(2, 101)} and result.pairs[0].locked
    assert result.figures.locked_pairs == 1
    mentor = next(u for u in result.unmatched if u.id == 1)
    assert mentor.code == "compatible_partners_locked"
    assert explain_unmatched_en(mentor, them="him") == "The one compatible mentee is in a locked pair."


def test_a_locked_pair_that_breaks_a_rule_is_an_error():
    with pytest.raises(MatchingError) as error:
        match([person(1, 1)], [person(101, 1)], Rules(locked=((1, 101),)))
    assert error.value.code == "locked_breaks_rule" and error.value.params["rule"] == "same_organisation"
    with pytest.raises(MatchingError) as error:
        match([person(1, 1, languages={"fr"})], [person(101, 2)], Rules(locked=((1, 101),)))
    assert error.value.params["rule"] == "no_shared_language"
    with pytest.raises(MatchingError) as error:
        match([person(1, 1)], [person(101, 2)], Rules(locked=((1, 101),), earlier_pairs=frozenset({(1001, 1101)})))
    assert error.value.params["rule"] == "earlier_pair"
    with pytest.raises(MatchingError) as error:
        match([person(1, 1)], [person(101, 2), person(102, 3)], Rules(locked=((1, 101), (1, 102))))
    assert error.value.code == "locked_over_capacity"
    with pytest.raises(MatchingError) as error:
        match([person(1, 1)], [person(101, 2)], Rules(locked=((9, 101),)))
    assert error.value.code == "locked_unknown_mentor"


# -- the objective ------------------------------------------------------------------------------------------

def test_as_many_pairs_as_possible_before_better_scores():
    # mentor 1 fits mentee 101 perfectly, but only mentor 1 can take mentee 102 (language): both get paired
    mentors = [person(1, 1, languages={"de", "fr"}, topics={10: 1}), person(2, 3, topics={10: 1})]
    mentees = [person(101, 2, topics={10: 1}), person(102, 4, languages={"fr"}, topics={11: 1})]
    assert pairs_of(match(mentors, mentees)) == {(2, 101), (1, 102)}


def test_the_lowest_pair_is_raised_before_the_total():
    # A: 1-101 great, 2-102 poor. B: 1-102 and 2-101 both middling: B has a better lowest pair
    mentors = [person(1, 1, topics={10: 1, 11: None}), person(2, 3, topics={11: 1})]
    mentees = [person(101, 2, topics={10: 1}), person(102, 4, topics={11: 1, 12: 2})]
    result = match(mentors, mentees)
    by_pair = {(p.mentor_id, p.mentee_id): p.score for p in result.pairs}
    assert set(by_pair) == {(1, 101), (2, 102)} or min(by_pair.values()) >= result.figures.lowest_score
    swapped = match(mentors, mentees, Rules(locked=((1, 102), (2, 101))))
    assert result.figures.lowest_score >= swapped.figures.lowest_score


def test_fairness_beats_a_higher_total():
    # mentor 1 suits both mentees; mentor 2 suits only mentee 102 (same city in person) but nobody's topics
    mentors = [person(1, 1, topics={10: 1, 11: 2}, format="remote"),
               person(2, 3, topics={13: 1}, format="in_person", city="Bern")]
    mentees = [person(101, 2, topics={10: 1, 11: 2}, format="remote"),
               person(102, 4, topics={10: 1, 11: 2}, format="both", city="Bern")]
    result = match(mentors, mentees)
    scores = sorted(p.score for p in result.pairs)
    other = match(mentors, mentees, Rules(locked=((1, 101), (2, 102))))
    alternative = sorted(p.score for p in other.pairs)
    assert scores[0] >= alternative[0]
    if scores[0] == alternative[0]:
        assert sum(scores) >= sum(alternative)


def test_the_same_input_gives_the_same_output_in_any_order():
    mentors = [person(i, i % 3 + 1, topics={10 + i % 4: 1}) for i in range(1, 7)]
    mentees = [person(100 + i, i % 4 + 1, topics={10 + i % 3: 1}) for i in range(1, 7)]
    first = match(mentors, mentees)
    assert match(list(reversed(mentors)), list(reversed(mentees))) == first
    assert match(mentors, mentees) == first


def test_progress_is_reported_in_percent():
    seen: list[int] = []
    match([person(1, 1)], [person(101, 2)], progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen) and len(seen) >= 3


# -- scores and explanations --------------------------------------------------------------------------------

def test_a_perfect_pair_and_its_explanation():
    mentor = person(1, 1, topics={10: 1, 11: 2, 12: None}, format="remote", weekdays={"tue", "wed"},
                    career_band="3-5")
    mentee = person(101, 2, topics={10: 1, 11: 2}, format="both", weekdays={"tue"}, career_band="21+")
    pair = match([mentor], [mentee]).pairs[0]
    topics = pair.criterion("topics")
    assert topics.value == 1.0 and topics.code == "all_offered"
    assert topics.params["shared"] == [[10, 1], [11, 2]] and topics.params["mentee_top_ranked_covered"] == 2
    assert pair.criterion("format").code == "remote" and pair.criterion("weekdays").params == {"days": ["tue"]}
    assert pair.criterion("career_gap").code == "clear_gap" and pair.criterion("career_gap").value == 0.95
    assert pair.score == pytest.approx(0.4 + 0.25 + 0.15 + 0.2 * 0.95)
    assert explain_en(pair, LABELS, mentor="he", mentee="she") == (
        "She wants AI (1st) and social media (2nd); he offers both.",
        "Both meet remotely.",
        "Both free on Tuesdays.",
        "He has 3-5 years of experience, she 21+: a clear reverse mentoring gap.",
    )
    assert pair.explanation()["topics"]["code"] == "all_offered"


def test_ranks_weigh_topics():
    mentee = person(101, 2, topics={10: 1, 11: 2, 12: 3, 13: None})  # weights 3, 2, 1, 0.5
    first = match([person(1, 1, topics={10: None})], [mentee]).pairs[0].criterion("topics")
    third = match([person(1, 1, topics={12: 1})], [mentee]).pairs[0].criterion("topics")
    assert first.value == pytest.approx(3 / 6.5, abs=1e-4) and third.value == pytest.approx(1 / 6.5, abs=1e-4)
    assert first.code == "some_offered" and first.params["missing"] == [[11, 2], [12, 3], [13, None]]


def test_format_and_city():
    def fmt(a: dict, b: dict) -> tuple[str, float, str]:
        pair = match([person(1, 1, **a)], [person(101, 2, **b)]).pairs[0]
        c = pair.criterion("format")
        return c.code, c.value, explain_en(pair, LABELS, mentor="he", mentee="she")[1]

    assert fmt(dict(format="in_person", city="Bern"), dict(format="both", city=" bern "))[:2] == ("in_person", 1.0)
    code, value, _ = fmt(dict(format="in_person", city="Bern"), dict(format="in_person", city="Bern"))
    assert (code, value) == ("in_person", 1.0)
    assert fmt(dict(format="in_person", city="Bern"), dict(format="in_person", city="Basel")) == (
        "different_cities", 0.0, "She wants to meet in person in Basel; he is in Bern.")
    assert fmt(dict(format="remote"), dict(format="in_person", city="Basel")) == (
        "in_person_vs_remote", 0.0, "He wants to meet only remotely, she only in person.")
    assert fmt(dict(format="both", city="Bern"), dict(format="both", city="Bern"))[:2] == ("in_person", 1.0)
    assert fmt(dict(format=None), dict(format="remote"))[:2] == ("unknown", 0.5)


def test_weekdays_and_career_gap():
    pair = match([person(1, 1, weekdays={"mon"}, career_band="11-20")],
                 [person(101, 2, weekdays={"fri", "thu"}, career_band="3-5")]).pairs[0]
    assert pair.criterion("weekdays").value == 0.0 and pair.criterion("career_gap").value == 0.0
    assert explain_en(pair, LABELS)[2:] == (
        "No shared weekday: the mentor is free on Mondays, the mentee on Thursdays and Fridays.",
        "The mentor has 11-20 years of experience, the mentee 3-5: the mentor is the more experienced.",
    )
    same = match([person(1, 1, career_band="6-10")], [person(101, 2, career_band="6-10")]).pairs[0]
    assert same.criterion("career_gap").code == "same_band"


def test_weights_are_tunable():
    mentors = [person(1, 1, topics={10: 1}, format="in_person", city="Bern"),
               person(2, 3, topics={11: 1}, format="remote")]
    mentees = [person(101, 2, topics={10: 1}, format="remote")]
    assert pairs_of(match(mentors, mentees, weights=Weights(topics=1, format=0, weekdays=0, career_gap=0))) == {
        (1, 101)}
    assert pairs_of(match(mentors, mentees, weights=Weights(topics=0, format=1, weekdays=0, career_gap=0))) == {
        (2, 101)}


def test_figures():
    mentors = [person(1, 1, capacity=2), person(2, 3)]
    mentees = [person(101, 2), person(102, 4), person(103, 1, languages={"it"})]
    figures = match(mentors, mentees, threshold=0.995).figures
    assert (figures.mentors, figures.mentees, figures.mentor_places, figures.possible_pairs) == (2, 3, 3, 3)
    assert figures.pairs == 2 and figures.share_matched == pytest.approx(2 / 3, abs=1e-4)
    assert figures.unmatched_mentees == 1 and figures.below_threshold == 2
    assert figures.as_dict()["threshold"] == 0.995 and figures.lowest_score == 0.99


def test_nobody_on_the_other_side():
    result = match([], [person(101, 2)])
    assert result.unmatched[0].code == "nobody_on_other_side"
    assert explain_unmatched_en(result.unmatched[0]) == "There are no mentors in this cohort."
    assert result.figures.share_matched == 1.0 and result.figures.lowest_score is None
