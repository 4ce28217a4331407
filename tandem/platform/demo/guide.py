"""What `make run` prints: where to go and how to try each role."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationRole
from tandem.platform.identity.models import User
from tandem.platform.outcomes.models import Survey, SurveyInvitation
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationAdmin


def guide_text(app: Flask) -> str:
    settings = app.config["TANDEM"]
    base = f"{settings.base_url}"
    lines = [
        "",
        f"  Tandem demo: {settings.club_name}",
        f"  Open {base}/ in your browser.",
        "",
        f"  Try a role at {base}/dev/sign-in-as (demo only), for example:",
    ]
    with app.app_context():
        session = app.extensions["tandem.db"].session()
        with club_scope(session):
            board = session.scalar(sa.select(User).join(BoardMember, BoardMember.user_id == User.id).limit(1))
            admin = session.scalar(
                sa.select(User).join(OrganisationAdmin, OrganisationAdmin.user_id == User.id).limit(1)
            )
            running = session.scalar(sa.select(Cohort).where(Cohort.state == CohortState.RUNNING)
                                     .order_by(Cohort.id).limit(1))

            def participant(role: str) -> User | None:
                """Someone of the running cohort (paired, with a programme), else of any cohort."""
                query = (sa.select(User).join(Participation, Participation.user_id == User.id)
                         .where(Participation.role == role).order_by(Participation.id).limit(1))
                found = (session.scalar(query.where(Participation.cohort_id == running.id))
                         if running is not None else None)
                return found or session.scalar(query)

            mentor = participant(ParticipationRole.MENTOR)
            mentee = participant(ParticipationRole.MENTEE)
            for label, user, where in (
                ("club board", board, "/board/"),
                ("organisation admin", admin, f"/o/{admin.organisation.slug}/" if admin else ""),
                ("mentor (young employee)", mentor, "/me/"),
                ("mentee (senior leader)", mentee, "/me/"),
            ):
                if user is not None:
                    lines.append(f"    - {label:<26} {user.display_name} <{user.email}>, then {base}{where}")
            if running is not None and board is not None and mentee is not None:
                lines += ["", f"  {running.name} is running: its programme at "
                              f"{base}/board/cohorts/{running.id}/programme (board); {mentee.display_name}'s "
                              f"events at {base}/me/events and calendar subscription at {base}/me/calendar.",
                          f"  Its tandems: pair health at {base}/board/cohorts/{running.id}/pairs (board; one pair "
                          f"silent and flagged, one overdue, a mentor asking for help); each person's pair space "
                          f"from {base}/me/."]
            survey = session.scalar(sa.select(Survey).where(
                Survey.cohort_id == running.id, Survey.opened_at.is_not(None), Survey.closed_at.is_(None))
                .limit(1)) if running is not None else None
            if survey is not None and mentee is not None and admin is not None:
                answered = session.scalar(sa.select(SurveyInvitation.answered_at).join(
                    Participation, Participation.id == SurveyInvitation.participation_id).where(
                    SurveyInvitation.survey_id == survey.id, Participation.user_id == mentee.id))
                kind = "mid-point" if survey.kind == "midpoint" else "final"
                lines += ["", f"  Its {kind} survey is open and some have answered ("
                              f"{mentee.display_name} {'too' if answered else 'not yet'}: {base}/me/surveys). Who "
                              f"answered, never what: {base}/board/cohorts/{survey.cohort_id}/surveys. Its report, "
                              f"where a group of fewer than {settings.report_min_group} people shows no figure: "
                              f"{base}/board/cohorts/{survey.cohort_id}/report (board), "
                              f"{base}/o/{admin.organisation.slug}/reports (organisation admin)."]
            shown = session.scalar(sa.select(Cohort).where(Cohort.state.in_(
                (CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED))).order_by(Cohort.id.desc()).limit(1))
            if shown is not None:
                lines += ["", f"  {shown.name}'s showcase is public at {base}/showcase/{shown.slug}/ (no sign-in); "
                              f"the board curates it at {base}/board/cohorts/{shown.id}/showcase. Its surveys are "
                              f"closed: its report at {base}/board/cohorts/{shown.id}/report, across cohorts at "
                              f"{base}/board/reports."]
            waiting = session.scalar(sa.select(Cohort).where(Cohort.state == CohortState.MATCHING).limit(1))
            if waiting is not None and board is not None:
                lines += ["", f"  {waiting.name} waits for its matching: as {board.display_name}, open "
                              f"{base}/board/cohorts/{waiting.id}/matching and press \"Run matching\"."]
        app.extensions["tandem.db"].session.remove()
    lines += [
        "",
        f"  Mail is not sent in the demo: read it at {base}/dev/mail",
        "  Stop the server with Ctrl+C. Data lives in instance/tandem.sqlite3 (delete it to start afresh).",
        "",
    ]
    return "\n".join(lines)
