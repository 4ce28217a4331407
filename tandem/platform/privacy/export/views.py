"""The person's own data: the page /me/data (all that Tandem holds about them, grouped, readable), asking for
the JSON export, its status page and its one-time download link.

Everything here is the signed-in person's own: another person's export answers 404 (as does a wrong, used or
replaced link). The readable page and the file are built from the same collector (collector.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import now
from tandem.platform.database import db_session
from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.privacy.export import operations
from tandem.platform.privacy.export.collector import SCHEMA, SCHEMA_VERSION, collect
from tandem.platform.privacy.export.jobs import prepare_data_export
from tandem.platform.privacy.models import ExportStatus
from tandem.platform.transaction import request_transaction
from tandem.tenants.models import Organisation
from tandem.workers.queues import enqueue_after_commit

# The page's groups: every table the export holds is in one (a unit test checks).
SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_l("Account and sign-in"), ("users", "identities", "sign_in_links", "user_sessions", "organisation_admins",
                                 "board_members")),
    (_l("Taking part in cohorts"), ("participations", "profiles", "profile_topics", "survey_invitations",
                                    "matching_runs", "pairs", "rematch_requests")),
    (_l("My tandem"), ("pair_agreements", "pair_goals", "pair_meetings", "meeting_notes", "pair_check_ins",
                       "pair_help_requests", "pair_board_messages", "pair_closures", "pair_nudges",
                       "nudge_preferences")),
    (_l("Surveys (while a survey is open)"), ("survey_responses", "survey_answers", "survey_learnings")),
    (_l("Programme and calendar"), ("event_invitations", "calendar_feeds")),
    (_l("Story and showcase"), ("stories", "story_topics", "story_changes", "story_consents", "story_reviews",
                                "symposium_slot_stories")),
    (_l("Mails sent to me"), ("outbox_messages",)),
    (_l("Records: what I did, and who did or saw what about me"), ("audit_events",)),
    (_l("My requests about my data"), ("data_exports", "erasure_requests")),
    (_l("Barriers I reported"), ("barrier_reports",)),
)

TABLE_LABELS: dict[str, Any] = {
    "users": _l("Account"), "identities": _l("Sign-in identities"), "sign_in_links": _l("Sign-in links"),
    "user_sessions": _l("Sessions"), "organisation_admins": _l("Organisation admin"),
    "board_members": _l("Club board"), "participations": _l("Participations"), "profiles": _l("Profiles"),
    "profile_topics": _l("Profile topics"), "survey_invitations": _l("Survey invitations"),
    "matching_runs": _l("Matching: why no partner was found"), "pairs": _l("Pairs"),
    "rematch_requests": _l("Requests for another partner"), "pair_agreements": _l("Agreements"),
    "pair_goals": _l("Goals"), "pair_meetings": _l("Meetings"), "meeting_notes": _l("My private meeting notes"),
    "pair_check_ins": _l("Check-ins"), "pair_help_requests": _l("Requests for the board's help"),
    "pair_board_messages": _l("Messages from the board"), "pair_closures": _l("Closing the tandem"),
    "pair_nudges": _l("Meeting reminders"), "nudge_preferences": _l("Reminder mails"),
    "survey_responses": _l("Survey responses"), "survey_answers": _l("Survey answers"),
    "survey_learnings": _l("Learnings"), "event_invitations": _l("Event invitations"),
    "calendar_feeds": _l("Calendar feeds"), "stories": _l("Stories"), "story_topics": _l("Story topics"),
    "story_changes": _l("Story changes"), "story_consents": _l("What may be public"),
    "story_reviews": _l("Organisation's reviews"), "symposium_slot_stories": _l("Symposium slots"),
    "outbox_messages": _l("Mails"), "audit_events": _l("Records"), "data_exports": _l("Exports"),
    "erasure_requests": _l("Requests for erasure"), "barrier_reports": _l("Barrier reports"),
}


class ExportForm(TandemForm):
    """Asking for the export: only the CSRF token is checked."""


@dataclass(frozen=True)
class TableView:
    name: str
    label: Any
    columns: list[tuple[str, str]]          # (key, what)
    rows: list[list[tuple[str, str]]]       # per row: (what, shown value)


def _moment(value: str) -> str | None:
    """An ISO moment of the export as the reader's language writes it (None: not a moment)."""
    if len(value) < 20 or value[10:11] != "T" or not value[:4].isdigit():
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return format_datetime(moment, "medium")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return _moment(value) or value
    if value is None:
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, dict) and ("base64" in value or value.get("omitted")):
        return _("a picture (%(size)s bytes)", size=value.get("size_bytes"))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _table_view(name: str, table: dict[str, Any], organisations: dict[int, str]) -> TableView:
    columns = [(key, spec["what"]) for key, spec in table["columns"].items()]
    if name == "calendar_feeds":
        columns = [(key, what) if key != "revoked_at" else ("active", _("whether the feed is active"))
                   for key, what in columns]
    if name == "audit_events":
        columns.append(("actor", _("who did it, when it was not you")))
    if name == "matching_runs":
        columns = [("unmatched", what) for key, what in columns]
    rows = []
    for row in table["rows"]:
        shown = []
        for key, what in columns:
            value = row.get(key)
            if key == "actor" and value:
                value = f"{value['name']} ({value['role']})"
            elif key == "organisation_id" and isinstance(value, int):
                value = organisations.get(value, value)  # the organisation's name, not its number
            shown.append((what, _shown(value)))
        rows.append(shown)
    return TableView(name=name, label=TABLE_LABELS.get(name, name), columns=columns, rows=rows)


def sections_of(data: dict[str, Any], organisations: dict[int, str] | None = None
                ) -> list[tuple[Any, list[TableView]]]:
    tables = data["tables"]
    return [(title, [_table_view(name, tables[name], organisations or {}) for name in names if name in tables])
            for title, names in SECTIONS]


@allow(Role.PARTICIPANT)
def my_data() -> str:
    session = db_session()
    data = collect(session, current_user.id, created_at=now(), photos=False)
    if data is None:
        abort(404)
    organisations = dict(session.execute(sa.select(Organisation.id, Organisation.name)).tuples().all())
    return render_template("privacy/data.html", data=data, sections=sections_of(data, organisations),
                           latest=operations.latest_export(session, current_user.id), form=ExportForm(),
                           statuses=ExportStatus)


@allow(Role.PARTICIPANT)
def request_export() -> Response:
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    with request_transaction(form) as outcome:
        export, new = operations.request_export(session, current_user.id, current_user.organisation_id, now())
        if new:
            enqueue_after_commit(session, prepare_data_export, export.id, job_id=f"data-export-{export.id}")
    if not outcome.committed:
        return redirect(url_for("privacy.my_data"))
    return redirect(url_for("privacy.export_status", export_id=export.id))


@allow(Role.PARTICIPANT)
def export_status(export_id: int) -> str | Response:
    session = db_session()
    export = operations.export_of(session, export_id, current_user.id)
    if export is None:
        abort(404)
    link = None
    if export.status == ExportStatus.READY:
        with request_transaction() as outcome:
            token = operations.issue_link(session, export)
        if outcome.committed and token is not None:
            link = url_for("privacy.download_export", export_id=export.id, token=token)
    return render_template("privacy/data_export.html", export=export, link=link, form=ExportForm(),
                           statuses=ExportStatus, schema=SCHEMA, schema_version=SCHEMA_VERSION,
                           waiting=export.status == ExportStatus.QUEUED and not operations.is_stale(export, now()))


@allow(Role.PARTICIPANT)
def download(export_id: int, token: str) -> Response:
    moment = now()
    with request_transaction() as outcome:
        content = operations.take_download(db_session(), export_id, current_user.id, token, moment)
    if not outcome.committed or content is None:
        abort(404)
    response = Response(content, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="tandem-my-data-{moment:%Y-%m-%d}.json"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
