"""The registry of every model, by area, imported so that `Base.metadata` is complete (Alembic, tests).

A test (tests/unit/platform/test_architecture.py) imports every module of the code and fails when a mapped
class is missing here.
"""

from tandem.platform.accessibility.models import BarrierReport, ReportStatus
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
from tandem.platform.outcomes.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyLearning,
    SurveyQuestion,
    SurveyResponse,
)
from tandem.platform.pairs.models import (
    BoardMessage,
    HelpRequest,
    MeetingNote,
    NudgeDelivery,
    NudgePreference,
    PairAgreement,
    PairCheckIn,
    PairClosure,
    PairGoal,
    PairMeeting,
    PairNudge,
)
from tandem.platform.participant.models import Profile, ProfileReminder, ProfileTopic
from tandem.platform.privacy.models import DataExport, ErasureRequest
from tandem.platform.programme.models import CalendarFeed, EventInvitation, ProgrammeEvent
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.showcase.models import (
    Story,
    StoryChange,
    StoryConsent,
    StoryReminder,
    StoryReview,
    StoryTopic,
    SymposiumSlot,
    SymposiumSlotStory,
)
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, MatchingSeparation, Pair, PairStatus
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationDomain, OrganisationSSO

__all__ = [
    "Base",
    # accessibility
    "BarrierReport", "ReportStatus",
    # audit
    "AuditEvent",
    # board
    "BoardMember", "OrganisationExclusion", "Topic",
    # cohorts
    "Cohort", "CohortQuota", "CohortState", "Participation", "ParticipationRole", "ParticipationStatus",
    # identity
    "Identity", "SignInLink", "User", "UserSession",
    # mail
    "OutboxMessage", "OutboxStatus",
    # pairs
    "BoardMessage", "HelpRequest", "MeetingNote", "NudgeDelivery", "NudgePreference", "PairAgreement",
    "PairCheckIn", "PairClosure", "PairGoal", "PairMeeting", "PairNudge",
    # outcomes
    "Survey", "SurveyAnswer", "SurveyInvitation", "SurveyLearning", "SurveyQuestion", "SurveyResponse",
    # participant
    "Profile", "ProfileReminder", "ProfileTopic",
    # privacy
    "DataExport", "ErasureRequest",
    # programme
    "CalendarFeed", "EventInvitation", "ProgrammeEvent",
    # rematch
    "RematchRequest", "RematchStatus",
    # showcase
    "Story", "StoryChange", "StoryConsent", "StoryReminder", "StoryReview", "StoryTopic", "SymposiumSlot",
    "SymposiumSlotStory",
    # workbench
    "MatchingRun", "MatchingRunStatus", "MatchingSeparation", "Pair", "PairStatus",
    # tenants
    "Organisation", "OrganisationAdmin", "OrganisationDomain", "OrganisationSSO",
]
