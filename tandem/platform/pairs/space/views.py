"""The pair's own page, its agreement and goals, the mentor's request for help, the confirmation at closing.

Only the pair's two partners reach these pages: the blueprint's loader (`pairs/loading.py`) answers 404 to
anyone else, the board and the organisations' admins included. The request for help exists for the mentor
only (404 for the mentee). An ended pair's pages are read-only.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import today
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import current_language
from tandem.platform.pairs.facts import club_date
from tandem.platform.pairs.loading import Membership, url_membership
from tandem.platform.pairs.meetings.queries import meetings_section
from tandem.platform.pairs.models import MAX_GOAL, MAX_GOALS, GoalStatus
from tandem.platform.pairs.space import operations
from tandem.platform.pairs.space.forms import (
    GOAL_STATUS_LABELS,
    AgreementForm,
    ButtonForm,
    ConfirmAgreementForm,
    GoalStatusForm,
    HelpForm,
)
from tandem.platform.pairs.space.queries import (
    Due,
    agreement_of,
    goals_of,
    mentee_aims,
    own_help_requests,
    pair_page,
    pair_people,
    suggested_agreement,
    suggested_goals,
)
from tandem.platform.participant.labels import FORMAT_LABELS, LANGUAGE_LABELS, WEEKDAY_LABELS
from tandem.platform.participant.partner import partner_of
from tandem.platform.transaction import request_transaction

LABELS = {"languages": LANGUAGE_LABELS, "formats": FORMAT_LABELS, "weekdays": WEEKDAY_LABELS}


def _actor() -> operations.Actor:
    return operations.Actor(user_id=current_user.id, organisation_id=current_user.organisation_id)


def _pair_url(membership: Membership, anchor: str | None = None) -> str:
    return url_for("pairs.pair", pair_id=membership.pair.id, _anchor=anchor)


def _render_pair(membership: Membership, failed_goal: tuple[int, GoalStatusForm] | None = None,
                 status: int = 200) -> tuple[str, int]:
    session = db_session()
    day = today()
    page = pair_page(session, membership, day)
    language = current_language()
    partner = partner_of(session, current_user.id, membership.participation_id, language) \
        if membership.is_active else None
    card = partner or page.people.of(membership.partner_participation_id)
    goal_forms = {goal.id: GoalStatusForm(formdata=None, data={"status": goal.status}) for goal in page.goals}
    if failed_goal is not None and failed_goal[0] in goal_forms:
        goal_forms[failed_goal[0]] = failed_goal[1]
    confirmed_by = {}
    if page.agreement is not None:
        confirmed_by = {"mentor": page.agreement.mentor_confirmed_at, "mentee": page.agreement.mentee_confirmed_at}
    closing_open = operations.closing_is_open(page.cohort, day)
    return render_template(
        "pairs/pair.html", membership=membership, page=page, cohort=page.cohort, partner=card,
        partner_details=partner, labels=LABELS, me=page.people.of(membership.participation_id),
        goal_forms=goal_forms, goal_labels=GOAL_STATUS_LABELS, confirmed_by=confirmed_by,
        confirm_form=ConfirmAgreementForm(formdata=None, data={
            "seen": operations.agreement_version(page.agreement) if page.agreement is not None else ""}),
        button_form=ButtonForm(formdata=None), closing_open=closing_open, Due=Due,
        meetings_section=meetings_section(session, membership, language), club_date=club_date,
    ), status


@allow(Role.PARTICIPANT)
def pair() -> tuple[str, int]:
    return _render_pair(url_membership())


# -------------------------------------------------------------------------------------------------- agreement


def _render_agreement(membership: Membership, form: AgreementForm, status: int = 200) -> tuple[str, int]:
    session = db_session()
    people = pair_people(session, membership.pair)
    agreement = agreement_of(session, membership.pair.id)
    return render_template(
        "pairs/agreement.html", membership=membership, form=form, agreement=agreement,
        goals=goals_of(session, membership.pair.id), people=people, max_goals=MAX_GOALS, max_goal=MAX_GOAL,
        partner=people.of(membership.partner_participation_id), goal_labels=GOAL_STATUS_LABELS,
    ), status


def _agreement_defaults(membership: Membership) -> dict[str, object]:
    """The form as first shown: the agreement as it is, or, the first time, a suggested text and the goals
    suggested by the mentee's aims."""
    session = db_session()
    agreement = agreement_of(session, membership.pair.id)
    if agreement is not None:
        own = agreement.mentor_confirmed_at if membership.is_mentor else agreement.mentee_confirmed_at
        goals = [goal.text for goal in goals_of(session, membership.pair.id)]
        return {"text": agreement.text, "goals": "\n".join(goals), "confirm": own is not None}
    cohort = session.get(Cohort, membership.pair.cohort_id)
    assert cohort is not None  # a pair's cohort is a foreign key
    people = pair_people(session, membership.pair)
    return {"text": suggested_agreement(cohort, people),
            "goals": "\n".join(suggested_goals(mentee_aims(session, membership))), "confirm": False}


@allow(Role.PARTICIPANT)
def agreement() -> Response | tuple[str, int]:
    membership = url_membership()
    if request.method == "GET":
        return _render_agreement(membership, AgreementForm(formdata=None, data=_agreement_defaults(membership)))
    if not membership.is_active:
        return _refused_as_read_only(membership)
    form = AgreementForm()
    if not form.validate_on_submit():
        return _render_agreement(membership, form, 400)
    with request_transaction(form) as outcome:
        saved = operations.save_agreement(db_session(), membership, validated(form.text.data),
                                          validated(form.goals.data), bool(form.confirm.data), _actor())
        both = saved.mentor_confirmed_at is not None and saved.mentee_confirmed_at is not None
        outcome.say(_("Your agreement is saved and confirmed by both of you.") if both else
                    _("Your agreement is saved. Your partner is asked to read and confirm it on this page."))
    if outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages):
        return redirect(_pair_url(membership, "agreement"))
    return _render_agreement(membership, form, 400)


@allow(Role.PARTICIPANT)
def confirm_agreement() -> Response:
    membership = url_membership()
    form = ConfirmAgreementForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction(form) as outcome:
        operations.confirm_agreement(db_session(), membership, form.seen.data, _actor())
        outcome.say(_("You confirmed your agreement."))
    return redirect(_pair_url(membership, "agreement"))


@allow(Role.PARTICIPANT)
def goal_status(goal_id: int) -> Response | tuple[str, int]:
    membership = url_membership()
    session = db_session()
    if not any(goal.id == goal_id for goal in goals_of(session, membership.pair.id)):
        abort(404)  # another pair's goal does not exist here
    if not membership.is_active:
        return _refused_as_read_only(membership)
    form = GoalStatusForm()
    if not form.validate_on_submit():
        return _render_pair(membership, (goal_id, form), 400)
    wanted = validated(form.status.data)
    with request_transaction(form) as outcome:
        operations.set_goal_status(session, membership, goal_id, wanted, _actor())
        outcome.say(_("The goal is marked: %(status)s.", status=GOAL_STATUS_LABELS[GoalStatus(wanted)]))
    if outcome.refused and form.errors:
        return _render_pair(membership, (goal_id, form), 400)
    return redirect(_pair_url(membership, "goals"))


def _refused_as_read_only(membership: Membership) -> Response:
    flash(_("This tandem has ended: its page can be read, no longer changed."), "error")
    return redirect(_pair_url(membership))


# ----------------------------------------------------------------------------------------------------- help


def _render_help(membership: Membership, form: HelpForm, status: int = 200) -> tuple[str, int]:
    session = db_session()
    people = pair_people(session, membership.pair)
    return render_template("pairs/help.html", membership=membership, form=form, mentee=people.mentee,
                           requests=own_help_requests(session, membership), club_date=club_date), status


@allow(Role.PARTICIPANT)
def help_request() -> Response | tuple[str, int]:
    membership = url_membership()
    if not membership.is_mentor:
        abort(404)  # the mentor's way to the board does not exist for the mentee
    if request.method == "GET":
        return _render_help(membership, HelpForm(formdata=None))
    if not membership.is_active:
        return _refused_as_read_only(membership)
    form = HelpForm()
    if not form.validate_on_submit():
        return _render_help(membership, form, 400)
    with request_transaction(form) as outcome:
        operations.request_help(db_session(), membership, validated(form.message.data), _actor())
        outcome.say(_("Your message is with the club board. A board member will contact you; your mentee is "
                      "not told."))
    if outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages):
        return redirect(url_for("pairs.help", pair_id=membership.pair.id))
    return _render_help(membership, form, 400)


# --------------------------------------------------------------------------------------------------- closing


@allow(Role.PARTICIPANT)
def complete() -> Response:
    membership = url_membership()
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction(form) as outcome:
        closure = operations.confirm_completion(db_session(), membership, _actor())
        if closure.outcome is not None:
            outcome.say(_("Congratulations: you both confirmed that you completed your tandem."))
        else:
            outcome.say(_("Thank you. Your partner is asked to confirm too; then your tandem is completed."))
    return redirect(_pair_url(membership, "closing"))
