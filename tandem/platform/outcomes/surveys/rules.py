"""The surveys' rules, pure (no database, no Flask request): a survey's state on a day, whether a question is
well formed, whether a survey's dates are, and whether an answer fits its question. The operations refuse with
these problems beside their fields; the pages show the same words.

Problems are keyed by field name: a question's form (`text_de`, `options_en`, `scale_min`, ...), the dates'
form (`opens_on`, `closes_on`), the answers' form (`q<question id>`, `learning_<n>`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from flask_babel import format_number

from tandem.platform.config import LANGUAGES
from tandem.platform.forms import input_problem
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.outcomes.models import (
    MAX_ANSWER_TEXT,
    MAX_LEARNING,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_QUESTION,
    MAX_SCALE_POINTS,
    QuestionAudience,
    QuestionKind,
)

SCALE_LIMIT = 1000  # the ends of a scale lie within -1000..1000


class SurveyState(StrEnum):
    SCHEDULED = "scheduled"  # not opened yet: dates and questions may change
    OPEN = "open"            # invitations sent, answers taken until the closing day (included)
    CLOSED = "closed"        # past its closing day, or closed (its answers no longer linked to anyone)


class HasSurveyDates(Protocol):
    @property
    def opens_on(self) -> date: ...
    @property
    def closes_on(self) -> date: ...
    @property
    def opened_at(self) -> object: ...
    @property
    def closed_at(self) -> object: ...


def survey_state(survey: HasSurveyDates, today: date) -> SurveyState:
    """A survey that was never opened stays scheduled (the job opens it on its day); an opened one is open
    until its closing day has passed."""
    if survey.closed_at is not None:
        return SurveyState.CLOSED
    if survey.opened_at is None:
        return SurveyState.SCHEDULED
    return SurveyState.OPEN if today <= survey.closes_on else SurveyState.CLOSED


def takes_answers(survey: HasSurveyDates, today: date) -> bool:
    return survey_state(survey, today) == SurveyState.OPEN


def text_problem(value: str, limit: int, *, multiline: bool) -> object | None:
    """A text's problem: control characters, or longer than `limit` (with its length)."""
    if input_problem(value, multiline=multiline) is not None:
        return _l("Please remove the control characters (invisible characters such as NUL) from this text.")
    if len(value) > limit:
        limit_text, length_text = format_number(limit), format_number(len(value))  # as the reader writes numbers
        return _l("At most %(max)s characters, please: this text has %(num)s.", max=limit_text, num=length_text)
    return None


# ----------------------------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class QuestionDraft:
    """A question as the board writes it: its texts per language, and per language the lines of its options
    (a single or multiple choice) or of the words at both ends of its scale (none, or two lines)."""

    audience: str
    kind: str
    texts: dict[str, str] = field(default_factory=dict)
    option_lines: dict[str, list[str]] = field(default_factory=dict)
    scale_min: int | None = None
    scale_max: int | None = None

    def text(self, language: str) -> str:
        return (self.texts.get(language) or "").strip()

    def lines(self, language: str) -> list[str]:
        return [line.strip() for line in self.option_lines.get(language, []) if line.strip()]

    def options(self) -> list[dict[str, str]]:
        """The options as stored: one dict per option with the languages given."""
        given = {language: self.lines(language) for language in LANGUAGES if self.lines(language)}
        count = max((len(lines) for lines in given.values()), default=0)
        return [{language: lines[i] for language, lines in given.items() if i < len(lines)} for i in range(count)]

    def scale_labels(self) -> dict[str, list[str]] | None:
        given = {language: self.lines(language) for language in LANGUAGES if self.lines(language)}
        return given or None


def question_problems(draft: QuestionDraft) -> dict[str, object]:
    """What is wrong with a question: no text in any language, a text too long, a choice with fewer than two or
    more than MAX_OPTIONS options or a different number of options per language, a scale of one point or more
    than MAX_SCALE_POINTS, end labels other than two lines."""
    problems: dict[str, object] = {}
    if draft.audience not in tuple(QuestionAudience):
        problems["audience"] = _l("Choose who is asked.")
    if draft.kind not in tuple(QuestionKind):
        problems["kind"] = _l("Choose the kind of question.")
    for language in LANGUAGES:
        problem = text_problem(draft.text(language), MAX_QUESTION, multiline=False)
        if problem is not None:
            problems[f"text_{language}"] = problem
    if not any(draft.text(language) for language in LANGUAGES):
        problems[f"text_{LANGUAGES[0]}"] = _l("Write the question in at least one language.")
    for language in LANGUAGES:
        for line in draft.lines(language):
            problem = text_problem(line, MAX_OPTION, multiline=False)
            if problem is not None:
                problems[f"options_{language}"] = problem
                break
    given = {language: draft.lines(language) for language in LANGUAGES if draft.lines(language)}
    if draft.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        first = f"options_{LANGUAGES[0]}"
        if not given:
            problems[first] = _l("Give at least two options, one a line.")
        for language, lines in given.items():
            if len(lines) < 2:
                problems[f"options_{language}"] = _l("Give at least two options, one a line.")
            elif len(lines) > MAX_OPTIONS:
                problems[f"options_{language}"] = _l("At most %(max)d options.", max=MAX_OPTIONS)
        counts = {len(lines) for lines in given.values()}
        if len(counts) > 1:
            for language in given:
                problems.setdefault(f"options_{language}", _l(
                    "Give the same number of options in every language you write (one a line, in the same order)."))
    elif draft.kind == QuestionKind.SCALE:
        low, high = draft.scale_min, draft.scale_max
        if low is None:
            problems["scale_min"] = _l("Give the lowest point of the scale.")
        if high is None:
            problems["scale_max"] = _l("Give the highest point of the scale.")
        if low is not None and not -SCALE_LIMIT <= low <= SCALE_LIMIT:
            problems["scale_min"] = _l("Between -1000 and 1000.")
        if high is not None and not -SCALE_LIMIT <= high <= SCALE_LIMIT:
            problems["scale_max"] = _l("Between -1000 and 1000.")
        if low is not None and high is not None and "scale_min" not in problems and "scale_max" not in problems:
            if high <= low:
                problems["scale_max"] = _l("A scale needs at least two points: the highest point must be above "
                                           "the lowest.")
            elif high - low + 1 > MAX_SCALE_POINTS:
                problems["scale_max"] = _l("At most %(max)d points (for example 0 to 10).", max=MAX_SCALE_POINTS)
        for language, lines in given.items():
            if len(lines) != 2:
                problems.setdefault(f"options_{language}", _l(
                    "For a scale, leave this empty or write two lines: the words at its lowest and highest point."))
    return problems


# --------------------------------------------------------------------------------------------------- dates


def dates_problems(opens_on: date | None, closes_on: date | None, today: date) -> dict[str, object]:
    problems: dict[str, object] = {}
    if opens_on is None:
        problems["opens_on"] = _l("Enter the day the survey opens.")
    if closes_on is None:
        problems["closes_on"] = _l("Enter the last day answers are taken.")
    if opens_on is not None and closes_on is not None:
        if closes_on < opens_on:
            problems["closes_on"] = _l("The survey cannot close before it opens.")
        elif closes_on < today:
            problems["closes_on"] = _l("This day has passed: the survey would never be answered.")
    return problems


# -------------------------------------------------------------------------------------------------- answers


class AnswerableQuestion(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def scale_min(self) -> int | None: ...
    @property
    def scale_max(self) -> int | None: ...
    @property
    def options(self) -> list[dict[str, str]] | None: ...


def asks(audience: str, role: str) -> bool:
    return audience in (role, QuestionAudience.BOTH)


def answer_problem(question: AnswerableQuestion, scale_value: int | None, choices: tuple[int, ...] | None,
                   text: str | None) -> object | None:
    """Whether an answer fits its question: a value on the scale, options that exist (one for a single
    choice), a text within MAX_ANSWER_TEXT; only the part that belongs to the question's kind."""
    option_count = len(question.options or [])
    if question.kind == QuestionKind.SCALE:
        if choices or text:
            return _l("This question takes a point on the scale.")
        if scale_value is not None and not (
                question.scale_min is not None and question.scale_max is not None
                and question.scale_min <= scale_value <= question.scale_max):
            return _l("Choose a point on the scale from %(low)s to %(high)s.", low=question.scale_min,
                      high=question.scale_max)
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if scale_value is not None or text:
            return _l("This question takes one of its options.")
        chosen = tuple(choices or ())
        if any(not 0 <= choice < option_count for choice in chosen) or len(set(chosen)) != len(chosen):
            return _l("Choose among the options shown.")
        if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
            return _l("Choose one option.")
    else:
        if scale_value is not None or choices:
            return _l("This question takes a text.")
        if text is not None:
            return text_problem(text, MAX_ANSWER_TEXT, multiline=True)
    return None


def learning_problem(text: str) -> object | None:
    return text_problem(text, MAX_LEARNING, multiline=True)
