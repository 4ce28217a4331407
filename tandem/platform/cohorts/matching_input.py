"""What the matching engine gets for a cohort, read from the database in a fixed number of queries.

Club scope: matching is club-wide work (the board's run, the matching job). Only people who accepted
(status active) take part; locked pairs are those the board has locked in the run it is working on (the run
a new run is based on); "never together" are the board's separations in the cohort; earlier pairs are every
pair of another cohort, by person, so the same two people are never paired twice. A mentor's capacity is 1,
or 2 where the board allows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.board.models import OrganisationExclusion
from tandem.platform.cohorts.models import Participation, ParticipationRole, ParticipationStatus
from tandem.platform.matching import Candidate, Rules
from tandem.platform.participant.models import Profile, ProfileTopic
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingSeparation, Pair, PairStatus


@dataclass(frozen=True)
class MatchingInput:
    mentors: tuple[Candidate, ...]
    mentees: tuple[Candidate, ...]
    rules: Rules


def load_matching_input(session: Session, cohort_id: int, *, locked_from_run_id: int | None = None) -> MatchingInput:
    """Six queries (seven with a run's locked pairs), whatever the size of the cohort or the club.

    `locked_from_run_id`: the run whose locked pairs are kept (None: no locked pairs).
    """
    with club_scope(session):
        participations = session.scalars(
            sa.select(Participation).where(Participation.cohort_id == cohort_id,
                                           Participation.status == ParticipationStatus.ACTIVE)
            .order_by(Participation.id)
        ).all()
        in_cohort = sa.select(Participation.id).where(Participation.cohort_id == cohort_id).scalar_subquery()
        profiles = {p.participation_id: p for p in session.scalars(
            sa.select(Profile).where(Profile.participation_id.in_(in_cohort)))}
        topics: dict[int, dict[int, int | None]] = defaultdict(dict)
        for participation_id, topic_id, rank in session.execute(
            sa.select(ProfileTopic.participation_id, ProfileTopic.topic_id, ProfileTopic.rank)
            .where(ProfileTopic.participation_id.in_(in_cohort))
        ):
            topics[participation_id][topic_id] = rank
        exclusions = session.execute(
            sa.select(OrganisationExclusion.organisation_a_id, OrganisationExclusion.organisation_b_id)).all()
        mentor, mentee = aliased(Participation), aliased(Participation)
        earlier = session.execute(
            sa.select(mentor.user_id, mentee.user_id)
            .select_from(Pair)
            .join(mentor, mentor.id == Pair.mentor_participation_id)
            .join(mentee, mentee.id == Pair.mentee_participation_id)
            .where(Pair.cohort_id != cohort_id, Pair.status.in_((PairStatus.ACTIVE, PairStatus.ENDED)))
        ).all()
        locked_before = session.execute(
            sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id)
            .where(Pair.cohort_id == cohort_id, Pair.matching_run_id == locked_from_run_id,
                   Pair.status == PairStatus.LOCKED)
        ).all() if locked_from_run_id is not None else []
        # A lock with someone who no longer takes part (withdrew since) cannot be kept: the others are matched.
        taking_part = {p.id for p in participations}
        locked = [(a, b) for a, b in locked_before if a in taking_part and b in taking_part]
        separated = session.execute(
            sa.select(MatchingSeparation.participation_a_id, MatchingSeparation.participation_b_id)
            .where(MatchingSeparation.cohort_id == cohort_id)
        ).all()

    def candidate(participation: Participation) -> Candidate:
        profile = profiles.get(participation.id)
        return Candidate(
            id=participation.id,
            person_key=participation.user_id,
            organisation_id=participation.organisation_id,
            languages=frozenset(profile.languages if profile else ()),
            topics=dict(topics.get(participation.id, {})),
            format=profile.format if profile else None,
            city=profile.city if profile else None,
            weekdays=frozenset(profile.weekdays if profile else ()),
            career_band=profile.career_band if profile else None,
            capacity=participation.mentor_capacity if participation.role == ParticipationRole.MENTOR else 1,
        )

    return MatchingInput(
        mentors=tuple(candidate(p) for p in participations if p.role == ParticipationRole.MENTOR),
        mentees=tuple(candidate(p) for p in participations if p.role == ParticipationRole.MENTEE),
        rules=Rules(
            excluded_organisation_pairs=frozenset(frozenset(pair) for pair in exclusions),
            earlier_pairs=frozenset((a, b) for a, b in earlier),
            locked=tuple((a, b) for a, b in locked),
            never_together=frozenset(frozenset(pair) for pair in separated),
        ),
    )
