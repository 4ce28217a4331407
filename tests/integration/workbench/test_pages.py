"""The workbench a page at a time: the pages chosen on the server (links without script, the filter kept), the
figures over the whole cohort, the actions back on the same page and filter at the pair, the people without a
partner and the mentors' places in pages of their own, the explanations worded only for the pairs shown."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.platform.pagination import Page, page_number, paginate
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench import wording
from tandem.platform.workbench.proposals import queries
from tests.fixtures.workbench import add_person, page, proposals, setup_cohort


def pair_order(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="pair-(\d+)"', html)]


def nav(html: str, label: str) -> str:
    """The page links whose label starts with `label`."""
    match = re.search(rf'<nav class="pagination" aria-label="{re.escape(label)}[^"]*">(.*?)</nav>', html, re.S)
    assert match, f"no pagination named {label!r}"
    return match.group(1)


@pytest.fixture()
def small_pages(monkeypatch):
    monkeypatch.setattr(queries, "PAIRS_PER_PAGE", 2)
    monkeypatch.setattr(queries, "PEOPLE_PER_PAGE", 2)


def test_the_page_helper():
    assert page_number({"page": "3"}) == 3
    for wrong in ("", "0", "-1", "x", "²", "1e3", "99999999999999999999"):
        assert page_number({"page": wrong}) == 1, wrong
    assert paginate(0, 5, 10) == Page(number=1, size=10, total=0)
    last = paginate(25, 9, 10)
    assert (last.number, last.pages, last.offset, last.first, last.last) == (3, 3, 20, 21, 25)
    assert paginate(200, 10, 10).numbers() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert paginate(200, 10, 10).link_args({"q": "x", "page": 10, "cohort_id": 1}, "page", 1) == {
        "q": "x", "cohort_id": 1}


def test_pairs_are_shown_a_page_at_a_time_with_figures_over_the_cohort(client, db, sign_in, small_pages):
    setup = setup_cohort(db, size=5)
    cohort = setup["cohort"]
    _run, pairs = proposals(db, setup)
    with club_scope(db):
        for pair, score in zip(pairs, (0.9, 0.2, 0.6, 0.4, 0.8), strict=True):
            pair.score = score
        pairs[4].status = "locked"
        db.flush()
    db.commit()
    sign_in(client, setup["board"])
    by_score = [pairs[i].id for i in (1, 3, 2, 4, 0)]

    html = page(client, cohort)
    assert pair_order(html) == by_score[:2]
    assert html.count('<details class="explanation">') == 2  # explanations for the pairs shown only
    assert re.search(r'id="figure-pairs">\s*<dt>Pairs</dt>\s*<dd>5</dd>', html)  # the figures: every pair
    assert "5 pairs" in html and "page 1 of 3" in html
    links = nav(html, "Pages of the pairs")
    assert 'aria-current="page"' in links and 'rel="next"' in links and 'rel="prev"' not in links
    assert f'href="/board/cohorts/{cohort.id}/matching?page=2#pairs-title"' in links

    assert pair_order(page(client, cohort, page="2")) == by_score[2:4]
    assert pair_order(page(client, cohort, page="3")) == by_score[4:]
    assert pair_order(page(client, cohort, page="99")) == by_score[4:]  # beyond the last: the last
    assert pair_order(page(client, cohort, page="nonsense")) == by_score[:2]
    # a swap is offered when two unlocked pairs exist in the cohort, even on a page with one
    assert 'id="swap-form"' in page(client, cohort, page="3")

    # A filter counts over the cohort, pages its matches and its links keep it.
    html = page(client, cohort, show="below", sort="-score")
    assert pair_order(html) == [pairs[3].id, pairs[1].id]  # 0.4, 0.2: below the threshold of 0.5
    assert "2 of 5 pairs" in html
    html = page(client, cohort, q="Mentee", sort="-score", page="2")
    assert pair_order(html) == [pairs[2].id, pairs[3].id]  # 0.9, 0.8 | 0.6, 0.4 | 0.2
    links = nav(html, "Pages of the pairs")
    assert f'href="/board/cohorts/{cohort.id}/matching?sort=-score&amp;q=Mentee#pairs-title"' in links
    assert pair_order(page(client, cohort, q="Mentee", sort="-score", page="99")) == [pairs[1].id]  # the last
    assert "No pair matches" in page(client, cohort, q="Nobody", page="2")
    assert f'href="/board/cohorts/{cohort.id}/matching?sort=-score&amp;q=Mentee&amp;page=3#pairs-title"' in links


def test_an_action_comes_back_to_the_same_page_and_filter_at_the_pair(client, db, sign_in, small_pages):
    setup = setup_cohort(db, size=5)
    cohort = setup["cohort"]
    _run, pairs = proposals(db, setup)
    db.commit()
    sign_in(client, setup["board"])
    html = page(client, cohort, q="Mentee", page="2")
    shown = pair_order(html)
    assert len(shown) == 2
    assert '<input type="hidden" name="page" value="2">' in html
    response = client.post(f"/board/cohorts/{cohort.id}/matching/pairs/{shown[0]}/lock",
                           data={"q": "Mentee", "page": "2"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.fragment == f"pair-{shown[0]}"
    assert parse_qs(location.query) == {"q": ["Mentee"], "page": ["2"]}
    html = page(client, cohort, q="Mentee", page="2")
    assert pair_order(html) == shown
    row = re.search(rf'<tr id="pair-{shown[0]}"[^>]*>(.*?)</tr>', html, re.S)
    assert row and 'class="badge badge--locked"' in row.group(0) and "Unlock" in row.group(1)


def test_the_warnings_filter(client, db, sign_in):
    setup = setup_cohort(db, size=3)
    cohort = setup["cohort"]
    _run, pairs = proposals(db, setup)
    with club_scope(db):
        pairs[0].score = 0.3  # below the threshold
        pairs[1].score = 0.9
        setup["mentees"][1].status = "withdrawn"  # someone no longer takes part
        pairs[2].score = 0.8
        db.flush()
    db.commit()
    sign_in(client, setup["board"])
    assert sorted(pair_order(page(client, cohort, show="warnings"))) == sorted([pairs[0].id, pairs[1].id])


def test_the_unmatched_and_the_mentors_places_have_pages_of_their_own(client, db, sign_in, small_pages):
    setup = setup_cohort(db, size=1)
    cohort, (alpha, beta, _gamma) = setup["cohort"], setup["orgs"]
    lonely = [add_person(db, cohort, beta, "mentee", setup["topics"], name=f"Lonely {n}") for n in range(3)]
    idle = [add_person(db, cohort, alpha, "mentor", setup["topics"], name=f"Idle {n}") for n in range(2)]
    db.commit()
    proposals(db, setup)
    sign_in(client, setup["board"])
    html = page(client, cohort)
    # mentees first, by name: Lonely 0 and 1, then Lonely 2 and the idle mentors
    assert re.findall(r'id="unmatched-(\d+)"', html) == [str(lonely[0].id), str(lonely[1].id)]
    assert "5 people without a partner" in html
    assert "Pages of the people without a partner" in html
    # the mentors' places: Idle 0, Idle 1 on the first page, Mentor A on the second
    assert re.findall(r'<tr id="mentor-(\d+)"', html) == [str(idle[0].id), str(idle[1].id)]
    html = page(client, cohort, upage="3", mpage="2")
    assert re.findall(r'id="unmatched-(\d+)"', html) == [str(idle[1].id)]
    assert re.findall(r'<tr id="mentor-(\d+)"', html) == [str(setup["mentors"][0].id)]
    # the idle mentors can be paired by hand with a mentee of another organisation
    assert f"pair-by-hand?mentor={idle[1].id}" in html
    # the other list's page is kept by the links
    assert f'href="/board/cohorts/{cohort.id}/matching?upage=3#places-title"' in nav(html, "Pages of the mentors")


def test_explanations_are_worded_only_for_the_pairs_shown(client, db, sign_in, small_pages, monkeypatch):
    setup = setup_cohort(db, size=5)
    cohort = setup["cohort"]
    proposals(db, setup)
    sign_in(client, setup["board"])
    worded: list[str] = []
    explain = wording.explain

    def counting(explanation, labels, *, mentor, mentee):
        worded.append(mentor)
        return explain(explanation, labels, mentor=mentor, mentee=mentee)

    monkeypatch.setattr(wording, "explain", counting)
    page(client, cohort)
    assert len(worded) == 2
