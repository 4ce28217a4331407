"""The pairs' space: the rows its routes need (the routes' rows of the table are in pairs_space.py,
pairs_meetings.py, pairs_nudges.py and pairs_health.py).

`arrange` gives the table's participant a second participation, an active mentor in a running cohort of
their own, paired with a mentee of beta: the pair (`pair_id`), one of its goals (`goal_id`), a meeting
planned for the past (`meeting_id`, so that it can be logged, marked as not held or checked in on) and an
open request for help (`help_id`). The board's routes take the table's cohort (`cohort_id`), of which
this pair is not: the board's pages of one pair answer the board 404 here (a pair is found only under its
own cohort), and their behaviour for the board is tested in tests/integration/pairs.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.pairs.models import HelpRequest, MeetingFormat, MeetingStatus, PairGoal, PairMeeting
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_pair, make_participation, make_user


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    participant, beta = context["people"]["participant"], context["beta"]
    today = datetime.now(UTC).date()
    cohort = make_cohort(db, CohortState.RUNNING, slug=f"pairs-{uuid.uuid4().hex[:8]}",
                         kickoff_on=today - timedelta(days=40), closing_on=today + timedelta(days=140),
                         symposium_on=today + timedelta(days=160), nomination_deadline=date(2020, 1, 1))
    mentor = make_participation(db, participant, cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, make_user(db, beta), cohort, role="mentee", status=ParticipationStatus.ACTIVE)
    pair = make_pair(db, mentor, mentee)
    with club_scope(db):
        pair.activated_at = datetime.now(UTC) - timedelta(days=45)
        goal = PairGoal(pair_id=pair.id, position=1, text="Understand how younger colleagues use social media")
        meeting = PairMeeting(pair_id=pair.id, uid=f"{uuid.uuid4()}@tandem.test", status=MeetingStatus.PLANNED,
                              starts_at=datetime.now(UTC) - timedelta(days=2), duration_minutes=60,
                              format=MeetingFormat.ONLINE, online_url="https://meet.example.org/abc",
                              planned_by_participation_id=mentor.id)
        help_request = HelpRequest(pair_id=pair.id, participation_id=mentor.id, message="We find no date.")
        db.add_all([goal, meeting, help_request])
        db.flush()
    return {"pair_id": pair.id, "goal_id": goal.id, "meeting_id": meeting.id, "help_id": help_request.id}
