"""Every model, imported so that `Base.metadata` is complete (Alembic, tests)."""

from tandem.platform.audit_models import AuditEvent
from tandem.platform.board.models import BoardMember, OrganisationExclusion, Topic
from tandem.platform.cohorts.models import (
    Cohort,
    CohortQuota,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.database import Base
from tandem.platform.identity.models import Identity, SignInLink, User, UserSession
from tandem.platform.mail.models import OutboxMessage, OutboxStatus
from tandem.platform.participant.models import Profile, ProfileReminder, ProfileTopic
from tandem.platform.workbench.models import MatchingRun, Pair
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationDomain, OrganisationSSO

__all__ = [
    "AuditEvent", "Base", "BoardMember", "Cohort", "CohortState", "Identity", "MatchingRun", "Organisation",
    "OrganisationAdmin", "OrganisationDomain", "OrganisationSSO", "OrganisationExclusion", "OutboxMessage",
    "OutboxStatus",
    "Pair", "Participation", "ParticipationRole", "ParticipationStatus", "SignInLink", "Topic", "User",
    "UserSession", "CohortQuota", "Profile", "ProfileReminder", "ProfileTopic",
]
