"""A cohort past its nominations keeps a Settings tab that shows its settings, read-only, and says why they
cannot change (not a redirect with only an error); sending a change anyway is still refused."""

from __future__ import annotations

import re

import pytest

from tandem.platform.cohorts.models import CohortState
from tests.factories import make_board_member, make_cohort, make_organisation

EN = {"Accept-Language": "en"}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.mark.parametrize("state", [CohortState.MATCHING, CohortState.RUNNING, CohortState.ARCHIVED])
def test_the_settings_of_a_cohort_past_its_nominations_are_shown_read_only(client, db, sign_in, state):
    board = make_board_member(db, make_organisation(db))
    cohort = make_cohort(db, state, name="Winter 2027", symposium_venue="Kongresshaus Zürich",
                         meeting_every_min_weeks=3, meeting_every_max_weeks=4, languages=["de", "fr"])
    db.commit()
    sign_in(client, board)
    response = client.get(f"/board/cohorts/{cohort.id}/edit", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "A cohort can be changed only while it is a draft or takes nominations." in text
    assert "Winter 2027" in text and "Kongresshaus Zürich" in text
    assert "March 1, 2027" in text  # the kick-off, as dates are shown elsewhere
    assert re.search(r"Languages German, French\b", text) and "English" not in text.split("Languages", 1)[1][:40]
    assert "A meeting every 3 to 4 weeks" in text
    # Read-only: nothing to send, and the Settings tab is the current page.
    assert f'action="/board/cohorts/{cohort.id}/edit"' not in html and "<input" not in html.split("<main", 1)[1]
    assert re.search(rf'href="/board/cohorts/{cohort.id}/edit"\s*aria-current="page"', html)

    response = client.post(f"/board/cohorts/{cohort.id}/edit", data={"name": "Changed"})
    assert response.status_code in (302, 400)
    assert "Changed" not in text_of(client.get(f"/board/cohorts/{cohort.id}/edit", headers=EN).get_data(as_text=True))
