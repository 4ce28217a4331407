"""Pairing by hand offers only people of other organisations than the one already chosen (the engine's rule:
a tandem spans two organisations); a pair of one organisation sent anyway is refused in words."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.workbench import add_person, pairs_of, proposals, setup_cohort

EN = {"Accept-Language": "en"}


def options(html: str, field: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", label).strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


def names(labels: list[str]) -> list[str]:
    return [label.split(" (")[0] for label in labels[1:]]  # without the "Choose…" line and the organisation


@pytest.fixture()
def board(client, db, sign_in):
    """Mentors A, B (alpha) and mentees A, B (beta) paired; free: Mentor Beta and Mentor Gamma, Mentee Beta and
    Mentee Alpha."""
    setup = setup_cohort(db, size=2)
    alpha, beta, gamma = setup["orgs"]
    run, _pairs = proposals(db, setup)
    cohort, topics = setup["cohort"], setup["topics"]
    people = {
        "mentor_beta": add_person(db, cohort, beta, "mentor", topics[:3], name="Mentor Beta"),
        "mentor_gamma": add_person(db, cohort, gamma, "mentor", topics[:3], name="Mentor Gamma"),
        "mentee_beta": add_person(db, cohort, beta, "mentee", topics[1:4], name="Mentee Beta"),
        "mentee_alpha": add_person(db, cohort, alpha, "mentee", topics[1:4], name="Mentee Alpha"),
    }
    db.commit()
    sign_in(client, setup["board"])
    return {**setup, **people, "run": run}


def url(board, path: str = "/pair-by-hand") -> str:
    return f"/board/cohorts/{board['cohort'].id}/matching{path}"


def test_a_chosen_mentor_is_offered_only_mentees_of_other_organisations(client, board):
    html = client.get(url(board), query_string={"mentor": board["mentor_beta"].id}, headers=EN).get_data(as_text=True)
    assert names(options(html, "mentee")) == ["Mentee Alpha"]
    assert "Mentor Beta" in names(options(html, "mentor"))


def test_a_chosen_mentee_is_offered_only_mentors_of_other_organisations(client, board):
    html = client.get(url(board), query_string={"mentee": board["mentee_beta"].id}, headers=EN).get_data(as_text=True)
    assert names(options(html, "mentor")) == ["Mentor Gamma"]


def test_nothing_chosen_offers_everyone_and_a_pair_of_one_organisation_is_refused(client, db, board):
    html = client.get(url(board), headers=EN).get_data(as_text=True)
    assert sorted(names(options(html, "mentee"))) == ["Mentee Alpha", "Mentee Beta"]
    response = client.post(url(board), headers=EN,
                           data={"mentor": board["mentor_beta"].id, "mentee": board["mentee_beta"].id})
    assert response.status_code == 400
    assert "Mentor Beta and Mentee Beta work for the same organisation." in response.get_data(as_text=True)
    assert len(pairs_of(db, board["run"].id)) == 2


def test_the_unmatched_list_links_to_pairing_only_with_someone_to_pair(client, db, board):
    alpha, beta, gamma = board["orgs"]
    cohort = board["cohort"]
    lonely = add_person(db, cohort, gamma, "mentee", board["topics"][1:4], name="Mentee Gamma")
    db.commit()
    html = client.get(url(board, ""), headers=EN).get_data(as_text=True)
    # Mentee Gamma: Mentor Beta has room (another organisation): a link. Mentor Gamma is of hers, not offered.
    assert f'mentee={lonely.id}"' in html
    # With Mentor Beta paired to Mentee Alpha, only Mentor Gamma has room: nobody of another organisation for
    # Mentee Gamma, so no link for her; Mentee Beta can still go with Mentor Gamma.
    client.post(url(board), headers=EN,
                data={"mentor": board["mentor_beta"].id, "mentee": board["mentee_alpha"].id, "confirmed": "y"})
    html = client.get(url(board, ""), headers=EN).get_data(as_text=True)
    assert f'mentee={lonely.id}"' not in html
    assert f'mentee={board["mentee_beta"].id}"' in html
