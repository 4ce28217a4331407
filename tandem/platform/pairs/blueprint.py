"""pairs area: every route of the pairs' space.

- the two partners, under /me/pairs/<pair_id> (their own organisation's scope; the pair loaded through the
  membership check of `loading.py`, 404 to anyone else): the pair's page, agreement and goals, meetings,
  private notes, check-ins, the mentor's confidential message to the board, the confirmation at closing;
- each person's nudge setting, /me/settings/nudges;
- the board, under /board/cohorts/<cohort_id>/pairs (club scope): pair health, and per pair its metadata,
  writing to the pair, ending it early, the mentor's requests for help;
- organisation admins, /o/<org_slug>/pairs: the flags of the pairs that include one of their people.
"""

from __future__ import annotations

from flask import Blueprint

from tandem.platform.cohorts.loading import load_url_cohort
from tandem.platform.pairs.health import views as health
from tandem.platform.pairs.loading import load_url_pair
from tandem.platform.pairs.meetings import views as meetings
from tandem.platform.pairs.nudges import views as nudges
from tandem.platform.pairs.space import views as space
from tandem.tenants.resolution import resolve_organisation
from tandem.tenants.views import add_org_slug

pairs = Blueprint("pairs", __name__)
load_url_cohort(pairs)
load_url_pair(pairs)
pairs.url_value_preprocessor(resolve_organisation)
pairs.url_defaults(add_org_slug)

# The partners' pages (views/space.py): the pair, its agreement and goals, help, closing.
ME = "/me/pairs/<int:pair_id>"
pairs.add_url_rule(ME, "pair", space.pair)
pairs.add_url_rule(f"{ME}/agreement", "agreement", space.agreement, methods=["GET", "POST"])
pairs.add_url_rule(f"{ME}/agreement/confirm", "confirm_agreement", space.confirm_agreement, methods=["POST"])
pairs.add_url_rule(f"{ME}/goals/<int:goal_id>", "goal_status", space.goal_status, methods=["POST"])
pairs.add_url_rule(f"{ME}/help", "help", space.help_request, methods=["GET", "POST"])
pairs.add_url_rule(f"{ME}/complete", "complete", space.complete, methods=["POST"])

# Meetings (meetings/views.py): plan, log, not held, cancel, the private note, the check-in, the calendar file.
pairs.add_url_rule(f"{ME}/meetings/new", "plan_meeting", meetings.plan, methods=["GET", "POST"])
pairs.add_url_rule(f"{ME}/meetings/log", "log_meeting", meetings.log_unplanned, methods=["GET", "POST"])
MEETING = f"{ME}/meetings/<int:meeting_id>"
pairs.add_url_rule(MEETING, "meeting", meetings.meeting)
pairs.add_url_rule(f"{MEETING}/edit", "edit_meeting", meetings.edit, methods=["GET", "POST"])
pairs.add_url_rule(f"{MEETING}/log", "log_planned", meetings.log_planned, methods=["GET", "POST"])
pairs.add_url_rule(f"{MEETING}/not-held", "not_held", meetings.not_held, methods=["POST"])
pairs.add_url_rule(f"{MEETING}/cancel", "cancel_meeting", meetings.cancel, methods=["POST"])
pairs.add_url_rule(f"{MEETING}/note", "note", meetings.note, methods=["POST"])
pairs.add_url_rule(f"{MEETING}/check-in", "check_in", meetings.check_in, methods=["POST"])
pairs.add_url_rule(f"{MEETING}/meeting.ics", "meeting_file", meetings.meeting_file)

# A person's nudge setting (nudges/views.py).
pairs.add_url_rule("/me/settings/nudges", "nudge_settings", nudges.settings, methods=["GET", "POST"])

# The board (health/views.py).
BOARD = "/board/cohorts/<int:cohort_id>/pairs"
pairs.add_url_rule(BOARD, "health", health.health)
pairs.add_url_rule(f"{BOARD}/<int:pair_id>", "board_pair", health.pair)
pairs.add_url_rule(f"{BOARD}/<int:pair_id>/message", "message", health.message, methods=["POST"])
pairs.add_url_rule(f"{BOARD}/<int:pair_id>/end", "end", health.end, methods=["POST"])
pairs.add_url_rule(f"{BOARD}/<int:pair_id>/help/<int:help_id>/resolve", "resolve_help", health.resolve_help,
                   methods=["POST"])

# Organisation admins (health/views.py).
pairs.add_url_rule("/o/<org_slug>/pairs", "organisation_pairs", health.organisation_pairs)
