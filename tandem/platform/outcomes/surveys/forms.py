"""The surveys' forms: the board's dates and questions, the person's answers (a form class built for the
questions they are asked). Every field refuses control characters first (`TandemForm`); the rules of a
question and of an answer are the operations' (rules.py), shown beside the same fields."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from wtforms import BooleanField, Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import Optional, StopValidation

from tandem.platform.cohorts.forms import CheckboxesField, DateInputField, OptionalWholeNumberField
from tandem.platform.config import LANGUAGES
from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.outcomes.models import (
    MAX_ANSWER_TEXT,
    MAX_LEARNING,
    MAX_LEARNINGS,
    MAX_QUESTION,
    QuestionKind,
    SurveyQuestion,
)
from tandem.platform.outcomes.surveys.operations import AnswerInput
from tandem.platform.outcomes.surveys.rules import QuestionDraft, answer_problem, text_problem
from tandem.platform.outcomes.wording import AUDIENCE_LABELS, KIND_LABELS
from tandem.platform.participant.labels import LANGUAGE_LABELS


class ButtonForm(TandemForm):
    """A button that changes something (prepare the surveys, delete a question): only the CSRF token."""


class DatesForm(TandemForm):
    opens_on = DateInputField(_l("Opens on"), validators=[Optional()],
                              description=_l("The invitations go out on this day."))
    closes_on = DateInputField(_l("Closes on"), validators=[Optional()],
                               description=_l("The last day answers are taken."))


class QuestionForm(TandemForm):
    audience = SelectField(_l("Asked of"), choices=[SelectChoice(str(k), v) for k, v in AUDIENCE_LABELS.items()],
                           validate_choice=False)
    kind = SelectField(_l("Kind of question"), choices=[SelectChoice(str(k), v) for k, v in KIND_LABELS.items()],
                       validate_choice=False)
    text_de = StringField(_l("Question in German"), render_kw={"maxlength": MAX_QUESTION})
    text_fr = StringField(_l("Question in French"), render_kw={"maxlength": MAX_QUESTION})
    text_it = StringField(_l("Question in Italian"), render_kw={"maxlength": MAX_QUESTION})
    text_en = StringField(_l("Question in English"), render_kw={"maxlength": MAX_QUESTION})
    options_de = TextAreaField(_l("Options in German"), render_kw={"rows": 4})
    options_fr = TextAreaField(_l("Options in French"), render_kw={"rows": 4})
    options_it = TextAreaField(_l("Options in Italian"), render_kw={"rows": 4})
    options_en = TextAreaField(_l("Options in English"), render_kw={"rows": 4})
    scale_min = OptionalWholeNumberField(_l("Lowest point of the scale"), validators=[Optional()])
    scale_max = OptionalWholeNumberField(_l("Highest point of the scale"), validators=[Optional()])

    def draft(self) -> QuestionDraft:
        return QuestionDraft(
            audience=self.audience.data or "", kind=self.kind.data or "",
            texts={language: self[f"text_{language}"].data or "" for language in LANGUAGES},
            option_lines={language: (self[f"options_{language}"].data or "").splitlines() for language in LANGUAGES},
            scale_min=self.scale_min.data, scale_max=self.scale_max.data)

    @staticmethod
    def values_of(question: SurveyQuestion) -> dict[str, Any]:
        data: dict[str, Any] = {"audience": question.audience, "kind": question.kind,
                                "scale_min": question.scale_min, "scale_max": question.scale_max}
        for language in LANGUAGES:
            data[f"text_{language}"] = getattr(question, f"text_{language}") or ""
            if question.kind == QuestionKind.SCALE:
                lines = (question.scale_labels or {}).get(language) or []
            else:
                lines = [option.get(language, "") for option in question.options or [] if option.get(language)]
            data[f"options_{language}"] = "\n".join(lines)
        return data


OPTIONS_HINT = _l("For a choice: one option a line, in the same order in every language. For a scale: leave empty, "
                  "or two lines with the words at its lowest and highest point.")
LANGUAGE_NAMES = LANGUAGE_LABELS


# ---------------------------------------------------------------------------------------------- the answers


def _text_validator(limit: int) -> Any:
    def check(form: Any, field: Field) -> None:
        problem = text_problem(field.data or "", limit, multiline=True)
        if problem is not None:
            raise StopValidation(str(problem))
    return check


class AnswerForm(TandemForm):
    """The answers to one survey; its fields are added for the questions asked (`answer_form_class`):
    `q<id>` (a radio group, checkboxes or a text), `q<id>_share` beside each text, and at the final survey
    for mentees `learning_1..3` with `share_learnings`."""

    question_ids: tuple[int, ...] = ()
    with_learnings: bool = False

    def answers(self) -> dict[int, AnswerInput]:
        """The answers as the operations take them; a radio value that is no number is handed on as a point
        outside every scale, so that the operation refuses it beside the question."""
        result: dict[int, AnswerInput] = {}
        for question_id in self.question_ids:
            field = self[f"q{question_id}"]
            if isinstance(field, RadioField):
                raw = field.data
                if raw in (None, "", "None"):
                    result[question_id] = AnswerInput()
                    continue
                if isinstance(field, _ScaleField):
                    text = str(raw).strip()
                    number = int(text) if text.lstrip("-").isdigit() and len(text) < 8 else 10**9
                    result[question_id] = AnswerInput(scale_value=number)
                else:
                    result[question_id] = AnswerInput(choices=(_position(raw),))
            elif isinstance(field, CheckboxesField):
                result[question_id] = AnswerInput(choices=tuple(_position(value) for value in field.data or ()))
            else:
                share = self[f"q{question_id}_share"]
                result[question_id] = AnswerInput(text=field.data or "", share_text=bool(share.data))
        return result

    def check_answers(self, questions: list[SurveyQuestion]) -> bool:
        """The operation's rules for each answer (a point outside the scale, an option that does not exist),
        beside their question, so that a page shows every problem at once. Whether all answers fit."""
        answers = self.answers()
        fits = True
        for question in questions:
            field = self[f"q{question.id}"]
            answer = answers.get(question.id)
            if answer is None or field.errors:
                fits = fits and not field.errors
                continue
            problem = answer_problem(question, answer.scale_value, answer.choices,
                                     None if question.kind == QuestionKind.TEXT else answer.text)
            if problem is not None:
                field.errors = [*field.errors, str(problem)]
                fits = False
        return fits

    def learnings(self) -> list[str]:
        if not self.with_learnings:
            return []
        return [self[f"learning_{n}"].data or "" for n in range(1, MAX_LEARNINGS + 1)]

    def share_learnings_chosen(self) -> bool:
        return bool(self.with_learnings and self["share_learnings"].data)


def _position(value: object) -> int:
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 8 else -1


class _ScaleField(RadioField):
    pass


class _ChoiceField(RadioField):
    pass


def in_language(text: str, text_language: str, language: str) -> str:
    """`text`, marked with its language when it is not the page's (a question the board did not write in the
    reader's language is shown in another one): labels are shown as element content, never in an attribute."""
    if text_language == language:
        return text
    return Markup('<span lang="{}">{}</span>').format(text_language, text)


def _options(question: SurveyQuestion, language: str) -> list[SelectChoice]:
    return [SelectChoice(str(i), in_language(text, code, language)) for i, (text, code) in enumerate(
        zip(question.option_texts(language), question.option_languages(language), strict=True))]


def answer_form_class(questions: list[SurveyQuestion], language: str, with_learnings: bool) -> type[AnswerForm]:
    """A form class for these questions, labelled in `language` (or marked with the language they are in)."""
    attrs: dict[str, Any] = {"question_ids": tuple(q.id for q in questions), "with_learnings": with_learnings}
    for question in questions:
        label = in_language(question.text(language), question.text_language(language), language)
        if question.kind == QuestionKind.SCALE:
            low, high = question.scale_min or 0, question.scale_max or 0
            points = [SelectChoice(str(v), str(v)) for v in range(low, high + 1)]
            attrs[f"q{question.id}"] = _ScaleField(label, choices=points, validate_choice=False,
                                                   validators=[Optional()])
        elif question.kind == QuestionKind.SINGLE:
            attrs[f"q{question.id}"] = _ChoiceField(label, choices=_options(question, language),
                                                    validate_choice=False, validators=[Optional()])
        elif question.kind == QuestionKind.MULTIPLE:
            attrs[f"q{question.id}"] = CheckboxesField(label, choices=_options(question, language),
                                                       validate_choice=False)
        else:
            attrs[f"q{question.id}"] = TextAreaField(label, validators=[_text_validator(MAX_ANSWER_TEXT)],
                                                     render_kw={"rows": 5})
            attrs[f"q{question.id}_share"] = BooleanField(
                _l("This answer may appear in reports without my name"),
                description=_l("Without this, your answer is read by nobody but you; figures never show it."))
    if with_learnings:
        for n in range(1, MAX_LEARNINGS + 1):
            attrs[f"learning_{n}"] = TextAreaField(_l("Learning %(num)d", num=n),
                                                   validators=[_text_validator(MAX_LEARNING)],
                                                   render_kw={"rows": 2, "maxlength": MAX_LEARNING})
        attrs["share_learnings"] = BooleanField(_l("Share my learnings with my organisation's admins (without my "
                                                   "name)"))
    return type("QuestionsForm", (AnswerForm,), attrs)


def answer_form_data(questions: list[SurveyQuestion], saved: Any) -> dict[str, Any]:
    """The form's values from the person's saved answers (`queries.SavedAnswers`)."""
    data: dict[str, Any] = {}
    for question in questions:
        answer = saved.answers.get(question.id)
        if answer is None:
            continue
        if question.kind == QuestionKind.SCALE:
            data[f"q{question.id}"] = str(answer.scale_value) if answer.scale_value is not None else None
        elif question.kind == QuestionKind.SINGLE:
            data[f"q{question.id}"] = str(answer.choices[0]) if answer.choices else None
        elif question.kind == QuestionKind.MULTIPLE:
            data[f"q{question.id}"] = [str(choice) for choice in answer.choices or []]
        else:
            data[f"q{question.id}"] = answer.text or ""
            data[f"q{question.id}_share"] = answer.share_text
    for n, text in enumerate(saved.learnings, start=1):
        data[f"learning_{n}"] = text
    data["share_learnings"] = saved.share_learnings
    return data
