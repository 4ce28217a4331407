"""The board publishes a cohort's pairs (club scope)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.rematch.queries import open_rematch_count
from tandem.platform.transaction import request_transaction
from tandem.platform.workbench.publishing.forms import PublishForm
from tandem.platform.workbench.publishing.operations import publish_problems, publish_run
from tandem.platform.workbench.runs.queries import CohortRuns, published_run


def publish_context(session: Session, cohort: Cohort, runs: CohortRuns | None = None) -> dict[str, Any]:
    """What `workbench/_publish.html` needs; the workbench view spreads it into its template context (with the
    cohort's runs it has read: `runs`)."""
    problems, summary = publish_problems(session, cohort, runs)
    published = runs.published if runs is not None else published_run(session, cohort.id)
    return {
        "publish_problems": problems,
        "publish_summary": summary,
        "publish_form": PublishForm(data={"run_id": summary.run_id or ""}),
        "published_run": published,
        # shown once the pairs are published (rematch requests come after)
        "open_rematch_count": open_rematch_count(session, cohort.id) if published is not None else 0,
    }



def _workbench(cohort: Cohort) -> Response:
    # The workbench is the publish button's page (cohort page as a fallback while it does not exist).
    if "workbench.workbench" in current_app.view_functions:
        return redirect(url_for("workbench.workbench", cohort_id=cohort.id))
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@allow(Role.BOARD)
def publish() -> Response:
    session = db_session()
    cohort = url_cohort()
    form = PublishForm()
    if not form.validate_on_submit() or not (form.run_id.data or "").isdigit():
        abort(400)
    if not form.confirm.data:
        flash(_("Not published: tick the box to confirm that you have checked the pairs."), "error")
        return _workbench(cohort)
    with request_transaction(refused=lambda reason: _("Not published: %(reason)s", reason=reason)) as outcome:
        activated = publish_run(session, cohort, current_user.id, expected_run_id=int(validated(form.run_id.data)))
        outcome.say(ngettext("The pairs are published: %(num)d tandem is active, and everyone concerned is told by "
                             "e-mail.", "The pairs are published: %(num)d tandems are active, and everyone "
                             "concerned is told by e-mail.", activated))
    return _workbench(cohort)
