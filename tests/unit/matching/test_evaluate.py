"""`evaluate_pair`: one pair scored and explained exactly as `match` does, refused when a hard rule breaks."""

from __future__ import annotations

import pytest

from tandem.platform.matching import Candidate, MatchingError, Rules, Weights, evaluate_pair, explain_en, match

LABELS = {10: "AI", 11: "social media", 12: "law", 13: "podcasts"}


def person(cid: int, org: int, **fields) -> Candidate:
    base = dict(id=cid, person_key=1000 + cid, organisation_id=org, languages=frozenset({"de"}),
                topics={10: 1}, format="remote", weekdays=frozenset({"tue"}), career_band="3-5")
    if cid > 100:  # mentees are senior by default
        base["career_band"] = "21+"
    base.update(fields)
    return Candidate(**base)


MENTORS = [
    person(1, 1, topics={10: None, 11: None}, format="both", city="Bern", weekdays={"tue", "wed"}),
    person(2, 2, topics={12: None}, format="in_person", city="Zürich", career_band="6-10", languages={"de", "fr"}),
    person(3, 3, topics={}, format=None, weekdays=set(), career_band=None),
]
MENTEES = [
    person(101, 2, topics={10: 1, 11: 2, 13: None}, format="in_person", city=" bern ", weekdays={"wed"}),
    person(102, 3, topics={12: 1}, format="remote", weekdays={"mon"}, career_band="6-10", languages={"fr"}),
    person(103, 1, topics={11: 1, 12: 2}, format="both", city="Zürich", weekdays={"tue", "thu"}),
]


@pytest.mark.parametrize("weights", [Weights(), Weights(topics=1, format=0, weekdays=2, career_gap=0.5)])
def test_every_pair_scores_and_explains_as_the_engine_does(weights):
    for mentor in MENTORS:
        for mentee in MENTEES:
            if mentor.organisation_id == mentee.organisation_id or not (mentor.languages & mentee.languages):
                continue
            # Only this pair is possible: the engine pairs them and explains the pair.
            expected = match([mentor], [mentee], Rules(), weights).pairs
            assert len(expected) == 1
            evaluated = evaluate_pair(mentor, mentee, Rules(), weights)
            assert evaluated == expected[0]
            assert evaluated.explanation() == expected[0].explanation()
            assert not evaluated.locked
            assert explain_en(evaluated, LABELS)  # renders


def test_the_same_score_as_in_a_full_run():
    result = match(MENTORS, MENTEES, Rules(), Weights())
    assert result.pairs
    by_id = {c.id: c for c in (*MENTORS, *MENTEES)}
    for pair in result.pairs:
        evaluated = evaluate_pair(by_id[pair.mentor_id], by_id[pair.mentee_id], Rules(), Weights())
        assert evaluated.score == pair.score
        assert evaluated.criteria == pair.criteria


def test_the_defaults_are_no_rules_and_the_default_weights():
    assert evaluate_pair(MENTORS[0], MENTEES[0]) == evaluate_pair(MENTORS[0], MENTEES[0], Rules(), Weights())


@pytest.mark.parametrize(("mentor", "mentee", "rules", "rule"), [
    (person(1, 1), person(101, 1), Rules(), "same_organisation"),
    (person(1, 1, languages={"de"}), person(101, 2, languages={"fr"}), Rules(), "no_shared_language"),
    (person(1, 1), person(101, 2, languages=set()), Rules(), "no_shared_language"),
    (person(1, 1), person(101, 2), Rules(excluded_organisation_pairs={frozenset({1, 2})}), "excluded_organisations"),
    (person(1, 1), person(101, 2), Rules(earlier_pairs={(1001, 1101)}), "earlier_pair"),
    # in either role: the mentee once mentored the mentor
    (person(1, 1), person(101, 2), Rules(earlier_pairs={(1101, 1001)}), "earlier_pair"),
    (person(1, 1), person(101, 2), Rules(never_together={frozenset({1, 101})}), "never_together"),
])
def test_a_pair_that_breaks_a_rule_is_refused(mentor, mentee, rules, rule):
    with pytest.raises(MatchingError) as raised:
        evaluate_pair(mentor, mentee, rules, Weights())
    assert raised.value.code == "breaks_rule"
    assert raised.value.params["rule"] == rule
    assert raised.value.params["mentor_id"] == mentor.id and raised.value.params["mentee_id"] == mentee.id


def test_the_first_rule_broken_is_named():
    # Same organisation and no shared language: the organisation comes first, as in the engine's stages.
    with pytest.raises(MatchingError) as raised:
        evaluate_pair(person(1, 1, languages={"de"}), person(101, 1, languages={"fr"}))
    assert raised.value.params["rule"] == "same_organisation"


def test_rules_about_other_people_do_not_matter():
    rules = Rules(excluded_organisation_pairs={frozenset({1, 3})}, earlier_pairs={(1001, 1102)},
                  never_together={frozenset({1, 102})}, locked=((1, 102),))
    assert evaluate_pair(person(1, 1), person(101, 2), rules).score == evaluate_pair(person(1, 1), person(101, 2)).score


def test_invalid_input_is_refused_as_in_the_engine():
    with pytest.raises(MatchingError) as raised:
        evaluate_pair(person(1, 1), person(101, 2, capacity=2))
    assert raised.value.code == "mentee_capacity"
