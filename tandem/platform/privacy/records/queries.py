"""A person's consents, for /me/consents: taking part (per participation), the showcase (per story), the
reminder e-mails (one choice). Read in the person's own organisation's scope; the stories and their pairs are
club tables, reached through the person's own participations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Cohort, Participation
from tandem.platform.pairs.models import NudgePreference
from tandem.platform.showcase.models import Story, StoryConsent


@dataclass(frozen=True)
class TakingPart:
    participation_id: int
    cohort_name: str
    role: str
    status: str
    consent_at: datetime | None
    consent_version: str | None
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class ShowcaseConsent:
    pair_id: int
    cohort_name: str
    story_title: str
    story_version: int  # the version of the story the person read when choosing
    current_version: int
    show_name: bool
    show_organisation: bool
    show_photo: bool
    show_quote: bool
    decided_at: datetime
    chosen: bool  # False: the row exists because an admin wrote a description; the person has not chosen yet

    @property
    def withdrawn(self) -> bool:
        return not (self.show_name or self.show_organisation or self.show_photo or self.show_quote)


@dataclass(frozen=True)
class Consents:
    taking_part: list[TakingPart]
    showcase: list[ShowcaseConsent]
    weekly_digest: bool | None  # None: never chosen (reminders as they come)
    digest_chosen_at: datetime | None


def consents_of(session: Session, user_id: int) -> Consents:
    """Three queries."""
    taking_part = [TakingPart(*row) for row in session.execute(
        sa.select(Participation.id, Cohort.name, Participation.role, Participation.status, Participation.consent_at,
                  Participation.consent_version, Participation.withdrawn_at)
        .join(Cohort, Cohort.id == Participation.cohort_id)
        .where(Participation.user_id == user_id)
        .order_by(Participation.nominated_at.desc(), Participation.id.desc()))]
    showcase = [ShowcaseConsent(pair_id=row[0], cohort_name=row[1], story_title=row[2], story_version=row[3],
                                current_version=row[4], show_name=row[5], show_organisation=row[6],
                                show_photo=row[7], show_quote=row[8], decided_at=row[9],
                                chosen=row[10] is not None)
                for row in session.execute(
        sa.select(Story.pair_id, Cohort.name, Story.title, StoryConsent.story_version, Story.version,
                  StoryConsent.show_name, StoryConsent.show_organisation, StoryConsent.show_photo,
                  StoryConsent.show_quote, StoryConsent.decided_at, StoryConsent.decided_by_user_id)
        .join(Participation, Participation.id == StoryConsent.participation_id)
        .join(Story, Story.id == StoryConsent.story_id)
        .join(Cohort, Cohort.id == Story.cohort_id)
        .where(Participation.user_id == user_id)
        .order_by(StoryConsent.decided_at.desc(), StoryConsent.id.desc()))]
    preference = session.execute(
        sa.select(NudgePreference.weekly_digest, NudgePreference.updated_at)
        .where(NudgePreference.user_id == user_id)).first()
    return Consents(taking_part=taking_part, showcase=showcase,
                    weekly_digest=preference[0] if preference is not None else None,
                    digest_chosen_at=preference[1] if preference is not None else None)
