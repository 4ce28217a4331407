"""The board's pages."""

from __future__ import annotations

from flask import render_template

from tandem.platform.access import Role, allow
from tandem.platform.board.queries import LIFECYCLE, cohort_summaries, member_organisations
from tandem.platform.database import db_session


@allow(Role.BOARD)
def overview() -> str:
    session = db_session()
    return render_template(
        "board/overview.html",
        summaries=cohort_summaries(session),
        organisations=member_organisations(session),
        lifecycle=LIFECYCLE,
    )
