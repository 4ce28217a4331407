"""The board's overview: each cohort's card leads to the cohort."""

from __future__ import annotations

import re

from tandem.platform.cohorts.models import CohortState
from tests.factories import make_board_member, make_cohort, make_organisation


def test_each_cohort_card_title_links_to_the_cohort(client, db, sign_in):
    alpha = make_organisation(db)
    board = make_board_member(db, alpha)
    cohorts = [make_cohort(db, CohortState.DRAFT, name="Cohort Draft"),
               make_cohort(db, CohortState.ARCHIVED, name="Pilot")]
    db.commit()
    sign_in(client, board)
    html = client.get("/board/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for cohort in cohorts:
        heading = re.search(rf'<h3 id="cohort-{cohort.slug}">(.*?)</h3>', html, re.S).group(1)
        assert re.search(rf'<a [^>]*href="/board/cohorts/{cohort.id}"[^>]*>\s*{cohort.name}\s*</a>', heading), heading
