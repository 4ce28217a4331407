"""When a story may be public: the rules in one place, pure, and their read for many stories at once.

A story is *ready* when both partners confirmed its current version and, for each partner whose organisation
asks to approve its people's stories, that organisation approved the same version. It is *on the showcase*
when it is ready, the board chose it, and the cohort's showcase is published (or archived). What of each
person is shown is their consent's business (`StoryConsent`), never decided here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.cohorts.models import Participation
from tandem.platform.identity.models import User
from tandem.platform.showcase.models import ReviewDecision, Story, StoryReview
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair
from tandem.tenants.models import Organisation


@dataclass(frozen=True)
class Review:
    organisation_id: int
    story_version: int
    decision: str


@dataclass(frozen=True)
class StoryState:
    """What readiness needs of one story."""

    story_id: int
    version: int
    mentor_confirmed_version: int | None
    mentee_confirmed_version: int | None
    approving_organisations: frozenset[int]  # the partners' organisations that approve their people's stories
    reviews: tuple[Review, ...] = ()

    @property
    def confirmed_by_both(self) -> bool:
        return self.mentor_confirmed_version == self.version and self.mentee_confirmed_version == self.version

    def approved_by(self, organisation_id: int) -> bool:
        return any(r.organisation_id == organisation_id and r.story_version == self.version
                   and r.decision == ReviewDecision.APPROVED for r in self.reviews)

    def sent_back_by(self, organisation_id: int) -> Review | None:
        return next((r for r in self.reviews if r.organisation_id == organisation_id
                     and r.story_version == self.version and r.decision == ReviewDecision.SENT_BACK), None)

    @property
    def awaiting_organisations(self) -> frozenset[int]:
        """The organisations whose approval of the current version is still missing."""
        return frozenset(o for o in self.approving_organisations if not self.approved_by(o))

    @property
    def ready(self) -> bool:
        return self.confirmed_by_both and not self.awaiting_organisations


def story_states(session: Session, story_ids: Iterable[int] | None = None, *,
                 cohort_id: int | None = None) -> dict[int, StoryState]:
    """The readiness facts of the given stories (or of every story of a cohort): two queries."""
    mentor_part, mentee_part = aliased(Participation), aliased(Participation)
    mentor_user, mentee_user = aliased(User), aliased(User)
    mentor_org, mentee_org = aliased(Organisation), aliased(Organisation)
    query = (
        sa.select(Story.id, Story.version, Story.mentor_confirmed_version, Story.mentee_confirmed_version,
                  mentor_org.id, mentor_org.stories_need_approval, mentee_org.id, mentee_org.stories_need_approval)
        .join(Pair, Pair.id == Story.pair_id)
        .join(mentor_part, mentor_part.id == Pair.mentor_participation_id)
        .join(mentee_part, mentee_part.id == Pair.mentee_participation_id)
        .join(mentor_user, mentor_user.id == mentor_part.user_id)
        .join(mentee_user, mentee_user.id == mentee_part.user_id)
        .join(mentor_org, mentor_org.id == mentor_user.organisation_id)
        .join(mentee_org, mentee_org.id == mentee_user.organisation_id)
    )
    if story_ids is not None:
        wanted = list(story_ids)
        if not wanted:
            return {}
        query = query.where(Story.id.in_(wanted))
    if cohort_id is not None:
        query = query.where(Story.cohort_id == cohort_id)
    with club_scope(session):
        rows = session.execute(query).all()
        if not rows:
            return {}
        reviews: dict[int, list[Review]] = {}
        for story_id, organisation_id, version, decision in session.execute(
                sa.select(StoryReview.story_id, StoryReview.organisation_id, StoryReview.story_version,
                          StoryReview.decision)
                .where(StoryReview.story_id.in_([row[0] for row in rows]))):
            reviews.setdefault(story_id, []).append(Review(organisation_id, version, decision))
    states = {}
    for story_id, version, mentor_confirmed, mentee_confirmed, mentor_org_id, mentor_approves, mentee_org_id, \
            mentee_approves in rows:
        approving = frozenset(org for org, approves in ((mentor_org_id, mentor_approves),
                                                        (mentee_org_id, mentee_approves)) if approves)
        states[story_id] = StoryState(story_id, version, mentor_confirmed, mentee_confirmed, approving,
                                      tuple(reviews.get(story_id, ())))
    return states


def publishable_count(session: Session, cohort_id: int) -> int:
    """How many of the cohort's stories the board chose and are ready (the showcase needs one)."""
    with club_scope(session):
        chosen = session.scalars(sa.select(Story.id).where(Story.cohort_id == cohort_id, Story.chosen)).all()
    return sum(1 for state in story_states(session, chosen).values() if state.ready)
