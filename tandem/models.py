"""Every model, imported so that `Base.metadata` is complete (Alembic, tests)."""

from tandem.platform.database import Base
from tandem.platform.models import (
    AuditEvent,
    BoardMember,
    Cohort,
    CohortQuota,
    CohortState,
    Identity,
    MatchingRun,
    OrganisationExclusion,
    Pair,
    Participation,
    ParticipationRole,
    ParticipationStatus,
    Profile,
    ProfileReminder,
    ProfileTopic,
    SignInLink,
    Topic,
    User,
    UserSession,
)
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationDomain, OrganisationSSO
from tandem.workers.models import OutboxMessage, OutboxStatus

__all__ = [
    "AuditEvent", "Base", "BoardMember", "Cohort", "CohortState", "Identity", "MatchingRun", "Organisation",
    "OrganisationAdmin", "OrganisationDomain", "OrganisationSSO", "OrganisationExclusion", "OutboxMessage",
    "OutboxStatus",
    "Pair", "Participation", "ParticipationRole", "ParticipationStatus", "SignInLink", "Topic", "User",
    "UserSession", "CohortQuota", "Profile", "ProfileReminder", "ProfileTopic",
]
