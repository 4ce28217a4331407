"""rematch area: the participant asks for another partner (/me/..., own organisation's scope); the board
decides (/board/cohorts/<cohort_id>/matching/rematch-requests, club scope)."""

from __future__ import annotations

from flask import Blueprint

from tandem.platform.cohorts.loading import load_url_cohort
from tandem.platform.rematch import views

rematch = Blueprint("rematch", __name__)
load_url_cohort(rematch)
rematch.context_processor(views.waiting_requests_context)

rematch.add_url_rule("/me/participations/<int:participation_id>/rematch", "ask", views.ask,
                     methods=["GET", "POST"])
rematch.add_url_rule("/board/cohorts/<int:cohort_id>/matching/rematch-requests", "requests", views.requests_page)
rematch.add_url_rule("/board/cohorts/<int:cohort_id>/matching/rematch-requests/<int:request_id>", "decide",
                     views.decide, methods=["POST"])
