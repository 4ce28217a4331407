"""What `make run` prints: where to go and how to try each role."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationRole
from tandem.platform.identity.models import User
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
            mentor = session.scalar(sa.select(User).join(Participation, Participation.user_id == User.id)
                                    .where(Participation.role == ParticipationRole.MENTOR).limit(1))
            mentee = session.scalar(sa.select(User).join(Participation, Participation.user_id == User.id)
                                    .where(Participation.role == ParticipationRole.MENTEE).limit(1))
            for label, user, where in (
                ("club board", board, "/board/"),
                ("organisation admin", admin, f"/o/{admin.organisation.slug}/" if admin else ""),
                ("mentor (young employee)", mentor, "/me/"),
                ("mentee (senior leader)", mentee, "/me/"),
            ):
                if user is not None:
                    lines.append(f"    - {label:<26} {user.display_name} <{user.email}>, then {base}{where}")
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
