"""An organisation's reports (/o/<org_slug>/reports, its admins and the board): the cohorts its people took
part in, and per cohort its own people against the cohort as a whole, with the learnings its mentees chose to
share. Every figure comes from the club's one decision (figures.py), so no two reports together show more than
one; a cohort in which the organisation had nobody answers 404."""

from __future__ import annotations

from flask import abort, g, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import db_session
from tandem.platform.outcomes.models import SurveyKind
from tandem.platform.outcomes.reports.board_views import club_figures
from tandem.platform.outcomes.reports.exports import csv_response, xlsx_response
from tandem.platform.outcomes.reports.figures import ClubFigures, Section
from tandem.platform.outcomes.reports.queries import organisation_cohort_ids, shared_learnings, shared_texts
from tandem.platform.outcomes.reports.sections import organisation_sections


def _report() -> tuple[Cohort, ClubFigures, list[Section]]:
    cohort = url_cohort()
    organisation_id = g.organisation.id
    if cohort.id not in organisation_cohort_ids(db_session(), organisation_id):
        abort(404)
    figures = club_figures()
    question_ids = [question.id for _survey, question in figures.questions_of(cohort.id)]
    texts = shared_texts(db_session(), question_ids, organisation_id)
    finals = [s.id for s in figures.cohort_surveys(cohort.id) if s.kind == SurveyKind.FINAL]
    learnings = shared_learnings(db_session(), finals, organisation_id)
    return cohort, figures, organisation_sections(figures, cohort.id, organisation_id, texts, learnings)


@allow(Role.ORG_ADMIN)
def reports() -> str:
    session = db_session()
    ids = organisation_cohort_ids(session, g.organisation.id)
    cohorts = sorted((session.get(Cohort, cohort_id) for cohort_id in ids),
                     key=lambda c: (c.kickoff_on is None, c.kickoff_on, c.id)) if ids else []
    return render_template("outcomes/organisation_reports.html", cohorts=cohorts)


@allow(Role.ORG_ADMIN)
def report() -> str:
    cohort, figures, sections = _report()
    return render_template("outcomes/organisation_report.html", cohort=cohort, sections=sections, k=figures.k)


@allow(Role.ORG_ADMIN)
def report_csv() -> Response:
    cohort, _figures, sections = _report()
    title = _("Report of %(organisation)s in %(cohort)s", organisation=g.organisation.name, cohort=cohort.name)
    return csv_response(title, sections, f"{g.organisation.slug}-{cohort.slug}-report.csv",
                        kind="organisation_report_csv", organisation_id=g.organisation.id, cohort_id=cohort.id)


@allow(Role.ORG_ADMIN)
def report_xlsx() -> Response:
    cohort, _figures, sections = _report()
    return xlsx_response(sections, f"{g.organisation.slug}-{cohort.slug}-report.xlsx",
                         kind="organisation_report_xlsx", organisation_id=g.organisation.id, cohort_id=cohort.id)
