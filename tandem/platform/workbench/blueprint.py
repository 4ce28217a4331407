"""matching area: the board's matching pages under /board/cohorts/<cohort_id>/matching (club scope).

Each views module registers its own routes on the blueprint.
"""
from flask import Blueprint, request

from tandem.platform.database import db_session
from tandem.platform.workbench import publish_views, rules_views, run_views, views
from tandem.platform.workbench.rematch import open_rematch_count

matching = Blueprint("matching", __name__, url_prefix="/board/cohorts/<int:cohort_id>/matching")
run_views.register(matching)
views.register(matching)
rules_views.register(matching)
publish_views.register(matching)


@matching.context_processor
def _waiting_rematch_requests() -> dict[str, object]:
    """The matching pages' navigation shows how many rematch requests wait for the board (one query)."""
    cohort_id = (request.view_args or {}).get("cohort_id")
    if not isinstance(cohort_id, int):
        return {}
    return {"waiting_rematch_requests": open_rematch_count(db_session(), cohort_id)}
