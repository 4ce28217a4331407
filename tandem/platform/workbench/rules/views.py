"""The board's matching rules for a cohort (weights, never together, capacities) and the comparison of two
runs (club scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.matching.vocabulary import CRITERIA
from tandem.platform.pagination import page_number
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.transaction import Outcome, request_transaction
from tandem.platform.workbench.rules.forms import (
    CRITERION_HINTS,
    CRITERION_LABELS,
    ButtonForm,
    CapacityForm,
    ResetForm,
    SeparationForm,
    SettingsForm,
)
from tandem.platform.workbench.rules.operations import (
    WEIGHTS_FIELD,
    SeparationNotFound,
    add_separation,
    change_problem,
    delete_separation,
    form_weights,
    reset_matching_settings,
    save_matching_settings,
    set_mentor_capacity,
)
from tandem.platform.workbench.rules.queries import (
    BUCKETS,
    compare_runs,
    rules_view,
    succeeded_runs,
    weight_shares,
)
from tandem.platform.workbench.runs.queries import cohort_weights, current_run

Page = str | Response | tuple[str, int]




def _status(form: FlaskForm) -> int:
    return 400 if form.errors or form.form_errors else 200


def _done(outcome: Outcome) -> bool:
    """Whether the page is left: the change is saved, or refused as a whole (the refusal is flashed); a
    refusal beside the form's fields (or a conflict) shows the form again."""
    return outcome.committed or (outcome.refusal is not None and not outcome.refusal.field_messages)


# ---------------------------------------------------------------------------------------- weights, threshold


def _shares(values: dict[str, int] | None) -> dict[str, float] | None:
    if not values or sum(values.values()) <= 0:
        return None
    total = sum(values.values())
    return {name: values[name] / total for name in CRITERIA}


@allow(Role.BOARD)
def settings() -> Page:
    session = db_session()
    cohort = url_cohort()
    problem = change_problem(session, cohort)
    if request.method == "POST" and "reset" in request.form:
        if not ResetForm().validate_on_submit():
            abort(400)
        with request_transaction() as outcome:
            if reset_matching_settings(session, cohort, current_user.id):
                outcome.say(_("The weights and threshold are back to the defaults."))
            else:
                outcome.say(_("Nothing changed."), "info")
        return redirect(url_for("workbench.settings", cohort_id=cohort.id))

    defaults = {**form_weights(cohort_weights(cohort)), "threshold": round(cohort.matching_threshold * 100)}
    form = SettingsForm(data=None if request.method == "POST" else defaults)
    if form.validate_on_submit():
        with request_transaction(form, show_refusal=lambda refused: _beside_weights(form, refused)) as outcome:
            threshold = validated(form.threshold.data) / 100
            if save_matching_settings(session, cohort, form.weights(), threshold, current_user.id):
                outcome.say(_("The weights are saved: the next run uses them."))
            else:
                outcome.say(_("Nothing changed."), "info")
        if _done(outcome):
            return redirect(url_for("workbench.settings", cohort_id=cohort.id))
    run = current_run(session, cohort.id)
    return render_template(
        "workbench/settings.html", cohort=cohort, form=form, reset_form=ResetForm(), problem=problem,
        weights_errors=form.weights_errors, criteria=CRITERIA, labels=CRITERION_LABELS, hints=CRITERION_HINTS,
        shares=_shares(form.weight_values()), saved_shares=cohort_weights(cohort).normalised(),
        is_default=cohort.matching_weights is None, current_run=run,
        run_shares=weight_shares(run.parameters) if run else None,
    ), _status(form)


def _beside_weights(form: SettingsForm, refusal: OperationRefused) -> bool:
    """A problem with the weights as a whole (no field of its own) is shown beside the four weights."""
    message = refusal.field_messages.get(WEIGHTS_FIELD)
    if message is None:
        return False
    form.add_weights_error(str(message))
    return True


# ---------------------------------------------------------------------------- never together, capacities


@allow(Role.BOARD)
def rules() -> Page:
    session = db_session()
    cohort = url_cohort()
    args = _rules_args(request.args)
    form = SeparationForm()
    chosen = tuple(value for value in (_posted_id("participation_a"), _posted_id("participation_b")) if value)
    view = rules_view(session, cohort, search=args.get("who", ""), mentors_page=args.get("mpage", 1),
                      chosen=chosen)
    form.set_people(view.people)
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            add_separation(session, cohort, form.participation_a.data, form.participation_b.data,
                           form.reason.data, current_user.id)
            outcome.say(_("The two will never be paired."))
        if _done(outcome):
            return redirect(url_for("workbench.rules", cohort_id=cohort.id, **args))
    return render_template("workbench/rules.html", cohort=cohort, view=view, form=form, rules_args=args,
                           problem=change_problem(session, cohort), button_form=ButtonForm(),
                           capacity_form=CapacityForm()), _status(form)


def _rules_args(source: MultiDict[str, str]) -> dict[str, Any]:
    """The rules page's search for people (`who`) and mentors' page (`mpage`), checked (defaults left out)."""
    args: dict[str, Any] = {}
    who = " ".join(source.get("who", "").split())[:100]
    if who:
        args["who"] = who
    if (number := page_number(source, "mpage")) > 1:
        args["mpage"] = number
    return args


def _posted_id(name: str) -> int | None:
    """A person's id sent with the separation form (to offer them again when it is shown back)."""
    value = request.form.get(name, "") if request.method == "POST" else ""
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 2**63 else None


@allow(Role.BOARD)
def separation_delete(separation_id: int) -> Response:
    session = db_session()
    cohort = url_cohort()
    if not ButtonForm().validate_on_submit():  # the CSRF token
        abort(400)
    try:
        with request_transaction() as outcome:
            delete_separation(session, cohort, separation_id, current_user.id)
            outcome.say(_("The two may be paired again."))
    except SeparationNotFound:
        abort(404)
    return redirect(url_for("workbench.rules", cohort_id=cohort.id, **_rules_args(request.form)))


@allow(Role.BOARD)
def capacity() -> Response:
    session = db_session()
    cohort = url_cohort()
    form = CapacityForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction() as outcome:
        try:
            changed = set_mentor_capacity(session, cohort, validated(form.participation.data), form.capacity.data,
                                          current_user.id)
        except FieldProblem as problem:
            if problem.field == "participation":
                abort(404)  # not a mentor of this cohort
            raise
        if changed:
            outcome.say(_("The capacity is saved: the next run uses it."))
        else:
            outcome.say(_("Nothing changed."), "info")
    return redirect(url_for("workbench.rules", cohort_id=cohort.id, _anchor=f"mentor-{form.participation.data}",
                            **_rules_args(request.form)))


# ------------------------------------------------------------------------------------------------ comparing

HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    kind: str  # "count", "share" or "score"
    better: str | None  # HIGHER, LOWER or None (neither)


FIGURES = (
    Figure("pairs", _l("Pairs"), "count", HIGHER),
    Figure("share_matched", _l("Share of possible pairs formed"), "share", HIGHER),
    Figure("share_people_matched", _l("Share of people with a partner"), "share", HIGHER),
    Figure("lowest_score", _l("Lowest score"), "score", HIGHER),
    Figure("mean_score", _l("Mean score"), "score", HIGHER),
    Figure("total_score", _l("Total score"), "score", HIGHER),
    Figure("below_threshold", _l("Pairs below the threshold"), "count", LOWER),
    Figure("locked_pairs", _l("Locked pairs"), "count", None),
    Figure("unmatched_mentors", _l("Mentors without a mentee"), "count", LOWER),
    Figure("unmatched_mentees", _l("Mentees without a mentor"), "count", LOWER),
)


@dataclass(frozen=True)
class FigureRow:
    figure: Figure
    first: float | None
    second: float | None
    difference: float | None
    verdict: str | None  # "better", "worse", "same" (the second run against the first), or None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def figure_rows(first: dict[str, Any], second: dict[str, Any]) -> list[FigureRow]:
    rows = []
    for figure in FIGURES:
        a, b = _number(first.get(figure.key)), _number(second.get(figure.key))
        difference = b - a if a is not None and b is not None else None
        verdict = None
        if difference is not None and figure.better is not None:
            if abs(difference) < 1e-9:
                verdict = "same"
            else:
                verdict = "better" if (difference > 0) == (figure.better == HIGHER) else "worse"
        rows.append(FigureRow(figure, a, b, difference, verdict))
    return rows


@allow(Role.BOARD)
def compare() -> Page:
    session = db_session()
    cohort = url_cohort()
    runs = succeeded_runs(session, cohort)
    by_id = {run.id: run for run in runs}
    chosen = []
    for name, default in (("a", 1), ("b", 0)):
        raw = request.args.get(name)
        if raw:
            if not raw.isdigit() or int(raw) not in by_id:
                abort(404)
            chosen.append(by_id[int(raw)])
        elif len(runs) > default:
            chosen.append(runs[default])
    comparison = compare_runs(session, chosen[0], chosen[1]) if len(chosen) == 2 else None
    return render_template(
        "workbench/compare.html", cohort=cohort, runs=runs, comparison=comparison, criteria=CRITERIA,
        labels=CRITERION_LABELS, buckets=BUCKETS,
        rows=figure_rows(comparison.first.figures, comparison.second.figures) if comparison else [],
    )
