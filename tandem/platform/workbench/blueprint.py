"""matching area: the board's matching pages under /board/cohorts/<cohort_id>/matching (club scope).

Each views module registers its own routes on the blueprint.
"""
from flask import Blueprint

from tandem.platform.workbench import publish_views, rules_views, run_views, views

matching = Blueprint("matching", __name__, url_prefix="/board/cohorts/<int:cohort_id>/matching")
run_views.register(matching)
views.register(matching)
rules_views.register(matching)
publish_views.register(matching)

