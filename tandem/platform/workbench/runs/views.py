"""The board's matching runs: start one, watch its progress, retry one that stopped (club scope)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, current_app, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import db_session
from tandem.platform.matching import Weights
from tandem.platform.transaction import request_transaction
from tandem.platform.workbench.models import MatchingRun
from tandem.platform.workbench.runs.execution import kept_locks
from tandem.platform.workbench.runs.forms import RunForm
from tandem.platform.workbench.runs.operations import retry_run, start_run
from tandem.platform.workbench.runs.queries import (
    MATCHING_STATES,
    CohortRuns,
    KeptPair,
    active_run,
    cohort_runs,
    current_run,
    is_stale,
    keepable_pairs,
    kept_by,
    published_run,
    run_state,
)


def stale_after() -> timedelta:
    return timedelta(minutes=current_app.config["TANDEM"].matching_run_stale_minutes)



def _run(cohort: Cohort, run_id: int) -> MatchingRun:
    run = db_session().get(MatchingRun, run_id)
    if run is None or run.cohort_id != cohort.id:
        abort(404)
    return run


def kept_pair_label(pair: KeptPair) -> str:
    """"Mentor and Mentee (set by hand)" or "(locked)"."""
    if pair.by_hand:
        return _("%(mentor)s and %(mentee)s (set by hand)", mentor=pair.mentor, mentee=pair.mentee)
    return _("%(mentor)s and %(mentee)s (locked)", mentor=pair.mentor, mentee=pair.mentee)


def kept_sentence(number: int, kept: list[KeptPair]) -> str:
    """What a run just started keeps of the run it is based on (the flash after starting it)."""
    if not kept:
        return _("Run %(number)s is started: it proposes every pair anew.", number=number)
    return ngettext("Run %(number)s is started. It keeps %(num)d pair as it is: %(pairs)s.",
                    "Run %(number)s is started. It keeps %(num)d pairs as they are: %(pairs)s.", len(kept),
                    number=number, pairs="; ".join(kept_pair_label(pair) for pair in kept))


def start_problem(session: Session, cohort: Cohort, runs: CohortRuns | None = None) -> str | None:
    """Why a run cannot be started now (None: it can). With the cohort's runs read already (`runs`), no query."""
    published = runs.published if runs is not None else published_run(session, cohort.id)
    if published is not None:  # first: in any later step, this is the reason
        return _("The pairs are published: a new run would not change them.")
    if cohort.state not in MATCHING_STATES:
        return _("Matching starts when nominations close: the cohort must be in its matching step.")
    active = runs.active if runs is not None else active_run(session, cohort.id)
    if active is not None:
        return _("A run is queued or running: wait until it has finished.")
    return None


def run_panel_context(session: Session, cohort: Cohort, runs: CohortRuns | None = None) -> dict[str, Any]:
    """What `workbench/_run_panel.html` needs: the runs, the active and current one, the start button (from the
    cohort's runs, `runs`, when the view has read them)."""
    runs = runs if runs is not None else cohort_runs(session, cohort.id)
    active = runs.active
    return {
        "runs": list(runs.runs),
        "active_run": active,
        "active_run_stale": active is not None and is_stale(active, stale_after()),
        "current_run": runs.current,
        "start_problem": start_problem(session, cohort, runs),
        "run_form": RunForm(),
    }


@allow(Role.BOARD)
def start() -> Response:
    session = db_session()
    cohort = url_cohort()
    form = RunForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction() as outcome:  # the job is enqueued on commit (in-process without Redis: it has run)
        run = start_run(session, cohort, current_user.id)
        based_on = run.parameters.get("based_on_run_id")
        kept = []
        if based_on:
            kept = keepable_pairs(session, based_on)
            if kept:  # as the run will read them: a pair set by hand that a rule made since forbids is not kept
                keeps = kept_locks(session, cohort.id, based_on, Weights(**run.parameters["weights"]))
                kept = [pair for pair in kept if (pair.mentor_id, pair.mentee_id) in keeps]
        outcome.say(kept_sentence(run.number, kept), "info")
    if not outcome.committed:
        return redirect(url_for("workbench.workbench", cohort_id=cohort.id))
    return redirect(url_for("workbench.run", cohort_id=cohort.id, run_id=run.id))


@allow(Role.BOARD)
def show(run_id: int) -> str:
    session = db_session()
    cohort = url_cohort()
    run = _run(cohort, run_id)
    state = run_state(run, stale_after())
    based_on = (run.parameters or {}).get("based_on_run_id")
    base_run = session.get(MatchingRun, based_on) if isinstance(based_on, int) else None
    return render_template("workbench/run.html", cohort=cohort, run=run, state=state, base_run=base_run,
                           is_current=(current_run(session, cohort.id) or run).id == run.id,
                           run_form=RunForm(),
                           kept=[kept_pair_label(pair) for pair in kept_by(session, run)] if base_run else [])


@allow(Role.BOARD)
def status(run_id: int) -> Response:
    """The run's state as JSON, polled by the progress page's script (never cached)."""
    run = _run(url_cohort(), run_id)
    response = jsonify(run_state(run, stale_after()).as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


@allow(Role.BOARD)
def retry(run_id: int) -> Response:
    session = db_session()
    cohort = url_cohort()
    run = _run(cohort, run_id)
    form = RunForm()
    if not form.validate_on_submit():
        abort(400)
    with request_transaction() as outcome:
        retry_run(session, run, current_user.id, stale_after())
        outcome.say(_("The run is queued again."))
    return redirect(url_for("workbench.run", cohort_id=cohort.id, run_id=run.id))
