"""outcomes area: every route of the surveys and the reports.

- participants, under /me/surveys (their own invitations only, 404 otherwise): answer a survey and change the
  answers until it closes; at the final survey, mentees name up to three learnings for their organisation;
- the board, under /board/cohorts/<cohort_id>/surveys (club scope): the cohort's two surveys, their dates and
  questions, who has answered (never what);
- the board's reports, under /board/cohorts/<cohort_id>/report (one cohort) and /board/reports (across cohorts),
  each as a page, CSV and XLSX;
- organisation admins (and the board), under /o/<org_slug>/reports: their own people against the cohort as a
  whole, with the learnings their mentees chose to share.
"""

from __future__ import annotations

from flask import Blueprint

from tandem.platform.cohorts.loading import load_url_cohort
from tandem.platform.outcomes.reports import board_views as board_reports
from tandem.platform.outcomes.reports import organisation_views as organisation_reports
from tandem.platform.outcomes.surveys import board_views as board_surveys
from tandem.platform.outcomes.surveys import participant_views as answering
from tandem.tenants.resolution import resolve_organisation
from tandem.tenants.views import add_org_slug

outcomes = Blueprint("outcomes", __name__)
load_url_cohort(outcomes)
outcomes.url_value_preprocessor(resolve_organisation)
outcomes.url_defaults(add_org_slug)

# Participants (surveys/participant_views.py).
outcomes.add_url_rule("/me/surveys", "my_surveys", answering.my_surveys)
outcomes.add_url_rule("/me/surveys/<int:survey_id>", "answer_survey", answering.answer_survey,
                      methods=["GET", "POST"])

# The board's surveys (surveys/board_views.py).
SURVEYS = "/board/cohorts/<int:cohort_id>/surveys"
outcomes.add_url_rule(SURVEYS, "board_surveys", board_surveys.surveys)
outcomes.add_url_rule(f"{SURVEYS}/prepare", "prepare_surveys", board_surveys.prepare, methods=["POST"])
outcomes.add_url_rule(f"{SURVEYS}/<int:survey_id>", "board_survey", board_surveys.survey, methods=["GET", "POST"])
outcomes.add_url_rule(f"{SURVEYS}/<int:survey_id>/dates", "survey_dates", board_surveys.dates, methods=["POST"])
outcomes.add_url_rule(f"{SURVEYS}/<int:survey_id>/questions/<int:question_id>", "edit_question",
                      board_surveys.edit_question, methods=["GET", "POST"])
outcomes.add_url_rule(f"{SURVEYS}/<int:survey_id>/questions/<int:question_id>/delete", "delete_question",
                      board_surveys.delete_question, methods=["POST"])
outcomes.add_url_rule(f"{SURVEYS}/<int:survey_id>/respondents", "respondents", board_surveys.respondents)

# The board's reports (reports/board_views.py).
REPORT = "/board/cohorts/<int:cohort_id>/report"
outcomes.add_url_rule(REPORT, "cohort_report", board_reports.cohort_report)
outcomes.add_url_rule(f"{REPORT}.csv", "cohort_report_csv", board_reports.cohort_report_csv)
outcomes.add_url_rule(f"{REPORT}.xlsx", "cohort_report_xlsx", board_reports.cohort_report_xlsx)
outcomes.add_url_rule("/board/reports", "club_report", board_reports.club_report)
outcomes.add_url_rule("/board/reports.csv", "club_report_csv", board_reports.club_report_csv)
outcomes.add_url_rule("/board/reports.xlsx", "club_report_xlsx", board_reports.club_report_xlsx)

# Organisation admins (reports/organisation_views.py).
ORG = "/o/<org_slug>/reports"
outcomes.add_url_rule(ORG, "organisation_reports", organisation_reports.reports)
outcomes.add_url_rule(f"{ORG}/<int:cohort_id>", "organisation_report", organisation_reports.report)
outcomes.add_url_rule(f"{ORG}/<int:cohort_id>.csv", "organisation_report_csv", organisation_reports.report_csv)
outcomes.add_url_rule(f"{ORG}/<int:cohort_id>.xlsx", "organisation_report_xlsx", organisation_reports.report_xlsx)
