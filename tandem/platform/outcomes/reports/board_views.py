"""The club board's reports: one cohort (/board/cohorts/<cohort_id>/report) and the club across cohorts
(/board/reports), each as a page, a CSV and an XLSX, all rendered from the same sections (sections.py)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.database import db_session
from tandem.platform.i18n import current_language
from tandem.platform.outcomes.reports.exports import csv_response, xlsx_response
from tandem.platform.outcomes.reports.figures import ClubFigures, Section, build
from tandem.platform.outcomes.reports.queries import club_counts, shared_texts
from tandem.platform.outcomes.reports.sections import club_sections, cohort_sections


def club_figures() -> ClubFigures:
    return build(club_counts(db_session()), current_app.config["TANDEM"].report_min_group, current_language())


def _cohort() -> tuple[ClubFigures, list[Section]]:
    cohort = url_cohort()
    figures = club_figures()
    question_ids = [question.id for _survey, question in figures.questions_of(cohort.id)]
    texts = shared_texts(db_session(), question_ids)
    return figures, cohort_sections(figures, cohort.id, texts)


@allow(Role.BOARD)
def cohort_report() -> str:
    figures, sections = _cohort()
    return render_template("outcomes/report.html", cohort=url_cohort(), sections=sections, k=figures.k)


@allow(Role.BOARD)
def cohort_report_csv() -> Response:
    cohort = url_cohort()
    _figures, sections = _cohort()
    return csv_response(_("Report of %(cohort)s", cohort=cohort.name), sections, f"{cohort.slug}-report.csv",
                        kind="cohort_report_csv", cohort_id=cohort.id)


@allow(Role.BOARD)
def cohort_report_xlsx() -> Response:
    cohort = url_cohort()
    _figures, sections = _cohort()
    return xlsx_response(sections, f"{cohort.slug}-report.xlsx", kind="cohort_report_xlsx", cohort_id=cohort.id)


@allow(Role.BOARD)
def club_report() -> str:
    figures = club_figures()
    return render_template("outcomes/report_club.html", sections=club_sections(figures), k=figures.k)


@allow(Role.BOARD)
def club_report_csv() -> Response:
    return csv_response(_("The club's report across cohorts"), club_sections(club_figures()), "club-report.csv",
                        kind="club_report_csv")


@allow(Role.BOARD)
def club_report_xlsx() -> Response:
    return xlsx_response(club_sections(club_figures()), "club-report.xlsx", kind="club_report_xlsx")
