"""Publishing a cohort's pairs: the board's proposals become active pairs, and everyone concerned is told.

Publishing takes the current run (the one the board works on) of a cohort in its matching step: its proposed
and locked pairs become active, the run is stamped as published, and each person gets one mail with their
partner (in their own language); each admin of an organisation with people in those pairs gets one mail
listing them. Each person left without a partner gets one mail saying what happens next, and each admin of
their organisation one mail listing them. Everything happens in the caller's transaction (mail through the
outbox), with conditional UPDATEs, so that two board members publishing at once publish once: the second is
refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from tandem.platform import audit
from tandem.platform.cohorts.models import Cohort, Participation, ParticipationStatus
from tandem.platform.database import matched_rows, utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.programme.operations import refresh_cohort_invitations
from tandem.platform.refusals import OperationRefused
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import ACTIVE_RUN_STATUSES, MatchingRun, MatchingRunStatus, Pair, PairStatus
from tandem.platform.workbench.publishing.queries import AdminLine, PersonInPair, people_in_pairs, unmatched_people
from tandem.platform.workbench.runs.queries import (
    MATCHING_STATES,
    CohortRuns,
    active_run,
    current_run,
    published_run,
)
from tandem.tenants.models import OrganisationAdmin

PUBLISHABLE = (PairStatus.PROPOSED, PairStatus.LOCKED)


class PublishRefused(OperationRefused):
    """The pairs cannot be published now; the message says why."""


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class PublishSummary:
    """What publishing the current run would do (or did): its pairs, people and organisations."""

    run_id: int | None
    pairs: int
    organisations: int

    @property
    def people(self) -> int:
        return self.pairs * 2


def _run_pair_counts(session: Session, run_id: int) -> tuple[int, int, int]:
    """(publishable pairs, pairs with someone no longer taking part, organisations involved): two queries."""
    Mentor = aliased(Participation)  # noqa: N806
    Mentee = aliased(Participation)  # noqa: N806
    row = session.execute(
        sa.select(
            sa.func.count(Pair.id),
            sa.func.coalesce(sa.func.sum(sa.case(
                (sa.or_(Mentor.status != ParticipationStatus.ACTIVE,
                        Mentee.status != ParticipationStatus.ACTIVE), 1), else_=0)), 0),
        )
        .join(Mentor, Mentor.id == Pair.mentor_participation_id)
        .join(Mentee, Mentee.id == Pair.mentee_participation_id)
        .where(Pair.matching_run_id == run_id, Pair.status.in_(PUBLISHABLE))
    ).one()
    people = sa.union(
        sa.select(Participation.organisation_id)
        .join(Pair, Pair.mentor_participation_id == Participation.id)
        .where(Pair.matching_run_id == run_id, Pair.status.in_(PUBLISHABLE)),
        sa.select(Participation.organisation_id)
        .join(Pair, Pair.mentee_participation_id == Participation.id)
        .where(Pair.matching_run_id == run_id, Pair.status.in_(PUBLISHABLE)),
    ).subquery()
    organisations = session.scalar(sa.select(sa.func.count()).select_from(people)) or 0
    return int(row[0] or 0), int(row[1] or 0), int(organisations)


def publish_problems(session: Session, cohort: Cohort,
                     runs: CohortRuns | None = None) -> tuple[list[str], PublishSummary]:
    """Why the cohort's pairs cannot be published now (empty: they can), and what publishing would do.

    A fixed number of queries (at most six; three fewer with the cohort's runs read already, `runs`), whatever
    the size of the cohort.
    """
    with club_scope(session):
        if cohort.state not in MATCHING_STATES:
            return [str(_l("Pairs are published while the cohort is in its matching step."))], PublishSummary(
                None, 0, 0)
        published = runs.published if runs is not None else published_run(session, cohort.id)
        if published is not None:
            return [str(_l("The pairs of this cohort are already published."))], PublishSummary(None, 0, 0)
        active = runs.active if runs is not None else active_run(session, cohort.id)
        if active is not None:
            return [str(_l("A matching run is queued or running: wait until it has finished."))], PublishSummary(
                None, 0, 0)
        run = runs.current if runs is not None else current_run(session, cohort.id)
        if run is None:
            return [str(_l("Run matching first: there are no proposals to publish yet."))], PublishSummary(
                None, 0, 0)
        pairs, not_taking_part, organisations = _run_pair_counts(session, run.id)
    problems: list[str] = []
    if pairs == 0:
        problems.append(str(_l("The current proposals hold no pair: pair people first.")))
    if not_taking_part:
        problems.append(str(ngettext(
            "One pair includes someone who no longer takes part: unpair them first.",
            "%(num)d pairs include someone who no longer takes part: unpair them first.", not_taking_part)))
    return problems, PublishSummary(run.id, pairs, organisations)


# --------------------------------------------------------------------------------------------- operations


def publish_run(session: Session, cohort: Cohort, actor_user_id: int | None, *,
                expected_run_id: int | None = None) -> int:
    """Publish the cohort's current run: activate its proposed and locked pairs and tell everyone.

    Returns the number of pairs activated. The caller commits. `expected_run_id` is the run the board
    looked at when it pressed the button: when another run has become current since, publishing is refused.
    """
    with club_scope(session):
        problems, summary = publish_problems(session, cohort)
        if problems:
            raise PublishRefused(" ".join(problems))
        run_id = summary.run_id
        assert run_id is not None
        if expected_run_id is not None and expected_run_id != run_id:
            raise PublishRefused(_l("The proposals changed meanwhile (a new run finished). Please look again."))
        now = utcnow()
        other = aliased(MatchingRun)
        # One conditional UPDATE decides who publishes: the run is still unpublished and still the latest
        # successful one, no run of the cohort is queued, running or published, the cohort still matching.
        stamped = matched_rows(
            session,
            sa.update(MatchingRun)
            .where(
                MatchingRun.id == run_id,
                MatchingRun.status == MatchingRunStatus.SUCCEEDED,
                MatchingRun.published_at.is_(None),
                ~sa.exists().where(
                    other.cohort_id == cohort.id,
                    sa.or_(other.status.in_(ACTIVE_RUN_STATUSES), other.published_at.is_not(None),
                           sa.and_(other.status == MatchingRunStatus.SUCCEEDED, other.id > run_id)),
                ),
                sa.exists().where(Cohort.id == cohort.id, Cohort.state.in_(MATCHING_STATES)),
            )
            .values(published_at=now)
            .execution_options(synchronize_session=False),
        )
        if stamped != 1:
            raise PublishRefused(_l("Someone else published or changed the pairs meanwhile. Please look again."))
        pair_ids = list(session.scalars(
            sa.select(Pair.id).where(Pair.matching_run_id == run_id, Pair.status.in_(PUBLISHABLE))))
        try:
            with session.begin_nested():
                activated = matched_rows(
                    session,
                    sa.update(Pair)
                    .where(Pair.matching_run_id == run_id, Pair.status.in_(PUBLISHABLE))
                    .values(status=PairStatus.ACTIVE, activated_at=now)
                    .execution_options(synchronize_session=False),
                )
        except IntegrityError as error:  # someone already in an active pair (by the database's rule)
            raise PublishRefused(
                _l("A person of these pairs is already in an active pair. Please look again.")) from error
        if activated < 1:
            raise PublishRefused(_l("The current proposals hold no pair: pair people first."))
        mails = queue_pair_notifications(session, pair_ids)
        unmatched_mails = queue_unmatched_notifications(session, cohort)
        audit.record(session, "matching.published", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="matching_run", target_id=run_id,
                     details={"cohort_id": cohort.id, "pairs": activated, "mails": mails,
                              "unmatched_mails": unmatched_mails})
        session.flush()
        # The programme's published events invite whoever their audience now names (mailed by its job).
        refresh_cohort_invitations(session, cohort.id)
    return activated


def queue_pair_notifications(session: Session, pair_ids: Sequence[int], *, later: bool = False) -> int:
    """Queue the mails for newly active pairs: one to each person (their partner's name, organisation and
    e-mail, a link to their page) and one to each admin of each organisation involved (their people and
    the partners). Each in its recipient's language. Four reads, whatever the number of pairs.
    `later`: a tandem formed after publishing (a new partner after a rematch), worded as such.

    Returns how many mails were queued. The caller commits (the outbox sends after commit).
    """
    from tandem.platform.mail.outbox import queue_mail

    if not pair_ids:
        return 0
    with club_scope(session):
        pairs = session.execute(
            sa.select(Pair.id, Pair.cohort_id, Pair.mentor_participation_id, Pair.mentee_participation_id)
            .where(Pair.id.in_(list(pair_ids)), Pair.status == PairStatus.ACTIVE)
            .order_by(Pair.id)
        ).all()
        people = people_in_pairs(session, {pid for row in pairs for pid in row[2:4]})
        cohorts = {c.id: c for c in session.scalars(
            sa.select(Cohort).where(Cohort.id.in_({row[1] for row in pairs})))}
        organisation_ids = {person.organisation_id for person in people.values()}
        admins = session.execute(
            sa.select(User, OrganisationAdmin.organisation_id)
            .join(OrganisationAdmin, OrganisationAdmin.user_id == User.id)
            .where(OrganisationAdmin.organisation_id.in_(organisation_ids), User.is_active.is_(True))
            .order_by(User.id)
        ).all()
        lines: dict[tuple[int, int], list[AdminLine]] = defaultdict(list)  # (cohort, organisation) -> lines
        sent = 0
        for _pair_id, cohort_id, mentor_id, mentee_id in pairs:
            mentor, mentee = people.get(mentor_id), people.get(mentee_id)
            if mentor is None or mentee is None:
                continue
            cohort = cohorts[cohort_id]
            for person, partner in ((mentor, mentee), (mentee, mentor)):
                lines[(cohort_id, person.organisation_id)].append(AdminLine(person, partner))
                if not person.is_active:
                    continue
                queue_mail(session, template="pair_published_participant", recipient=person.email,
                           language=mail_language(person), kind="pair_published",
                           organisation_id=person.organisation_id, recipient_user_id=person.user_id,
                           person=person, partner=partner, cohort=cohort, later=later,
                           home_url=_home_url())
                sent += 1
        by_organisation: dict[int, list[User]] = defaultdict(list)
        for admin, organisation_id in admins:
            by_organisation[organisation_id].append(admin)
        for (cohort_id, organisation_id), items in sorted(lines.items()):
            items.sort(key=lambda line: (line.person.display_name.casefold(), line.person.participation_id))
            for admin in by_organisation.get(organisation_id, []):
                queue_mail(session, template="pair_published_admin", recipient=admin.email,
                           language=mail_language(admin), kind="pair_published_admin",
                           organisation_id=organisation_id, recipient_user_id=admin.id, admin=admin,
                           organisation_name=items[0].person.organisation_name, cohort=cohorts[cohort_id],
                           lines=items, later=later)
                sent += 1
    return sent


def queue_unmatched_notifications(session: Session, cohort: Cohort) -> int:
    """Queue the mails at publication for the people taking part without a partner: one to each (what happens
    next), and one to each admin of their organisation listing them (once per organisation and cohort). Each in
    its recipient's language; two reads. Returns how many mails were queued. The caller commits."""
    from tandem.platform.mail.outbox import queue_mail

    sent = 0
    with club_scope(session):
        people = unmatched_people(session, cohort.id)
        if not people:
            return 0
        by_organisation: dict[int, list[PersonInPair]] = defaultdict(list)
        for person in people:
            by_organisation[person.organisation_id].append(person)
            if not person.is_active:
                continue
            queue_mail(session, template="unmatched_participant", recipient=person.email,
                       language=mail_language(person), kind="unmatched_published",
                       organisation_id=person.organisation_id, recipient_user_id=person.user_id, person=person,
                       cohort=cohort, home_url=_home_url())
            sent += 1
        admins = session.execute(
            sa.select(User, OrganisationAdmin.organisation_id)
            .join(OrganisationAdmin, OrganisationAdmin.user_id == User.id)
            .where(OrganisationAdmin.organisation_id.in_(list(by_organisation)), User.is_active.is_(True))
            .order_by(User.id)
        ).all()
        for admin, organisation_id in admins:
            listed = by_organisation[organisation_id]
            queue_mail(session, template="unmatched_admin", recipient=admin.email,
                       language=mail_language(admin), kind="unmatched_published_admin",
                       organisation_id=organisation_id, recipient_user_id=admin.id, admin=admin,
                       organisation_name=listed[0].organisation_name, cohort=cohort, people=listed)
            sent += 1
    return sent


def _home_url() -> str:
    return current_app.config["TANDEM"].base_url.rstrip("/") + "/me/"
