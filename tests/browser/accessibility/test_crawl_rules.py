"""The crawl's own rules, without a browser: which links it follows, how it counts routes, what an allowance
file must say and how an allowance is applied."""

from __future__ import annotations

import re

import pytest

from tests.browser.accessibility.crawl import (
    Allowance,
    Checker,
    CrawlResult,
    Problem,
    load_allowances,
    page_address,
    route_of,
)
from tests.browser.accessibility.test_axe_crawl import ALLOWANCES

ORIGIN = "http://127.0.0.1:5000"


@pytest.mark.parametrize(("link", "expected"), [
    (ORIGIN + "/board/cohorts/2", "/board/cohorts/2"),
    (ORIGIN + "/showcase/pilot-2025/?lang=fr", "/showcase/pilot-2025/?lang=fr"),
    (ORIGIN, "/"),
    ("https://example.org/board/", None),  # another site
    ("http://127.0.0.1:5001/board/", None),  # another port is another origin
    ("mailto:board@example.org", None),
    (ORIGIN + "/board/cohorts/2/report.csv", None),  # downloads
    (ORIGIN + "/board/reports.xlsx", None),
    (ORIGIN + "/me/events/3/event.ics", None),
    (ORIGIN + "/me/data/exports/1/abc.json", None),
    (ORIGIN + "/calendar/secret-token.ics", None),
    (ORIGIN + "/static/css/tandem.css", None),
    (ORIGIN + "/o/alpenbank/sso/start", None),  # the handover to an organisation's provider
    (ORIGIN + "/sign-out", None),
])
def test_the_links_the_crawl_follows(link, expected):
    assert page_address(link, ORIGIN) == expected


def test_routes_count_ids_tokens_and_slugs_as_one():
    assert route_of("/board/cohorts/2/pairs/7") == route_of("/board/cohorts/5/pairs/11")
    assert route_of("/board/cohorts/2/pairs/7") == "/board/cohorts/<id>/pairs/<id>"
    assert route_of("/o/alpenbank-zuerich/reports/1") == route_of("/o/lemanis/reports/2") == "/o/<org>/reports/<id>"
    assert route_of("/showcase/pilot-2025/stories/3?lang=de") == "/showcase/<cohort>/stories/<id>?lang"
    assert route_of("/sign-in/link/" + "x" * 40) == "/sign-in/link/<id>"
    assert route_of("/board/cohorts/new") != route_of("/board/cohorts/2")
    assert route_of("/board/cohorts/2/programme/new?kind=training") != route_of("/board/cohorts/2/programme/new")


def test_the_reviewed_allowance_file_reads_and_every_entry_has_a_reason():
    for allowance in load_allowances(ALLOWANCES):
        assert allowance.rule and allowance.reason.strip()


def test_an_allowance_file_without_a_reason_is_refused(tmp_path):
    path = tmp_path / "allowances.toml"
    path.write_text('[[allowance]]\nrule = "color-contrast"\nurl = "^/showcase/"\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="reason"):
        load_allowances(path)


def test_an_allowance_covers_its_rule_on_its_pages_only():
    checker = Checker("http://unused/axe.js", [Allowance("color-contrast", re.compile(r"^/showcase/"), "reviewed")])
    result = CrawlResult()
    for url, rule in (("/showcase/pilot/?lang=de", "color-contrast"), ("/board/", "color-contrast"),
                      ("/showcase/", "label")):
        checker._report(Problem(url, rule, "serious", "text"), result)
    assert [problem.url for problem in result.allowed] == ["/showcase/pilot/?lang=de"]
    assert [(problem.url, problem.rule) for problem in result.problems] == [("/board/", "color-contrast"),
                                                                            ("/showcase/", "label")]
    assert checker.used == {0}
