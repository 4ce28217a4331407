"""Pair health: what the board sees of a cohort's pairs and of one pair (metadata and flags, never the pairs'
texts), the board's actions on a pair, and an organisation admin's flags of the pairs of their people.

The board's pages run in club scope (`Role.BOARD`); the cohort and the pair of the URL are loaded once by the
blueprint (`url_cohort()`, `url_pair()`: a published pair of that cohort, else 404). The organisation's page
runs in that organisation's scope (its admins and the board).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_time
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import club_zone, today
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.database import as_utc, db_session
from tandem.platform.i18n import current_language
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.pairs.health import chart
from tandem.platform.pairs.health.forms import ButtonForm, EndForm, MessageForm
from tandem.platform.pairs.health.operations import end_pair_early, send_board_message
from tandem.platform.pairs.health.operations import resolve_help as resolve_help_request
from tandem.platform.pairs.health.queries import (
    DEFAULT_SORT,
    SORT_KEYS,
    CohortHealth,
    Filters,
    HealthRow,
    PairDetail,
    PairState,
    board_pair_detail,
    cohort_health,
    filtered,
    sorted_rows,
    summary_of,
)
from tandem.platform.pairs.health.queries import organisation_pairs as organisation_pair_rows
from tandem.platform.pairs.loading import url_pair
from tandem.platform.pairs.models import MeetingFormat, MeetingStatus
from tandem.platform.pairs.rhythm import Flag
from tandem.platform.privacy.records.seen import note_viewed
from tandem.platform.rematch.models import RematchStatus
from tandem.platform.transaction import request_transaction

FLAG_LABELS = {
    Flag.SILENT: _l("Silent"),
    Flag.OVERDUE: _l("Overdue"),
    Flag.LOW_CHECK_INS: _l("Low check-ins"),
    Flag.PARTNER_WITHDREW: _l("A partner withdrew"),
    Flag.HELP_ASKED: _l("Mentor asked for help"),
    Flag.REMATCH_ASKED: _l("Rematch asked"),
}
FLAG_HINTS = {
    Flag.SILENT: _l("No meeting for weeks past the date the next one was due, and none planned."),
    Flag.OVERDUE: _l("The next meeting is due and none is planned."),
    Flag.LOW_CHECK_INS: _l("The partners find their meetings of little use."),
    Flag.PARTNER_WITHDREW: _l("One of the two withdrew from the programme."),
    Flag.HELP_ASKED: _l("The mentor wrote to the board and is waiting for an answer."),
    Flag.REMATCH_ASKED: _l("A partner asked for another partner."),
}
STATE_LABELS = {
    PairState.ACTIVE: _l("Active"),
    PairState.COMPLETED: _l("Completed"),
    PairState.ENDED_EARLY: _l("Ended early"),
    PairState.PARTNER_WITHDREW: _l("Partner withdrew"),
}
FORMAT_LABELS = {MeetingFormat.IN_PERSON: _l("In person"), MeetingFormat.ONLINE: _l("Online")}
MEETING_STATUS_LABELS = {
    MeetingStatus.PLANNED: _l("Planned"),
    MeetingStatus.HELD: _l("Held"),
    MeetingStatus.NOT_HELD: _l("Did not take place"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}
REMATCH_LABELS = {
    RematchStatus.OPEN: _l("Waiting for the board"),
    RematchStatus.ACCEPTED: _l("Accepted"),
    RematchStatus.DECLINED: _l("Declined"),
}
ROLE_LABELS = {"mentor": _l("Mentor"), "mentee": _l("Mentee")}
# The columns of the pair health table: (sort key, heading).
COLUMNS = (
    ("mentor", _l("Mentor")),
    ("mentee", _l("Mentee")),
    ("meetings", _l("Meetings held / expected")),
    ("last", _l("Last meeting")),
    ("next", _l("Next meeting")),
    ("check_ins", _l("Check-ins")),
    ("goals", _l("Goals done")),
    ("rematch", _l("Rematch")),
    ("flags", _l("Flags")),
    ("status", _l("Status")),
)
REPAIRING_STATES = (CohortState.MATCHING, CohortState.RUNNING)  # new tandems can be formed by hand


def _labels() -> dict[str, Any]:
    return {"flag_labels": FLAG_LABELS, "flag_hints": FLAG_HINTS, "state_labels": STATE_LABELS,
            "format_labels": FORMAT_LABELS, "meeting_status_labels": MEETING_STATUS_LABELS,
            "rematch_labels": REMATCH_LABELS, "role_labels": ROLE_LABELS, "local_time": _local_time,
            "language": current_language(), "zone": club_zone().key}


def _local_time(moment: datetime | None) -> str:
    """A stored moment in the club's time zone, in the reader's language ("" for none)."""
    if moment is None:
        return ""
    local, language = as_utc(moment).astimezone(club_zone()), current_language()
    return (f"{format_date(local.date(), format='medium', locale=language)}, "
            f"{format_time(local, format='short', locale=language)}")


def _refused(reason: str) -> str:
    return _("Not done: %(reason)s", reason=reason)


# ------------------------------------------------------------------------------------------ pair health


def _filters(organisations: list[tuple[int, str]]) -> Filters:
    """The page's filters from its query string; a value that is not one of the choices is no filter."""
    flag = request.args.get("flag", "")
    state = request.args.get("status", "")
    organisation = request.args.get("organisation", "")
    known = {str(oid): oid for oid, _name in organisations}
    return Filters(flag=Flag(flag) if flag in tuple(Flag) else None,
                   organisation_id=known.get(organisation),
                   state=PairState(state) if state in tuple(PairState) else None)


def _chart_bars(cohort: Cohort, days: list[date], language: str) -> list[chart.Bar]:
    """Meetings held per month, from the cohort's kick-off (or its first meeting) to its closing (or today)."""
    first = cohort.kickoff_on or (min(days) if days else None)
    last = cohort.closing_on or today()
    if first is None:
        return []
    if days:
        first, last = min(first, min(days)), max(last, max(days))
    months = chart.months_between(first, last)
    counts = chart.count_by_month(days, months)
    return [chart.Bar(label=format_date(month, "MMM yyyy", locale=language), value=count,
                      key=month.strftime("%Y-%m")) for month, count in zip(months, counts, strict=True)]


def _sort_links(cohort: Cohort, filters: Filters, sort: str, descending: bool) -> dict[str, dict[str, Any]]:
    """For each column: the link that sorts by it (the other direction when it is the current sort) and its
    aria-sort value."""
    base: dict[str, Any] = {"cohort_id": cohort.id}
    if filters.flag is not None:
        base["flag"] = filters.flag.value
    if filters.organisation_id is not None:
        base["organisation"] = filters.organisation_id
    if filters.state is not None:
        base["status"] = filters.state.value
    links: dict[str, dict[str, Any]] = {}
    for key, _label in COLUMNS:
        current = key == sort
        direction = ("asc" if descending else "desc") if current else "asc"
        links[key] = {
            "url": url_for("pairs.health", **base, sort=key, dir=direction),
            "aria_sort": ("descending" if descending else "ascending") if current else None,
            "next": direction,
        }
    return links


PAGE_SIZE = 50  # pairs a page: the table of a cohort of 2,000 pairs stays a page to read, not a megabyte


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def _page_links(cohort: Cohort, filters: Filters, sort: str, descending: bool, page: int,
                pages: int) -> dict[str, str | None]:
    """The previous and next pages' addresses, with the same filters and order (None: no such page)."""
    base: dict[str, Any] = {"cohort_id": cohort.id, "sort": sort, "dir": "desc" if descending else "asc"}
    if filters.flag is not None:
        base["flag"] = filters.flag.value
    if filters.organisation_id is not None:
        base["organisation"] = filters.organisation_id
    if filters.state is not None:
        base["status"] = filters.state.value
    return {"previous": url_for("pairs.health", **base, page=page - 1, _anchor="pair-health") if page > 1 else None,
            "next": url_for("pairs.health", **base, page=page + 1, _anchor="pair-health") if page < pages else None}


@allow(Role.BOARD)
def health() -> str:
    session = db_session()
    cohort = url_cohort()
    language = current_language()
    data: CohortHealth = cohort_health(session, cohort, today())
    filters = _filters(data.organisations)
    sort = request.args.get("sort", DEFAULT_SORT)
    sort = sort if sort in SORT_KEYS else DEFAULT_SORT
    descending = request.args.get("dir") == "desc"
    rows: list[HealthRow] = sorted_rows(filtered(data.rows, filters), sort, descending)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(_page_number(), pages)
    shown = rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    note_viewed((person.user_id for row in shown for person in (row.mentor, row.mentee)), "pair_list",
                cohort_id=cohort.id)
    bars = _chart_bars(cohort, data.meeting_days, language)
    chart_svg = chart.bar_chart(
        bars, title=_("Meetings held per month in %(cohort)s", cohort=cohort.name),
        description=_("%(total)d meetings held in all; the table below the chart gives each month's figure.",
                      total=sum(bar.value for bar in bars)),
        id_prefix="meetings-chart") if bars else None
    return render_template(
        "pairs/health.html", cohort=cohort, rows=shown, matching=len(rows), page=page, pages=pages,
        first=(page - 1) * PAGE_SIZE + 1, page_links=_page_links(cohort, filters, sort, descending, page, pages),
        all_count=len(data.rows), summary=summary_of(data.rows),
        filters=filters, organisations=data.organisations, sort=sort, descending=descending,
        columns=COLUMNS, sort_links=_sort_links(cohort, filters, sort, descending), bars=bars, chart_svg=chart_svg,
        flags=tuple(Flag), states=tuple(PairState), **_labels())


# -------------------------------------------------------------------------------------------- one pair


def _detail(cohort: Cohort) -> PairDetail:
    detail = board_pair_detail(db_session(), cohort, url_pair().id, today())
    if detail is None:
        abort(404)
    return detail


def _render_pair(cohort: Cohort, *, message_form: MessageForm | None = None, end_form: EndForm | None = None,
                 status: int = 200) -> tuple[str, int]:
    detail = _detail(cohort)
    note_viewed((detail.row.mentor.user_id, detail.row.mentee.user_id), "pair_details", cohort_id=cohort.id,
                pair_id=detail.row.pair_id)
    return render_template(
        "pairs/board_pair.html", cohort=cohort, detail=detail, row=detail.row,
        message_form=message_form or MessageForm(formdata=None), end_form=end_form or EndForm(formdata=None),
        button_form=ButtonForm(formdata=None), can_repair=cohort.state in REPAIRING_STATES, **_labels()), status


@allow(Role.BOARD)
def pair() -> tuple[str, int]:
    return _render_pair(url_cohort())


def _back_to_pair(cohort: Cohort, anchor: str) -> Response:
    return redirect(url_for("pairs.board_pair", cohort_id=cohort.id, pair_id=url_pair().id, _anchor=anchor))


@allow(Role.BOARD)
def message() -> Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    form = MessageForm()
    if form.validate_on_submit():
        with request_transaction(form, refused=_refused) as outcome:
            send_board_message(session, cohort, url_pair(), form.body.data, current_user.id)
            outcome.say(_("Your message is sent to both partners and shown on their tandem's page."))
        if outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages):
            return _back_to_pair(cohort, "messages")
    return _render_pair(cohort, message_form=form, status=400)


@allow(Role.BOARD)
def end() -> Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    form = EndForm()
    if form.validate_on_submit():
        with request_transaction(form, refused=_refused) as outcome:
            end_pair_early(session, cohort, url_pair(), form.reason.data, current_user.id)
            outcome.say(_("The tandem has ended. Both partners and their organisations' admins are told by e-mail; "
                          "the pair leaves the meeting rhythm and its reminders."))
        if outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages):
            return _back_to_pair(cohort, "ending")
    return _render_pair(cohort, end_form=form, status=400)


@allow(Role.BOARD)
def resolve_help(help_id: int) -> Response:
    session = db_session()
    cohort = url_cohort()
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        with request_transaction(refused=_refused) as outcome:
            resolve_help_request(session, url_pair(), help_id, current_user.id)
            outcome.say(_("The request for help is marked as dealt with."))
    except LookupError:
        abort(404)  # a request of another pair does not exist here
    return _back_to_pair(cohort, "help")


# ---------------------------------------------------------------------------------------- organisations


@allow(Role.ORG_ADMIN)
def organisation_pairs() -> str:
    rows = organisation_pair_rows(db_session(), today())
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(_page_number(), pages)
    cohorts: dict[int, tuple[str, list[Any]]] = {}
    for row in rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]:
        cohorts.setdefault(row.cohort_id, (row.cohort_name, []))[1].append(row)
    note_viewed((person for row in rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE] for person in row.people),
                "pair_list")
    links = {"previous": url_for("pairs.organisation_pairs", page=page - 1) if page > 1 else None,
             "next": url_for("pairs.organisation_pairs", page=page + 1) if page < pages else None}
    return render_template("pairs/organisation_pairs.html", cohorts=list(cohorts.values()), count=len(rows),
                           page=page, pages=pages, page_links=links, **_labels())
