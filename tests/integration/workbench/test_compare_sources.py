"""Comparing two runs takes every column from one source: the pairs of each run as they are now (after the
board's changes by hand), for the figures, the pairs they share and the distribution of scores alike; dates as
on the rest of the site."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, Pair
from tests.factories import make_matching_run, make_pair
from tests.fixtures.workbench import setup_cohort

EN = {"Accept-Language": "en"}
STORED = {"pairs": 3, "share_matched": 1.0, "share_people_matched": 1.0, "lowest_score": 0.39,
          "mean_score": 0.5, "total_score": 1.5, "below_threshold": 1, "locked_pairs": 0,
          "unmatched_mentors": 0, "unmatched_mentees": 0}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def figure_row(html: str, key: str) -> list[str]:
    row = re.search(rf'<tr id="figure-{key}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def distribution(html: str) -> list[list[int]]:
    charts = re.findall(r'<ul class="bar-chart score-chart".*?</ul>', html, re.S)
    return [[int(v) for v in re.findall(r'<span class="bar__value">(\d+)', chart)] for chart in charts]


def test_the_figures_and_the_distribution_come_from_the_same_pairs(client, db, sign_in):
    setup = setup_cohort(db, size=3)
    cohort, mentors, mentees = setup["cohort"], setup["mentors"], setup["mentees"]
    # Run 1 stored three pairs, its lowest at 39; the board then unpaired two and paired one by hand (25).
    first = make_matching_run(db, cohort, figures=dict(STORED))
    make_pair(db, mentors[0], mentees[0], status="locked", run=first, score=0.8)
    by_hand = make_pair(db, mentors[1], mentees[2], status="proposed", run=first, score=0.25)
    with club_scope(db):
        db.execute(sa.update(Pair).where(Pair.id == by_hand.id).values(by_hand=True))
    # Run 2 as the engine left it: three pairs, the figures it stored agree with them.
    second = make_matching_run(db, cohort, figures=dict(STORED, lowest_score=0.45, mean_score=0.6,
                                                        total_score=1.8, below_threshold=1))
    for mentor, mentee, score in zip(mentors, mentees, (0.45, 0.55, 0.8), strict=True):
        make_pair(db, mentor, mentee, status="proposed", run=second, score=score)
    db.commit()
    sign_in(client, setup["board"])

    html = client.get(f"/board/cohorts/{cohort.id}/matching/compare?a={first.id}&b={second.id}",
                      headers=EN).get_data(as_text=True)
    assert figure_row(html, "pairs") == ["Pairs", "2", "3", "+1 better"]
    assert figure_row(html, "lowest_score") == ["Lowest score", "25.0", "45.0", "+20.0 better"]
    assert figure_row(html, "mean_score")[1:3] == ["52.5", "60.0"]
    assert figure_row(html, "locked_pairs")[1:3] == ["1", "0"]
    assert figure_row(html, "below_threshold")[1:3] == ["1", "1"]
    assert figure_row(html, "unmatched_mentors")[1:3] == ["1", "0"]
    assert figure_row(html, "unmatched_mentees")[1:3] == ["1", "0"]
    assert figure_row(html, "share_matched")[1:3] == ["67%", "100%"]
    # The lowest score sits in the band of the lowest pair shown below it.
    assert distribution(html) == [[0, 0, 1, 0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 1, 1, 0, 0, 1, 0]]
    said = text_of(html)
    assert "Run 1 now holds 2 pairs." in said and "Run 2 now holds 3 pairs." in said
    assert "The two runs share 1 pair." in said
    # The page says where its figures come from, and which run was changed after it finished.
    assert "As the pairs of each run are now" in said
    assert "Run 1 was changed by hand after it finished" in said
    assert "Run 2 was changed by hand" not in said


def test_the_runs_are_dated_as_on_the_rest_of_the_site(client, db, sign_in):
    setup = setup_cohort(db, size=1)
    cohort = setup["cohort"]
    runs = [make_matching_run(db, cohort, figures=dict(STORED)) for _ in range(2)]
    with club_scope(db):
        for run in runs:
            db.get(MatchingRun, run.id).finished_at = db.get(MatchingRun, run.id).created_at
        db.flush()
    db.commit()
    sign_in(client, setup["board"])
    run_page = client.get(f"/board/cohorts/{cohort.id}/matching/runs/{runs[0].id}", headers=EN).get_data(as_text=True)
    finished = text_of(re.search(r"<dt>Finished</dt><dd>(.*?)</dd>", run_page, re.S).group(1))
    html = client.get(f"/board/cohorts/{cohort.id}/matching/compare", headers=EN).get_data(as_text=True)
    options = [text_of(option) for option in re.findall(r"<option [^>]*>(.*?)</option>", html, re.S)]
    assert f"Run 1 · {finished}" in options, (finished, options)
