"""The surveys' pure rules: the default questionnaire, the default dates, a survey's state, a question's and an
answer's problems."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from tandem.platform.config import LANGUAGES
from tandem.platform.outcomes.models import MAX_OPTIONS
from tandem.platform.outcomes.surveys.defaults import DEFAULT_KEYS, DEFAULT_QUESTIONS, default_dates
from tandem.platform.outcomes.surveys.rules import (
    QuestionDraft,
    SurveyState,
    answer_problem,
    dates_problems,
    question_problems,
    survey_state,
)


def test_the_default_questionnaire_is_per_role_with_stable_keys_in_every_language():
    assert DEFAULT_KEYS == ("mentee_goals", "mentee_useful", "mentee_changed", "mentee_recommend", "mentee_open",
                            "mentor_goals", "mentor_useful", "mentor_gained", "mentor_recommend", "mentor_open")
    for question in DEFAULT_QUESTIONS:
        assert question.audience == question.key.split("_")[0]
        assert set(question.texts) == set(LANGUAGES) and all(question.texts.values())
        assert set(question.scale_labels or LANGUAGES) == set(LANGUAGES)
        draft = QuestionDraft(question.audience, question.kind, question.texts,
                              {lang: [o[lang] for o in question.options] for lang in LANGUAGES}
                              if question.options else dict(question.scale_labels or {}),
                              *(question.scale or (None, None)))
        assert question_problems(draft) == {}, question.key
    gained = next(q for q in DEFAULT_QUESTIONS if q.key == "mentor_gained")
    assert gained.kind == "multiple" and len(gained.options) == 5
    assert all(set(option) == set(LANGUAGES) for option in gained.options)
    recommend = next(q for q in DEFAULT_QUESTIONS if q.key == "mentee_recommend")
    assert recommend.scale == (0, 10) and recommend.scale_labels["en"] == ["very unlikely", "very likely"]


def test_default_dates():
    kickoff, closing = date(2027, 3, 1), date(2027, 8, 30)
    assert default_dates("midpoint", kickoff, closing, None) == (date(2027, 5, 31), date(2027, 6, 21))
    # The final survey closes the day before the symposium when that day is a week or more after closing...
    assert default_dates("final", kickoff, closing, date(2027, 9, 16)) == (closing, date(2027, 9, 15))
    assert default_dates("final", kickoff, closing, date(2027, 9, 7)) == (closing, date(2027, 9, 6))
    # ... else 21 days after closing (a symposium too soon, or none).
    assert default_dates("final", kickoff, closing, date(2027, 9, 6)) == (closing, date(2027, 9, 20))
    assert default_dates("final", kickoff, closing, None) == (closing, date(2027, 9, 20))


@dataclass
class FakeSurvey:
    opens_on: date = date(2027, 5, 31)
    closes_on: date = date(2027, 6, 21)
    opened_at: datetime | None = None
    closed_at: datetime | None = None


def test_a_surveys_state():
    assert survey_state(FakeSurvey(), date(2027, 6, 1)) == SurveyState.SCHEDULED  # the job has not opened it
    opened = FakeSurvey(opened_at=datetime(2027, 5, 31, 5))
    assert survey_state(opened, date(2027, 6, 21)) == SurveyState.OPEN  # the last day included
    assert survey_state(opened, date(2027, 6, 22)) == SurveyState.CLOSED
    assert survey_state(FakeSurvey(opened_at=datetime(2027, 5, 31), closed_at=datetime(2027, 6, 1)),
                        date(2027, 6, 1)) == SurveyState.CLOSED


def test_dates_problems():
    today = date(2027, 5, 1)
    assert dates_problems(date(2027, 6, 1), date(2027, 6, 1), today) == {}
    assert set(dates_problems(None, None, today)) == {"opens_on", "closes_on"}
    assert set(dates_problems(date(2027, 6, 2), date(2027, 6, 1), today)) == {"closes_on"}
    assert set(dates_problems(date(2027, 4, 1), date(2027, 4, 30), today)) == {"closes_on"}  # past


@pytest.mark.parametrize(("draft", "fields"), [
    (QuestionDraft("both", "text"), {"text_de"}),
    (QuestionDraft("both", "text", {"en": "   "}), {"text_de"}),
    (QuestionDraft("nobody", "essay", {"en": "Q"}), {"audience", "kind"}),
    (QuestionDraft("both", "text", {"fr": "x" * 501}), {"text_fr"}),
    (QuestionDraft("both", "text", {"en": "a\x00b"}), {"text_en"}),
    (QuestionDraft("both", "single", {"en": "Q"}), {"options_de"}),
    (QuestionDraft("both", "single", {"en": "Q"}, {"en": ["one"]}), {"options_en"}),
    (QuestionDraft("both", "multiple", {"en": "Q"}, {"en": [str(i) for i in range(MAX_OPTIONS + 1)]}),
     {"options_en"}),
    (QuestionDraft("both", "multiple", {"en": "Q"}, {"en": ["a", "b"], "de": ["a", "b", "c"]}),
     {"options_en", "options_de"}),
    (QuestionDraft("both", "scale", {"en": "Q"}, {}, 3, 3), {"scale_max"}),
    (QuestionDraft("both", "scale", {"en": "Q"}, {}, 5, 1), {"scale_max"}),
    (QuestionDraft("both", "scale", {"en": "Q"}, {}, 0, 11), {"scale_max"}),
    (QuestionDraft("both", "scale", {"en": "Q"}, {}, None, None), {"scale_min", "scale_max"}),
    (QuestionDraft("both", "scale", {"en": "Q"}, {"en": ["low"]}, 1, 5), {"options_en"}),
    (QuestionDraft("both", "scale", {"en": "Q"}, {}, 0, 10), set()),
    (QuestionDraft("mentee", "single", {"en": "<b>Q</b>"}, {"en": ["a", "b"], "fr": ["a", "b"]}), set()),
])
def test_question_problems(draft, fields):
    assert set(question_problems(draft)) == fields


@dataclass
class FakeQuestion:
    kind: str
    scale_min: int | None = None
    scale_max: int | None = None
    options: list[dict[str, str]] | None = None
    id: int = 1


def test_answer_problems():
    scale = FakeQuestion("scale", 1, 5)
    assert answer_problem(scale, 1, None, None) is None and answer_problem(scale, 5, None, None) is None
    assert answer_problem(scale, None, None, None) is None  # unanswered
    assert answer_problem(scale, 0, None, None) is not None and answer_problem(scale, 6, None, None) is not None
    assert answer_problem(scale, None, (1,), None) is not None
    single = FakeQuestion("single", options=[{"en": "a"}, {"en": "b"}])
    assert answer_problem(single, None, (1,), None) is None
    assert answer_problem(single, None, (0, 1), None) is not None
    assert answer_problem(single, None, (2,), None) is not None and answer_problem(single, None, (-1,), None)
    multiple = FakeQuestion("multiple", options=[{"en": "a"}, {"en": "b"}])
    assert answer_problem(multiple, None, (0, 1), None) is None
    assert answer_problem(multiple, None, (1, 1), None) is not None
    text = FakeQuestion("text")
    assert answer_problem(text, None, None, "<script>fine, stored as text</script>") is None
    assert answer_problem(text, None, None, "x" * 4000) is None
    assert answer_problem(text, None, None, "x" * 100_000) is not None
    assert answer_problem(text, None, None, "line\nbreaks\tand tabs") is None
    assert answer_problem(text, None, None, "nul\x00") is not None
    assert answer_problem(text, 3, None, None) is not None
