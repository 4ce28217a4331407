"""programme area: every route of the cohort's calendar.

- the board, under /board/cohorts/<cohort_id>/programme (club scope; the URL's cohort loaded once);
- each invited person, under /me/events and /me/calendar (their own organisation's scope);
- organisation admins, under /o/<org_slug>/programme (that organisation's scope);
- the private calendar feed, /calendar/<token>.ics (public: the token is the key).
"""

from __future__ import annotations

from flask import Blueprint

from tandem.platform.cohorts.loading import load_url_cohort
from tandem.platform.programme.views import board, feed, organisation, personal
from tandem.tenants.resolution import resolve_organisation
from tandem.tenants.views import add_org_slug

programme = Blueprint("programme", __name__)
load_url_cohort(programme)
programme.url_value_preprocessor(resolve_organisation)
programme.url_defaults(add_org_slug)

BOARD = "/board/cohorts/<int:cohort_id>/programme"
programme.add_url_rule(BOARD, "index", board.index)
programme.add_url_rule(f"{BOARD}/new", "new", board.new, methods=["GET", "POST"])
programme.add_url_rule(f"{BOARD}/from-dates", "from_dates", board.from_dates, methods=["POST"])
programme.add_url_rule(f"{BOARD}/<int:event_id>", "event", board.event)
programme.add_url_rule(f"{BOARD}/<int:event_id>/edit", "edit", board.edit, methods=["GET", "POST"])
programme.add_url_rule(f"{BOARD}/<int:event_id>/publish", "publish", board.publish, methods=["POST"])
programme.add_url_rule(f"{BOARD}/<int:event_id>/cancel", "cancel", board.cancel, methods=["POST"])
programme.add_url_rule(f"{BOARD}/<int:event_id>/answers.csv", "answers_csv", board.answers_csv)

programme.add_url_rule("/me/events", "my_events", personal.my_events)
programme.add_url_rule("/me/events/<int:event_id>", "my_event", personal.my_event)
programme.add_url_rule("/me/events/<int:event_id>/answer", "answer", personal.answer, methods=["POST"])
programme.add_url_rule("/me/events/<int:event_id>/event.ics", "event_file", personal.event_file)
programme.add_url_rule("/me/calendar", "calendar", personal.calendar)
programme.add_url_rule("/me/calendar/renew", "renew_feed", personal.renew_feed, methods=["POST"])
programme.add_url_rule("/me/calendar/revoke", "revoke_feed", personal.revoke_feed, methods=["POST"])

programme.add_url_rule("/o/<org_slug>/programme", "organisation_events", organisation.events)
programme.add_url_rule("/o/<org_slug>/programme/<int:event_id>", "organisation_event", organisation.event)

programme.add_url_rule("/calendar/<token>.ics", "feed", feed.feed)
