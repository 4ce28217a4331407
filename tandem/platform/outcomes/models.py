"""Outcomes: the cohort's surveys, their answers kept apart from the people who gave them, and the mentees'
learnings for their organisations.

- `Survey`: one of a cohort's two surveys (`midpoint` at half the programme, `final` at closing), the dates it
  is open (in the club's zone, both days included), when it was opened (its invitations sent) and closed.
- `SurveyQuestion`: a question of one survey, for mentors, mentees or both: a scale (`scale_min`..`scale_max`),
  a single or multiple choice (`options`), or a text. The default questionnaire's questions carry a `key`
  (the same key in every cohort, so that reports can compare cohorts); the board's own have none. Questions
  are added, changed and removed only while the survey is not open.
- `SurveyInvitation` (tenant-owned, by the invitee's organisation): who was asked, reminded, and has answered.
  This is all the board sees of a person: that they answered, never what.
- `SurveyResponse`: one person's answers to one survey, with only what reports group by (role,
  organisation). Its id is random (no order to line up with the invitations' times) and it holds no time. The
  link to its author is `respondent_key`, an HMAC of the survey and participation under the server's secret,
  so that the person can find and change their answers while the survey is open; closing the survey clears
  it, and from then on nothing leads from an answer to a person.
- `SurveyAnswer`: the answer to one question (keyed by response and question, no serial id). A text answer
  appears in reports only when `share_text` is set, and never with a name.
- `SurveyLearning`: at the final survey, up to three things a mentee's organisation should take up;
  shown to that organisation's admins (without a name) only when the response's `share_learnings` is set.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned

MAX_QUESTION = 500        # a question's text, per language
MAX_OPTION = 200          # one choice's text, per language
MAX_OPTIONS = 12          # choices of one question
MAX_SCALE_POINTS = 11     # e.g. 0..10
MAX_ANSWER_TEXT = 4000    # a text answer
MAX_LEARNING = 500        # one learning
MAX_LEARNINGS = 3
MAX_QUESTIONS = 40        # questions of one survey
RESPONSE_ID_BYTES = 16    # the response's random id: 32 hex digits


class SurveyKind(StrEnum):
    MIDPOINT = "midpoint"
    FINAL = "final"


class QuestionKind(StrEnum):
    SCALE = "scale"
    SINGLE = "single"        # one of the options
    MULTIPLE = "multiple"    # any of the options
    TEXT = "text"


class QuestionAudience(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    BOTH = "both"


class Survey(Base):
    __tablename__ = "surveys"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "kind"),
        sa.CheckConstraint(sql_in("kind", tuple(SurveyKind)), name="kind"),
        sa.CheckConstraint("opens_on <= closes_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    opens_on: Mapped[date]
    closes_on: Mapped[date]  # the last day answers are taken (club zone)
    opened_at: Mapped[datetime | None]  # its invitations were sent: questions are fixed from then on
    closed_at: Mapped[datetime | None]  # the respondent keys were cleared
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyQuestion(Base):
    __tablename__ = "survey_questions"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "position"),
        sa.CheckConstraint(sql_in("kind", tuple(QuestionKind)), name="kind"),
        sa.CheckConstraint(sql_in("audience", tuple(QuestionAudience)), name="audience"),
        sa.CheckConstraint(
            f"kind <> 'scale' OR (scale_min IS NOT NULL AND scale_max IS NOT NULL AND scale_min < scale_max "
            f"AND scale_max - scale_min < {MAX_SCALE_POINTS})", name="scale"),
        sa.CheckConstraint("position >= 1", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    key: Mapped[str | None] = mapped_column(sa.String(40))  # the default questionnaire's; None: the board's
    audience: Mapped[str] = mapped_column(sa.String(10))
    kind: Mapped[str] = mapped_column(sa.String(10))
    text_de: Mapped[str | None] = mapped_column(sa.String(MAX_QUESTION))
    text_fr: Mapped[str | None] = mapped_column(sa.String(MAX_QUESTION))
    text_it: Mapped[str | None] = mapped_column(sa.String(MAX_QUESTION))
    text_en: Mapped[str | None] = mapped_column(sa.String(MAX_QUESTION))
    scale_min: Mapped[int | None]
    scale_max: Mapped[int | None]
    # {"de": ["not at all", "completely"], ...}: the words at both ends of a scale, per language.
    scale_labels: Mapped[dict[str, list[str]] | None] = mapped_column(sa.JSON)
    # [{"de": ..., "fr": ..., "en": ...}, ...]: the choices of a single or multiple choice, in order.
    options: Mapped[list[dict[str, str]] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def text(self, language: str) -> str:
        """The question in `language`, else the first language it was written in."""
        texts = {"de": self.text_de, "fr": self.text_fr, "it": self.text_it, "en": self.text_en}
        return texts.get(language) or next((value for value in texts.values() if value), "")

    def text_language(self, language: str) -> str:
        """The language `text` answers in (a page marks the question with it when it is not the page's)."""
        texts = {"de": self.text_de, "fr": self.text_fr, "it": self.text_it, "en": self.text_en}
        return language if texts.get(language) else next((code for code, value in texts.items() if value), language)

    def option_texts(self, language: str) -> list[str]:
        return [option.get(language) or next((v for v in option.values() if v), "") for option in self.options or []]

    def option_languages(self, language: str) -> list[str]:
        """The language of each of `option_texts`."""
        return [language if option.get(language) else next((code for code, v in option.items() if v), language)
                for option in self.options or []]

    def end_labels(self, language: str) -> list[str]:
        labels: dict[str, Any] = self.scale_labels or {}
        return list(labels.get(language) or next((v for v in labels.values() if v), []))


class SurveyInvitation(TenantOwned, Base):
    __tablename__ = "survey_invitations"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "participation_id"),
        sa.ForeignKeyConstraint(["participation_id"], ["participations.id"],
                                name="fk_survey_invitations_participation", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    participation_id: Mapped[int] = mapped_column(index=True)
    invited_at: Mapped[datetime | None]   # the invitation mail was queued
    reminded_at: Mapped[datetime | None]  # the one reminder was queued
    answered_at: Mapped[datetime | None]  # first saved answers
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (
        sa.CheckConstraint("role IN ('mentor', 'mentee')", name="role"),
        sa.Index("ix_survey_responses_survey_organisation", "survey_id", "organisation_id"),
    )

    id: Mapped[str] = mapped_column(sa.String(2 * RESPONSE_ID_BYTES), primary_key=True)  # random
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(10))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    respondent_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # cleared at closing
    share_learnings: Mapped[bool] = mapped_column(default=False)


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (sa.Index("ix_survey_answers_question", "question_id"),)

    response_id: Mapped[str] = mapped_column(sa.ForeignKey("survey_responses.id", ondelete="CASCADE"),
                                             primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_questions.id", ondelete="CASCADE"),
                                             primary_key=True)
    scale_value: Mapped[int | None]
    choices: Mapped[list[int] | None] = mapped_column(sa.JSON)  # positions (0-based) of the options chosen
    text: Mapped[str | None] = mapped_column(sa.Text)
    share_text: Mapped[bool] = mapped_column(default=False)


class SurveyLearning(Base):
    __tablename__ = "survey_learnings"
    __table_args__ = (sa.CheckConstraint(f"position BETWEEN 1 AND {MAX_LEARNINGS}", name="position"),)

    response_id: Mapped[str] = mapped_column(sa.ForeignKey("survey_responses.id", ondelete="CASCADE"),
                                             primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(MAX_LEARNING))
