"""The workbench's sentences: the engine's reference wording (explain.py), with names and translated labels."""

from __future__ import annotations

import itertools

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from tandem.platform.board.models import Topic
from tandem.platform.matching import Candidate, Rules, Unmatched, evaluate_pair, explain_en, explain_unmatched_en
from tandem.platform.matching.vocabulary import CRITERIA, MENTEE, MENTOR
from tandem.platform.workbench import wording

LABELS = {10: "AI", 11: "social media", 12: "law", 13: "podcasts"}


@pytest.fixture()
def babel_app():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield app


def candidate(cid: int, org: int, **fields) -> Candidate:
    base = dict(id=cid, person_key=cid, organisation_id=org, languages={"de"})
    base.update(fields)
    return Candidate(**base)


# Every code of every criterion appears among these mentors x mentees.
MENTORS = [
    candidate(1, 1, topics={10: None, 11: None, 12: None, 13: None}, format="both", city="Bern",
              weekdays={"tue", "wed"}, career_band="0-2"),
    candidate(2, 1, topics={12: None}, format="in_person", city="Zürich", weekdays={"mon"}, career_band="6-10"),
    candidate(3, 1, topics={}, format=None, weekdays=set(), career_band=None),
    candidate(4, 1, topics={11: None}, format="remote", weekdays={"fri"}, career_band="21+"),
    candidate(5, 1, topics={10: None}, format="in_person", city=None, weekdays={"thu"}, career_band="3-5"),
    candidate(6, 1, topics={10: None, 11: None}, format="both", city="Basel", weekdays={"wed"}, career_band="11-20"),
]
MENTEES = [
    candidate(101, 2, topics={10: 1, 11: 2, 13: None}, format="in_person", city=" bern ", weekdays={"wed"},
              career_band="21+"),
    candidate(102, 2, topics={12: 1}, format="remote", weekdays={"mon", "tue"}, career_band="6-10"),
    candidate(103, 2, topics={11: 1, 12: 2, 10: 3}, format="both", city="Zürich", weekdays={"tue", "thu"},
              career_band="11-20"),
    candidate(104, 2, topics={}, format=None, weekdays=set(), career_band=None),
    candidate(105, 2, topics={10: 1, 11: 2}, format="in_person", city="Basel", weekdays={"wed"}, career_band="3-5"),
    candidate(106, 2, topics={13: 1}, format="both", city=None, weekdays={"fri"}, career_band="0-2"),
    candidate(107, 2, topics={10: 1, 13: 2, 12: 3}, format="in_person", city="Zürich", weekdays={"mon"},
              career_band="6-10"),
]


def test_pair_sentences_say_what_the_reference_says(babel_app):
    seen: set[tuple[str, str]] = set()
    for mentor, mentee in itertools.product(MENTORS, MENTEES):
        pair = evaluate_pair(mentor, mentee)
        names = {"mentor": f"Mentor {mentor.id}", "mentee": f"Mentee {mentee.id}"}
        expected = explain_en(pair, LABELS, **names)
        lines = wording.explain(pair.explanation(), LABELS, **names)
        assert [line.name for line in lines] == list(CRITERIA)
        assert tuple(line.sentence for line in lines) == expected
        for line, criterion in zip(lines, pair.criteria, strict=True):
            assert line.value == criterion.value and line.weight == criterion.weight
            assert line.quality == wording.quality(criterion.value)
            seen.add((criterion.name, criterion.code))
    assert seen >= {
        ("topics", code) for code in ("all_offered", "ranked_offered", "some_offered", "none_offered",
                                      "mentee_named_none", "mentor_named_none")
    } | {("format", code) for code in ("remote", "in_person", "different_cities", "in_person_vs_remote",
                                        "city_unknown", "unknown")
         } | {("weekdays", code) for code in ("shared", "none_shared", "unknown")
              } | {("career_gap", code) for code in ("clear_gap", "small_gap", "same_band", "mentor_more_senior",
                                                     "unknown")}


UNMATCHED = [
    ("nobody_on_other_side", {}), ("only_same_organisation", {"candidates": 3}), ("no_languages", {}),
    ("no_shared_language", {"languages": ["it"], "candidates": 2}),
    ("excluded_organisations", {"organisation_ids": [4, 5], "candidates": 2}),
    ("earlier_pairs", {"candidates": 1}), ("never_together", {"ids": [7], "candidates": 1}),
    ("compatible_partners_locked", {"compatible": 1}), ("compatible_partners_locked", {"compatible": 3}),
    ("all_compatible_taken", {"compatible": 1}), ("all_compatible_taken", {"compatible": 2}),
    ("mostly_same_organisation", {"compatible": 1, "same_organisation": 19, "candidates": 20}),
    ("mostly_same_organisation", {"compatible": 2, "same_organisation": 28, "candidates": 30}),
]


@pytest.mark.parametrize("role", [MENTOR, MENTEE])
@pytest.mark.parametrize(("code", "params"), UNMATCHED)
def test_unmatched_sentences_say_what_the_reference_says(babel_app, role, code, params):
    reference = explain_unmatched_en(Unmatched(id=1, role=role, code=code, params=params), them="Hans")
    assert wording.unmatched_sentence(code, role, params, name="Hans") == reference


def test_unmatched_sentences_name_organisations_and_people(babel_app):
    text = wording.unmatched_sentence("excluded_organisations", MENTEE, {"organisation_ids": [4, 5]}, name="Hans",
                                      organisations={4: "Acme", 5: "Globex"})
    assert text == ("Every mentor who shares a language with Hans is from an organisation excluded from pairing "
                    "with theirs (Acme and Globex).")
    text = wording.unmatched_sentence("never_together", MENTOR, {"ids": [7, 8, 9]}, name="Lea",
                                      people={7: "Ann", 8: "Bob", 9: "Cem"})
    assert text == "The board keeps Lea apart from every remaining mentee (Ann, Bob and Cem)."
    assert "no mentor of another organisation shares a language with her".lower() in wording.unmatched_sentence(
        "no_shared_language", MENTEE, {}, name="her").lower()


def test_the_workbench_reasons(babel_app):
    assert "undone" in wording.unmatched_sentence(wording.UNPAIRED, MENTEE, {}, name="Hans")
    assert "not part of this run" in wording.unmatched_sentence(wording.NOT_IN_RUN, MENTOR, {}, name="Lea")
    assert "Hans" in wording.unmatched_sentence("a code from the future", MENTEE, {}, name="Hans")


def test_quality_words():
    assert [wording.quality(v) for v in (0, 0.2, 0.3399, 0.34, 0.5, 0.6699, 0.67, 1)] == [
        "poor", "poor", "poor", "fair", "fair", "fair", "good", "good"]


def test_labels_and_rules(babel_app):
    assert [wording.criterion_label(name) for name in CRITERIA] == ["Topics", "Meeting format", "Weekdays",
                                                                    "Career gap"]
    assert wording.quality_label(0.1) == "poor" and wording.quality_label(0.9) == "good"
    for rule in ("same_organisation", "no_shared_language", "excluded_organisations", "earlier_pair",
                 "never_together"):
        sentence = wording.rule_sentence(rule, mentor="Lea", mentee="Hans")
        assert "Lea" in sentence and "Hans" in sentence
    assert wording.join([]) == "" and wording.join(["a"]) == "a" and wording.join(["a", "b", "c"]) == "a, b and c"


def test_poor_criteria_only_count_weighed_ones():
    explanation = {"topics": {"value": 0.1, "weight": 0.4, "code": "none_offered", "params": {}},
                   "format": {"value": 0.0, "weight": 0.0, "code": "in_person_vs_remote", "params": {}},
                   "weekdays": {"value": 0.5, "weight": 0.3, "code": "unknown", "params": {}},
                   "career_gap": {"value": 1.0, "weight": 0.3, "code": "clear_gap", "params": {}}}
    assert wording.poor_criteria(explanation) == ["topics"]


def test_topic_labels_in_the_readers_language():
    topic = Topic(id=10, slug="ai", label_en="AI", label_de="KI", label_fr="IA", label_it="Intelligenza artificiale")
    assert wording.topic_labels([topic], "de") == {10: "KI"}
    assert wording.topic_labels([topic], "fr") == {10: "IA"}
    assert wording.topic_labels([topic], "it") == {10: "Intelligenza artificiale"}
    assert wording.topic_labels([topic], "en") == {10: "AI"}


@pytest.mark.parametrize("language", ["de", "fr", "it", "en"])
def test_every_sentence_renders_in_every_language(app, language):
    with app.test_request_context(), force_locale(language):
        for mentor, mentee in itertools.product(MENTORS, MENTEES):
            for line in wording.explain(evaluate_pair(mentor, mentee, Rules()).explanation(), LABELS,
                                        mentor="A", mentee="B"):
                assert line.sentence and line.label and line.quality_label
        for role, (code, params) in itertools.product((MENTOR, MENTEE), UNMATCHED):
            assert wording.unmatched_sentence(code, role, params, name="A")


def test_explanations_in_another_format_give_no_sentences_rather_than_an_error():
    """Data written before the engine (free text per criterion) or no explanation at all."""
    from tandem.platform.matching import explanation_topic_ids, stored_criteria

    old = {"topics": "2 of 3 wished topics offered", "format": "In person in Bern"}
    assert stored_criteria(old) == {} and stored_criteria(None) == {} and stored_criteria("text") == {}
    assert explanation_topic_ids(old) == set() and explanation_topic_ids(None, "shared") == set()
    assert wording.explain(old, {}, mentor="Lea", mentee="Ben") == []
    mixed = {"topics": "free text", "weekdays": {"value": 1.0, "weight": 0.15, "code": "shared",
                                                 "params": {"days": ["tue"]}}}
    assert [line.name for line in wording.explain(mixed, {}, mentor="Lea", mentee="Ben")] == ["weekdays"]
