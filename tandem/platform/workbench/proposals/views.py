"""The board's matching workbench of a cohort (club scope): proposals, the unmatched, edits.

GET parameters of the workbench (no script needed): `sort` (score, -score, mentor, mentee, organisation),
`show` (all, locked, by_hand, below, warnings), `q` (free text on names and organisations), `page` (the pairs'
page), `upage` and `mpage` (the pages of the people without a partner and of the mentors' places). The forms
that change something carry them along, so that the board comes back to the list as it was, at the pair
it changed (an anchor): one pair's action re-renders one page, never the whole cohort.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.pagination import page_number
from tandem.platform.transaction import request_transaction
from tandem.platform.workbench import wording
from tandem.platform.workbench.proposals.forms import ActionForm, HandForm, SwapForm
from tandem.platform.workbench.proposals.operations import (
    Evaluation,
    edit_problem,
    hand_problem,
    lock_pair,
    pair_by_hand,
    swap_mentees,
    unlock_pair,
    unpair,
)
from tandem.platform.workbench.proposals.queries import (
    FILTERS,
    SORTS,
    HandChoices,
    Listing,
    explanation_labels,
    hand_choices,
    load_workbench,
    names_of,
)
from tandem.platform.workbench.publishing.views import publish_context
from tandem.platform.workbench.runs.queries import MATCHING_STATES, cohort_runs
from tandem.platform.workbench.runs.views import run_panel_context

SORT_LABELS = {
    "score": _l("Score, lowest first"),
    "-score": _l("Score, highest first"),
    "mentor": _l("Mentor's name"),
    "mentee": _l("Mentee's name"),
    "organisation": _l("Organisation"),
}
FILTER_LABELS = {
    "all": _l("All pairs"),
    "locked": _l("Locked"),
    "by_hand": _l("Changed by hand"),
    "below": _l("Below the threshold"),
    "warnings": _l("With a warning"),
}
PAGES = {"page": "page", "unmatched_page": "upage", "mentors_page": "mpage"}  # Listing's field -> parameter




def _list_args(source: MultiDict[str, str]) -> dict[str, Any]:
    """The list's sort, filter, search and pages, checked, for links and redirects (defaults left out)."""
    args: dict[str, Any] = {}
    sort, show, text = source.get("sort", ""), source.get("show", ""), " ".join(source.get("q", "").split())[:100]
    if sort in SORTS and sort != "score":
        args["sort"] = sort
    if show in FILTERS and show != "all":
        args["show"] = show
    if text:
        args["q"] = text
    for param in PAGES.values():
        if (number := page_number(source, param)) > 1:
            args[param] = number
    return args


def _listing(args: dict[str, Any]) -> Listing:
    return Listing(sort=args.get("sort", "score"), show=args.get("show", "all"), text=args.get("q", ""),
                   **{name: args.get(param, 1) for name, param in PAGES.items()})


def _back(cohort: Cohort, pair_id: int | None = None) -> Response:
    anchor = f"pair-{pair_id}" if pair_id else None
    return redirect(url_for("workbench.workbench", cohort_id=cohort.id, _anchor=anchor, **_list_args(request.form)))


# ------------------------------------------------------------------------------------------------- the page


@allow(Role.BOARD)
def workbench() -> str:
    session = db_session()
    cohort = url_cohort()
    args = _list_args(request.args)
    listing = _listing(args)
    runs = cohort_runs(session, cohort.id)  # once per request: every panel and check below reads from it
    view = load_workbench(session, cohort, current_language(), runs, listing)
    problem = edit_problem(session, cohort, runs)
    return render_template(
        "workbench/index.html", cohort=cohort, view=view, shown=view.pairs, problem=problem,
        editable=problem is None and not view.published, in_matching=cohort.state in MATCHING_STATES,
        can_pair_by_hand=view.run is not None and hand_problem(session, cohort, runs) is None and (
            not view.published or bool(view.figures and view.figures.unmatched_mentees)),
        sort=listing.sort, show=listing.show, text=listing.text, list_args=args, sorts=SORT_LABELS,
        filters=FILTER_LABELS, action_form=ActionForm(), **run_panel_context(session, cohort, runs),
        **publish_context(session, cohort, runs))


# ---------------------------------------------------------------------------------------------- the actions


def _pair_action(pair_id: int, operation: Any, done: Any) -> Response:
    session = db_session()
    cohort = url_cohort()
    if not ActionForm().validate_on_submit():
        abort(400)
    with request_transaction(refused=lambda reason: _("Not done: %(reason)s", reason=reason)) as outcome:
        result = operation(session, cohort, pair_id, current_user.id)
        outcome.say(done(session, result))
    return _back(cohort, pair_id)


def _pair_names(session: Any, mentor_id: int, mentee_id: int) -> dict[str, str]:
    names = names_of(session, [mentor_id, mentee_id])
    return {"mentor": names.get(mentor_id, "?"), "mentee": names.get(mentee_id, "?")}


@allow(Role.BOARD)
def lock(pair_id: int) -> Response:
    return _pair_action(pair_id, lock_pair, lambda session, pair: _(
        "%(mentor)s and %(mentee)s are locked: a new run keeps them together.",
        **_pair_names(session, pair.mentor_participation_id, pair.mentee_participation_id)))


@allow(Role.BOARD)
def unlock(pair_id: int) -> Response:
    return _pair_action(pair_id, unlock_pair, lambda session, pair: _(
        "%(mentor)s and %(mentee)s are unlocked: a new run may pair them differently.",
        **_pair_names(session, pair.mentor_participation_id, pair.mentee_participation_id)))


@allow(Role.BOARD)
def remove(pair_id: int) -> Response:
    return _pair_action(pair_id, unpair, lambda session, people: _(
        "%(mentor)s and %(mentee)s are no longer paired: both are in the list of people without a partner.",
        **_pair_names(session, *people)))


@allow(Role.BOARD)
def swap() -> Response:
    session = db_session()
    cohort = url_cohort()
    form = SwapForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = list(dict.fromkeys(form.pair_ids.data or []))
    if len(chosen) != 2:
        flash(_("Not done: choose exactly two pairs to swap their mentees."), "error")
        return _back(cohort)
    with request_transaction(refused=lambda reason: _("Not swapped: %(reason)s", reason=reason)) as outcome:
        result = swap_mentees(session, cohort, chosen[0], chosen[1], current_user.id)
        names = names_of(session, [result.first.mentor_participation_id, result.first.mentee_participation_id,
                                   result.second.mentor_participation_id, result.second.mentee_participation_id])
        outcome.say(_("The mentees are swapped: %(first_mentee)s is now with %(first_mentor)s, %(second_mentee)s "
                      "with %(second_mentor)s.", first_mentee=names.get(result.first.mentee_participation_id, "?"),
                      first_mentor=names.get(result.first.mentor_participation_id, "?"),
                      second_mentee=names.get(result.second.mentee_participation_id, "?"),
                      second_mentor=names.get(result.second.mentor_participation_id, "?")))
        for warning in _warnings(session, result.evaluations, names):
            outcome.say(warning, "info")
    if not outcome.committed:
        return _back(cohort)
    return _back(cohort, result.first.id)


def _warnings(session: Any, evaluations: list[Evaluation], names: dict[int, str]) -> list[str]:
    """One sentence per poor criterion and per score under the threshold, naming the two people."""
    labels = explanation_labels(session, [e.proposed.explanation() for e in evaluations], current_language())
    warnings = []
    for evaluation in evaluations:
        who = {"mentor": names.get(evaluation.mentor_id, "?"), "mentee": names.get(evaluation.mentee_id, "?")}
        for line in wording.explain(evaluation.proposed.explanation(), labels, **who):
            if line.name in evaluation.poor:
                warnings.append(_("%(mentor)s and %(mentee)s: %(criterion)s is poor. %(sentence)s",
                                  criterion=line.label, sentence=line.sentence, **who))
        if evaluation.below_threshold:
            warnings.append(_("%(mentor)s and %(mentee)s score %(score)d of 100, below the threshold of "
                              "%(threshold)d.", score=_hundred(evaluation.proposed.score),
                              threshold=_hundred(evaluation.threshold), **who))
    return warnings


def _hundred(value: float) -> int:
    """A score on the page's scale, 0 to 100."""
    return round(value * 100)


# ------------------------------------------------------------------------------------------- pair by hand


def _hand_choices(form: HandForm, view: HandChoices) -> None:
    """The mentors with room and the mentees without a mentor. Once one side is chosen (a link from the list
    of the unmatched, or a form sent back), the other offers only people of other organisations: a tandem spans
    two organisations (a pair of one organisation sent anyway is refused by the engine's rule)."""
    mentors = {m.person.participation_id: m.person for m in view.mentors_with_room}
    mentees = {person.participation_id: person for person in view.unmatched_mentees}
    chosen_mentor = mentors.get(form.mentor.data) if isinstance(form.mentor.data, int) else None
    chosen_mentee = mentees.get(form.mentee.data) if isinstance(form.mentee.data, int) else None
    form.mentor.choices = [(0, _("Choose a mentor…"))] + [
        (m.person.participation_id, _("%(name)s (%(organisation)s), %(load)d of %(capacity)d taken",
                                      name=m.person.name, organisation=m.person.organisation, load=m.load,
                                      capacity=m.person.capacity))
        for m in view.mentors_with_room
        if chosen_mentor is not None or chosen_mentee is None
        or m.person.organisation_id != chosen_mentee.organisation_id]
    form.mentee.choices = [(0, _("Choose a mentee…"))] + [
        (person.participation_id, _("%(name)s (%(organisation)s)", name=person.name,
                                    organisation=person.organisation))
        for person in view.unmatched_mentees
        if chosen_mentor is None or person.organisation_id != chosen_mentor.organisation_id]


@allow(Role.BOARD)
def by_hand() -> str | Response | tuple[str, int]:
    session = db_session()
    cohort = url_cohort()
    language = current_language()
    defaults: dict[str, Any] = {key: request.args.get(key, type=int) for key in ("mentor", "mentee")}
    defaults.update(_list_args(request.args))
    form = HandForm(data=None if request.method == "POST" else defaults)
    runs = cohort_runs(session, cohort.id)
    problem = hand_problem(session, cohort, runs)
    refusal = None
    evaluation = None
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        # A refusal is shown in the page (not flashed); unconfirmed, nothing is written: the board confirms first.
        with request_transaction(form, show_refusal=lambda refused: True) as outcome:
            result = pair_by_hand(session, cohort, form.mentor.data, form.mentee.data, current_user.id,
                                  confirmed=bool(form.confirmed.data))
            if result.pair is not None:
                outcome.say(_("%(mentor)s and %(mentee)s are paired by hand.",
                              **_pair_names(session, result.pair.mentor_participation_id,
                                            result.pair.mentee_participation_id)))
        if outcome.refused:
            refusal, status = (outcome.refusal.reason if outcome.refusal else None), 400
        elif result.pair is not None:
            return redirect(url_for("workbench.workbench", cohort_id=cohort.id, _anchor=f"pair-{result.pair.id}",
                                    **_list_args(request.form)))
        else:
            evaluation = result.evaluation
    elif form.errors:
        status = 400
    view = hand_choices(session, cohort, runs)
    _hand_choices(form, view)
    explained: list[wording.ExplainedCriterion] = []
    warnings: list[str] = []
    who: dict[str, str] = {}
    if evaluation is not None:
        names = names_of(session, [evaluation.mentor_id, evaluation.mentee_id])
        who = {"mentor": names.get(evaluation.mentor_id, "?"), "mentee": names.get(evaluation.mentee_id, "?")}
        labels = explanation_labels(session, [evaluation.proposed.explanation()], language)
        explained = wording.explain(evaluation.proposed.explanation(), labels, **who)
        warnings = [_("%(criterion)s is poor.", criterion=line.label) for line in explained
                    if line.name in evaluation.poor]
        if evaluation.below_threshold:
            warnings.append(_("The score is below the threshold of %(threshold)d.",
                              threshold=_hundred(evaluation.threshold)))
    return render_template("workbench/_hand.html", cohort=cohort, view=view, form=form, problem=problem,
                           refusal=refusal, evaluation=evaluation, explained=explained, warnings=warnings,
                           names=who,
                           list_args=_list_args(request.form if request.method == "POST" else request.args)), status
