"""The board's matching rules for a cohort: weights and threshold, "never together" pairs, mentor capacities.

They shape the next run. The board may change them while the cohort is a draft, takes nominations or is in
its matching step, and only until pairs are published. Everything works in club scope (opened here
explicitly); callers commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.cohorts.models import (
    OCCUPYING_STATUSES,
    Cohort,
    CohortState,
    Participation,
    ParticipationRole,
)
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.matching import DEFAULT_THRESHOLD, MatchingError, Weights
from tandem.platform.matching.vocabulary import CRITERIA
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingSeparation, Pair, PairStatus
from tandem.platform.workbench.runs.queries import current_run, published_run

# Cohort states in which the rules of the next run may change (until pairs are published).
RULE_STATES = (CohortState.DRAFT, CohortState.NOMINATIONS_OPEN, CohortState.MATCHING)
MAX_WEIGHT = 10
CAPACITIES = (1, 2)
WEIGHTS_FIELD = "weights"  # a problem with the weights as a whole (all zero)
ALL_ZERO = _l("Give at least one criterion a weight above zero.")


class SeparationNotFound(LookupError):
    """No such separation in this cohort."""


def change_problem(session: Session, cohort: Cohort) -> str | None:
    """Why the rules cannot change now (None: they can). The message is translated."""
    if cohort.state not in RULE_STATES:
        return str(_l("The matching rules can be changed until the matching step ends."))
    if published_run(session, cohort.id) is not None:
        return str(_l("The pairs of this cohort are published: the matching rules no longer change anything."))
    return None


def _check_changeable(session: Session, cohort: Cohort) -> None:
    problem = change_problem(session, cohort)
    if problem is not None:
        raise OperationRefused(problem)


# ------------------------------------------------------------------------------------ weights and threshold


def save_matching_settings(session: Session, cohort: Cohort, weights: dict[str, float] | None, threshold: float,
                           actor_user_id: int | None) -> bool:
    """Set the cohort's weights (None: the engine's defaults) and threshold (0..1). Returns whether anything
    changed.

    Each weight is a whole number from 0 to 10 in the form (stored as a float; only their proportions count);
    not all may be zero.
    """
    _check_changeable(session, cohort)
    stored: dict[str, float] | None = None
    if weights is not None:
        for name in CRITERIA:
            value = weights.get(name)
            if value is None or not 0 <= value <= MAX_WEIGHT:
                raise FieldProblem(name, _l("Between 0 and %(max)d.", max=MAX_WEIGHT))
        stored = {name: float(weights[name]) for name in CRITERIA}
        try:
            Weights(**stored)
        except MatchingError as error:
            raise FieldProblem(WEIGHTS_FIELD, ALL_ZERO) from error
    if not 0 <= threshold <= 1:
        raise FieldProblem("threshold", _l("Between 0 and 100."))
    before = {"weights": cohort.matching_weights, "threshold": cohort.matching_threshold}
    after = {"weights": stored, "threshold": float(threshold)}
    if before == after:
        return False
    cohort.matching_weights = stored
    cohort.matching_threshold = float(threshold)
    with club_scope(session):
        audit.record(session, "matching.settings_changed", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="cohort", target_id=cohort.id, details={"before": before, "after": after})
        session.flush()
    return True


def reset_matching_settings(session: Session, cohort: Cohort, actor_user_id: int | None) -> bool:
    """Back to the engine's default weights and threshold."""
    return save_matching_settings(session, cohort, None, DEFAULT_THRESHOLD, actor_user_id)


def form_weights(weights: Weights) -> dict[str, int]:
    """Weights as the form's whole numbers 0..10, keeping their proportions as well as whole numbers can.

    Whole numbers up to 10 are shown as they are; others (the defaults 0.4, 0.25, 0.15, 0.2) are scaled to a
    total of 20 (8, 5, 3, 4).
    """
    values = weights.as_tuple()
    if all(float(v).is_integer() and v <= MAX_WEIGHT for v in values):
        return {name: int(v) for name, v in zip(CRITERIA, values, strict=True)}
    total = sum(values)
    scaled = [round(v * 20 / total) for v in values]
    top = max(scaled)
    if top > MAX_WEIGHT:
        scaled = [round(v * MAX_WEIGHT / top) for v in scaled]
    return dict(zip(CRITERIA, scaled, strict=True))


# ------------------------------------------------------------------------------------------- never together


def _holding_place(session: Session, cohort: Cohort, participation_ids: tuple[int, ...]) -> dict[int, Participation]:
    return {p.id: p for p in session.scalars(
        sa.select(Participation).where(Participation.id.in_(participation_ids),
                                       Participation.cohort_id == cohort.id,
                                       Participation.status.in_(OCCUPYING_STATUSES)))}


def add_separation(session: Session, cohort: Cohort, participation_a_id: int, participation_b_id: int,
                   reason: str | None, actor_user_id: int | None) -> MatchingSeparation:
    """Keep two people of the cohort apart ("never together"), stored once with the smaller id first."""
    _check_changeable(session, cohort)
    if participation_a_id == participation_b_id:
        raise FieldProblem("participation_b", _l("Choose two different people."))
    reason = (reason or "").strip() or None
    with club_scope(session):
        found = _holding_place(session, cohort, (participation_a_id, participation_b_id))
        for field, participation_id in (("participation_a", participation_a_id),
                                        ("participation_b", participation_b_id)):
            if participation_id not in found:
                raise FieldProblem(field, _l("Choose a person of this cohort."))
        low, high = sorted((participation_a_id, participation_b_id))
        exists = session.scalar(sa.select(sa.exists().where(
            MatchingSeparation.cohort_id == cohort.id, MatchingSeparation.participation_a_id == low,
            MatchingSeparation.participation_b_id == high)))
        if exists:
            raise FieldProblem("participation_b", _l("These two people are already kept apart."))
        separation = MatchingSeparation(cohort_id=cohort.id, participation_a_id=low, participation_b_id=high,
                                        reason=reason, created_by_user_id=actor_user_id)
        try:
            with session.begin_nested():
                session.add(separation)
                session.flush()
        except IntegrityError as error:  # the same pair added at the same moment
            raise FieldProblem("participation_b", _l("These two people are already kept apart.")) from error
        audit.record(session, "matching.separation_added", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="matching_separation", target_id=separation.id,
                     details={"cohort_id": cohort.id, "participations": [low, high], "reason": reason})
        session.flush()
    return separation


def delete_separation(session: Session, cohort: Cohort, separation_id: int,
                      actor_user_id: int | None) -> MatchingSeparation:
    """Let two people be paired again. Raises SeparationNotFound for a separation of another cohort."""
    with club_scope(session):
        separation = session.get(MatchingSeparation, separation_id)
        if separation is None or separation.cohort_id != cohort.id:
            raise SeparationNotFound(separation_id)
        _check_changeable(session, cohort)
        audit.record(session, "matching.separation_removed", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="matching_separation", target_id=separation.id,
                     details={"cohort_id": cohort.id,
                              "participations": [separation.participation_a_id, separation.participation_b_id],
                              "reason": separation.reason})
        session.delete(separation)
        session.flush()
    return separation


# ------------------------------------------------------------------------------------------ mentor capacity


def set_mentor_capacity(session: Session, cohort: Cohort, participation_id: int, capacity: int,
                        actor_user_id: int | None) -> bool:
    """How many mentees a mentor may take: 1 or 2. Returns whether it changed.

    Lowering to 1 is refused while the mentor has two pairs (not ended) in the current run: the message
    names the mentees, one of whom must be unpaired first.
    """
    _check_changeable(session, cohort)
    if capacity not in CAPACITIES:
        raise FieldProblem("capacity", _l("Choose 1 or 2 mentees."))
    with club_scope(session):
        mentor = session.scalar(sa.select(Participation).where(
            Participation.id == participation_id, Participation.cohort_id == cohort.id,
            Participation.role == ParticipationRole.MENTOR, Participation.status.in_(OCCUPYING_STATUSES)))
        if mentor is None:
            raise FieldProblem("participation", _l("Choose a mentor of this cohort."))
        if mentor.mentor_capacity == capacity:
            return False
        if capacity < mentor.mentor_capacity:
            run = current_run(session, cohort.id)
            names = session.scalars(
                sa.select(User.display_name)
                .join(Participation, Participation.user_id == User.id)
                .join(Pair, Pair.mentee_participation_id == Participation.id)
                .where(Pair.matching_run_id == run.id, Pair.mentor_participation_id == mentor.id,
                       Pair.status != PairStatus.ENDED)
                .order_by(User.display_name)
            ).all() if run is not None else []
            if len(names) > capacity:
                raise OperationRefused(_l(
                    "%(mentor)s has two mentees in the current run, %(first)s and %(second)s: unpair one of "
                    "them first.", mentor=_name(session, mentor), first=names[0], second=names[1]))
        before = mentor.mentor_capacity
        mentor.mentor_capacity = capacity
        audit.record(session, "matching.capacity_changed", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="participation", target_id=mentor.id,
                     details={"cohort_id": cohort.id, "before": before, "after": capacity})
        session.flush()
    return True


def _name(session: Session, participation: Participation) -> str:
    return session.scalar(sa.select(User.display_name).where(User.id == participation.user_id)) or ""
