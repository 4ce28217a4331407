"""The sections of each report, from the one set of figures (figures.py): the club's report of a cohort, the
club's report across cohorts, and an organisation's report of a cohort (its own people against the cohort as
a whole). The page, the CSV and the XLSX all render these sections, so a hidden figure reads "fewer than N
answers" everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from tandem.platform.outcomes.models import QuestionAudience, QuestionKind, SurveyKind
from tandem.platform.outcomes.reports.figures import Bar, Cell, Chart, ClubFigures, Figure, Section, fewer_than
from tandem.platform.outcomes.wording import AUDIENCE_LABELS


def _number(value: float | int | None) -> str:
    """A figure as the reader's language writes it (1,5 in German and French, 1.5 in English)."""
    return "" if value is None else str(format_decimal(value))


def _month(month: str) -> str:
    """"2025-06" as the reader's language names the month ("June 2025", "Juni 2025")."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return str(format_date(date(year, number, 1), "LLLL y"))
    except ValueError:
        return month


def _kind_label(kind: str) -> str:
    return _("Mid-point survey") if kind == SurveyKind.MIDPOINT else _("Final survey")


def _rate(invited: int, answered: int) -> Cell:
    return round(100 * answered / invited, 1) if invited else None


def _per_pair(meetings: int, pairs: int) -> Cell:
    return round(meetings / pairs, 2) if pairs else None


def _bar(figures: ClubFigures, label: str, key: Any, value: float | None, text: str) -> Bar:
    shown = figures.decision.shown(key)
    return Bar(label, value if shown else None, text if shown else str(figures.cell(key, text)))


def _average(figures: ClubFigures, key: Any) -> Cell:
    figure = figures.figures.get(key)
    if figure is None:
        return figures.cell(key, None)
    return figures.cell(key, figure.average)


def _people(figures: ClubFigures, key: Any) -> Cell:
    figure = figures.figures.get(key)
    return figures.cell(key, figure.people if figure else 0)


# --------------------------------------------------------------------------------------- the club, a cohort


def cohort_sections(figures: ClubFigures, cohort_id: int,
                    texts: list[tuple[int, int | None, str]]) -> list[Section]:
    """The club's report of one cohort; shared texts only of the organisations' groups that are shown."""
    sections = [_participation(figures, cohort_id), _meetings(figures, cohort_id, None),
                _response_rates(figures, cohort_id, None), _check_ins(figures, cohort_id, None)]
    sections.extend(_questions(figures, cohort_id, None, texts))
    return sections


def _participation(figures: ClubFigures, cohort_id: int) -> Section:
    rows: list[list[Cell]] = []
    bars = []
    for org in figures.cohort_organisations(cohort_id):
        mentors, mentees = figures.people(cohort_id, org, "mentor"), figures.people(cohort_id, org, "mentee")
        pairs, completed, early, goals, done = figures.pair_facts(cohort_id, org)
        name = figures.organisation_name(org)
        rows.append([name, mentors, mentees, pairs, completed, early, done, goals])
        bars.append(Bar(name, mentors + mentees, _number(mentors + mentees)))
    pairs, completed, early, goals, done = figures.pair_facts(cohort_id)
    rows.append([_("The cohort as a whole"), figures.people(cohort_id, role="mentor"),
                 figures.people(cohort_id, role="mentee"), pairs, completed, early, done, goals])
    return Section(
        "participation", _("Participation per organisation"),
        [_("Organisation"), _("Mentors"), _("Mentees"), _("Pairs"), _("Pairs completed"), _("Pairs ended early"),
         _("Goals done"), _("Goals set")], rows,
        chart=Chart(_("People taking part per organisation"),
                    _("Mentors and mentees of each organisation, as a horizontal bar per organisation."), bars),
        note=_("A pair counts for the organisations of both partners; the cohort's row counts it once."))


def _meetings(figures: ClubFigures, cohort_id: int, organisation_id: int | None) -> Section:
    cohort_months = figures.meetings_by_month(cohort_id)
    cohort_pairs = figures.pair_facts(cohort_id)[0]
    header = [_("Month"), _("Meetings held"), _("Meetings per pair")]
    own_months: dict[str, int] = {}
    own_pairs = 0
    if organisation_id is not None:
        own_months = figures.meetings_by_month(cohort_id, organisation_id)
        own_pairs = figures.pair_facts(cohort_id, organisation_id)[0]
        header = [_("Month"), _("Meetings per pair with your people"), _("Meetings per pair in the cohort")]
    rows: list[list[Cell]] = []
    bars = []
    for month, held in cohort_months.items():
        if organisation_id is None:
            rows.append([_month(month), held, _per_pair(held, cohort_pairs)])
            value = _per_pair(held, cohort_pairs)
        else:
            value = _per_pair(own_months.get(month, 0), own_pairs)
            rows.append([_month(month), value, _per_pair(held, cohort_pairs)])
        number = float(value) if isinstance(value, (int, float)) else 0.0
        bars.append(Bar(_month(month), number, _number(number)))
    return Section("meetings", _("Meetings held per pair, by month"), header, rows,
                   chart=Chart(_("Meetings held per pair, by month"),
                               _("For each month, the meetings held divided by the pairs.") if organisation_id is None
                               else _("For each month, the meetings held by the pairs with your people, divided "
                                      "by those pairs."), bars))


def _response_rates(figures: ClubFigures, cohort_id: int, organisation_id: int | None) -> Section:
    rows: list[list[Cell]] = []
    for survey in figures.cohort_surveys(cohort_id):
        if organisation_id is None:
            for org in sorted({o for (s, o) in figures.counts.invitations if s == survey.id},
                              key=lambda o: figures.organisation_name(o).lower()):
                invited, answered = figures.invitations(survey.id, org)
                rows.append([_kind_label(survey.kind), figures.organisation_name(org), invited, answered,
                             _rate(invited, answered)])
        else:
            invited, answered = figures.invitations(survey.id, organisation_id)
            rows.append([_kind_label(survey.kind), figures.organisation_name(organisation_id), invited, answered,
                         _rate(invited, answered)])
        invited, answered = figures.invitations(survey.id)
        rows.append([_kind_label(survey.kind), _("The cohort as a whole"), invited, answered,
                     _rate(invited, answered)])
    return Section("responses", _("Response rates"),
                   [_("Survey"), _("Organisation"), _("Invited"), _("Answered"), _("Response rate (%)")], rows)


def _check_ins(figures: ClubFigures, cohort_id: int, organisation_id: int | None) -> Section:
    organisations = (figures.cohort_organisations(cohort_id) if organisation_id is None else [organisation_id])
    rows: list[list[Cell]] = []
    bars = []
    for org in organisations:
        key = ("ci", cohort_id, org)
        if key not in figures.figures:
            continue
        rows.append([figures.organisation_name(org), _people(figures, key), _average(figures, key)])
        figure = figures.figures[key]
        bars.append(_bar(figures, figures.organisation_name(org), key, figure.average,
                         _number(figure.average)))
    whole_key = ("ci", cohort_id)
    rows.append([_("The cohort as a whole"), _people(figures, whole_key), _average(figures, whole_key)])
    whole = figures.figures.get(whole_key)
    if whole is not None:
        bars.append(_bar(figures, _("The cohort as a whole"), whole_key, whole.average,
                         _number(whole.average)))
    return Section("check-ins", _("Check-ins after meetings"),
                   [_("Organisation"), _("People who checked in"), _("Average usefulness (1 to 4)")], rows,
                   chart=Chart(_("Average usefulness of the meetings"),
                               _("The average of the check-ins (1 not useful to 4 very useful) per group."), bars),
                   note=_("By the organisation of the person who checked in. A group of fewer than %(num)d "
                          "people is not shown.", num=figures.k))


def _questions(figures: ClubFigures, cohort_id: int, organisation_id: int | None,
               texts: list[tuple[int, int | None, str]] | None = None) -> list[Section]:
    sections = []
    for survey, question in figures.questions_of(cohort_id):
        labels = figures.labels(question)
        title = f"{_kind_label(survey.kind)}: {question.text(figures.language)}"
        header = [_("Group"), _("Answers")]
        scale = question.kind == QuestionKind.SCALE
        if scale:
            header.append(_("Average"))
        header.extend(labels)
        groups: list[tuple[str, Any]] = []
        if organisation_id is None:
            roles = ("mentor", "mentee") if question.audience == "both" else (question.audience,)
            groups = [(figures.organisation_name(org), figures.question_org_key(question.id, org))
                      for org in figures.cohort_organisations(cohort_id)
                      if figures.question_org_key(question.id, org) in figures.figures
                      or any(figures.people(cohort_id, org, role) for role in roles)]
        else:
            groups = [(_("Your organisation"), figures.question_org_key(question.id, organisation_id))]
        groups.append((_("The cohort as a whole"), figures.question_nodes[question.id]))
        rows: list[list[Cell]] = []
        for name, key in groups:
            figure = figures.figures.get(key)
            if figure is None and key != figures.question_nodes[question.id]:
                figure = Figure(figures.decision.visibility(key), 0, None, [])
            shown = figures.decision.shown(key)
            row: list[Cell] = [name, _people(figures, key)]
            if scale:
                row.append(_average(figures, key))
            for i, _label in enumerate(labels):
                row.append(figure.counts[i] if shown and figure and i < len(figure.counts)
                           else figures.cell(key, 0))
            rows.append(row)
        chart = None
        main_key, main_name = figures.question_nodes[question.id], _("the cohort as a whole")
        if organisation_id is not None and figures.decision.shown(groups[0][1]):
            main_key, main_name = groups[0][1], _("your organisation")
        main = figures.figures.get(main_key)
        if labels:
            bars = []
            for i, label in enumerate(labels):
                count = main.counts[i] if main and figures.decision.shown(main_key) and i < len(main.counts) else None
                text = _number(count) if count is not None else str(figures.cell(main_key, 0))
                bars.append(Bar(label, float(count) if count is not None else None, text))
            chart = Chart(title, _("How many answered with each value or chose each option (%(group)s).",
                                   group=main_name), bars)
        shared = []
        if question.kind == QuestionKind.TEXT and texts is not None:
            for question_id, org, text in texts:
                if question_id == question.id and figures.decision.shown(figures.question_org_key(question_id, org)):
                    shared.append(text)
        sections.append(Section(f"question-{question.id}", title, header, rows, chart=chart, texts=shared,
                                note=_("For %(audience)s.", audience=AUDIENCE_LABELS.get(
                                    QuestionAudience(question.audience), AUDIENCE_LABELS[QuestionAudience.BOTH]))))
    return sections


# ------------------------------------------------------------------------------------- an organisation


def organisation_sections(figures: ClubFigures, cohort_id: int, organisation_id: int,
                          texts: list[tuple[int, int | None, str]], learnings: list[str]) -> list[Section]:
    mentors = figures.people(cohort_id, organisation_id, "mentor")
    mentees = figures.people(cohort_id, organisation_id, "mentee")
    own = figures.pair_facts(cohort_id, organisation_id)
    whole = figures.pair_facts(cohort_id)
    own_meetings = sum(figures.meetings_by_month(cohort_id, organisation_id).values())
    all_meetings = sum(figures.meetings_by_month(cohort_id).values())
    rows: list[list[Cell]] = [
        [_("Mentors"), mentors, figures.people(cohort_id, role="mentor")],
        [_("Mentees"), mentees, figures.people(cohort_id, role="mentee")],
        [_("Pairs"), own[0], whole[0]],
        [_("Pairs completed"), own[1], whole[1]],
        [_("Pairs ended early"), own[2], whole[2]],
        [_("Goals set"), own[3], whole[3]],
        [_("Goals done"), own[4], whole[4]],
        [_("Meetings held per pair"), _per_pair(own_meetings, own[0]), _per_pair(all_meetings, whole[0])],
    ]
    overview = Section("participation", _("Your people and the cohort as a whole"),
                       [_("Figure"), _("Your organisation"), _("The cohort as a whole")], rows,
                       chart=Chart(_("Your people and the cohort"),
                                   _("Mentors and mentees of your organisation against the whole cohort."),
                                   [Bar(_("Your people"), mentors + mentees, _number(mentors + mentees)),
                                    Bar(_("The cohort as a whole"), figures.people(cohort_id),
                                        _number(figures.people(cohort_id)))]),
                       note=_("A pair counts when one of its partners is of your organisation."))
    sections = [overview, _meetings(figures, cohort_id, organisation_id),
                _response_rates(figures, cohort_id, organisation_id),
                _check_ins(figures, cohort_id, organisation_id)]
    sections.extend(_questions(figures, cohort_id, organisation_id, texts))
    key = ("learn", cohort_id, organisation_id)
    if figures.decision.shown(key):
        learning_rows: list[list[Cell]] = [[text] for text in learnings]
        note = _("What your mentees named for your organisation to take up, when they chose to share it "
                 "(without their names).")
    else:
        learning_rows = [[fewer_than(figures.k) if figures.decision.is_hidden(key) else _("no answers")]]
        learnings = []
        note = _("Learnings are shown when at least %(num)d of your mentees answered the final survey.",
                 num=figures.k)
    sections.append(Section("learnings", _("Learnings for your organisation"), [_("Learning")], learning_rows,
                            texts=learnings, note=note))
    return sections


# ------------------------------------------------------------------------------------- across cohorts


def club_sections(figures: ClubFigures) -> list[Section]:
    rows: list[list[Cell]] = []
    bars = []
    for cohort in figures.counts.cohorts:
        pairs, completed, early, goals, done = figures.pair_facts(cohort.id)
        meetings = sum(figures.meetings_by_month(cohort.id).values())
        invited = answered = 0
        for survey in figures.cohort_surveys(cohort.id):
            i, a = figures.invitations(survey.id)
            invited, answered = invited + i, answered + a
        organisations = len({o for (c, o, _r) in figures.counts.people if c == cohort.id})
        key = ("ci", cohort.id)
        rows.append([cohort.name, figures.people(cohort.id), organisations, pairs, completed, early,
                     _per_pair(meetings, pairs), done, goals, _rate(invited, answered), _average(figures, key)])
        figure = figures.figures.get(key)
        average = figure.average if figure else None
        bars.append(_bar(figures, cohort.name, key, average, _number(average)))
    key_figures = Section(
        "cohorts", _("Key figures per cohort"),
        [_("Cohort"), _("People taking part"), _("Organisations"), _("Pairs"), _("Pairs completed"),
         _("Pairs ended early"), _("Meetings held per pair"), _("Goals done"), _("Goals set"),
         _("Response rate (%)"), _("Average usefulness of the meetings (1 to 4)")], rows,
        chart=Chart(_("Average usefulness of the meetings per cohort"),
                    _("The check-ins' average (1 not useful to 4 very useful) of each cohort."), bars))
    sections = [key_figures]
    cohort_names = {cohort.id: cohort.name for cohort in figures.counts.cohorts}
    seen: dict[tuple[str, str], list[Any]] = {}
    for question in figures.counts.questions:
        base = figures.question_nodes.get(question.id)
        if question.key and base is not None and question.kind == QuestionKind.SCALE:
            seen.setdefault((base[1], question.key), []).append((base[3], question))
    for (kind, question_key), entries in seen.items():
        title = f"{_kind_label(kind)}: {entries[0][1].text(figures.language)}"
        rows = []
        bars = []
        for cohort_id, question in entries:
            node = figures.question_nodes[question.id]
            rows.append([cohort_names.get(cohort_id, "?"), _people(figures, node), _average(figures, node)])
            figure = figures.figures.get(node)
            average = figure.average if figure else None
            bars.append(_bar(figures, cohort_names.get(cohort_id, "?"), node, average,
                             _number(average)))
        root = ("q", kind, question_key)
        rows.append([_("All cohorts"), _people(figures, root), _average(figures, root)])
        sections.append(Section(f"key-{kind}-{question_key}", title, [_("Cohort"), _("Answers"), _("Average")], rows,
                                chart=Chart(title, _("The average answer of each cohort."), bars)))
    return sections
