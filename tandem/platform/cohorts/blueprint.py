"""cohorts area: the board's cohort pages under /board/cohorts (club scope); the URL's cohort is loaded once."""
from flask import Blueprint

from tandem.platform.cohorts import views
from tandem.platform.cohorts.loading import load_url_cohort

cohorts = Blueprint("cohorts", __name__, url_prefix="/board/cohorts")
load_url_cohort(cohorts)
cohorts.add_url_rule("/", "index", views.index)
cohorts.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
cohorts.add_url_rule("/<int:cohort_id>", "show", views.show)
cohorts.add_url_rule("/<int:cohort_id>/edit", "edit", views.edit, methods=["GET", "POST"])
cohorts.add_url_rule("/<int:cohort_id>/quotas", "quotas", views.quotas, methods=["GET", "POST"])
cohorts.add_url_rule("/<int:cohort_id>/transition", "transition", views.transition, methods=["POST"])
cohorts.add_url_rule("/<int:cohort_id>/nominations", "nominations", views.nominations)
cohorts.add_url_rule("/<int:cohort_id>/nominations.csv", "nominations_csv", views.nominations_csv)
