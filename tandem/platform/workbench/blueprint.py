"""workbench area: the board's matching of a cohort under /board/cohorts/<cohort_id>/matching (club scope).

Every route of the area is here; the views live in the sub-packages (runs, proposals, rules, publishing).
The cohort in the URL is loaded once per request: views read it with `url_cohort()`.
"""

from __future__ import annotations

from flask import Blueprint

from tandem.platform.cohorts.loading import load_url_cohort
from tandem.platform.rematch.views import waiting_requests_context
from tandem.platform.workbench.proposals import views as proposals
from tandem.platform.workbench.publishing import views as publishing
from tandem.platform.workbench.rules import views as rules
from tandem.platform.workbench.runs import views as runs

workbench = Blueprint("workbench", __name__, url_prefix="/board/cohorts/<int:cohort_id>/matching")
load_url_cohort(workbench)
workbench.context_processor(waiting_requests_context)

# runs: start, progress, retry
workbench.add_url_rule("/runs", "start_run", runs.start, methods=["POST"])
workbench.add_url_rule("/runs/<int:run_id>", "run", runs.show)
workbench.add_url_rule("/runs/<int:run_id>/status", "run_status", runs.status)
workbench.add_url_rule("/runs/<int:run_id>/retry", "retry_run", runs.retry, methods=["POST"])
# proposals: the workbench and its edits
workbench.add_url_rule("", "workbench", proposals.workbench)
workbench.add_url_rule("/pairs/<int:pair_id>/lock", "lock_pair", proposals.lock, methods=["POST"])
workbench.add_url_rule("/pairs/<int:pair_id>/unlock", "unlock_pair", proposals.unlock, methods=["POST"])
workbench.add_url_rule("/pairs/<int:pair_id>/unpair", "unpair", proposals.remove, methods=["POST"])
workbench.add_url_rule("/swap", "swap", proposals.swap, methods=["POST"])
workbench.add_url_rule("/pair-by-hand", "pair_by_hand", proposals.by_hand, methods=["GET", "POST"])
# rules: weights and threshold, never together, capacity, comparing runs
workbench.add_url_rule("/settings", "settings", rules.settings, methods=["GET", "POST"])
workbench.add_url_rule("/rules", "rules", rules.rules, methods=["GET", "POST"])
workbench.add_url_rule("/rules/separations/<int:separation_id>/delete", "delete_separation",
                       rules.separation_delete, methods=["POST"])
workbench.add_url_rule("/rules/capacity", "capacity", rules.capacity, methods=["POST"])
workbench.add_url_rule("/compare", "compare", rules.compare)
# publishing
workbench.add_url_rule("/publish", "publish", publishing.publish, methods=["POST"])
