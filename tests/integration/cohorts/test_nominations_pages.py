"""The nominations and people pages a page at a time: the board's nominations of a cohort, an organisation's
people and its nominations. Counts over everyone by aggregate queries, rows only for the page shown, the SQL
test of a complete profile equal to the Python one, the log of views only for the people shown."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts import queries as cohort_queries
from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.participant.completeness import profile_completeness
from tandem.platform.participant.models import Profile, ProfileTopic
from tandem.platform.tenancy import club_scope
from tandem.tenants import queries as tenant_queries
from tandem.tenants.nominations import queries as nomination_queries
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_org_admin,
    make_organisation,
    make_participation,
    make_user,
)

EN = {"Accept-Language": "en"}


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta", name="Beta Energie")
    board = make_board_member(db, beta, display_name="Regula Widmer")
    admin = make_org_admin(db, alpha, display_name="Ada Admin")
    cohort = make_cohort(db, name="Cohort 2027")
    topics = [make_catalogue_topic(db) for _ in range(3)]
    db.commit()
    return {"alpha": alpha, "beta": beta, "board": board, "admin": admin, "cohort": cohort, "topics": topics}


def ids_in(html: str, pattern: str) -> list[int]:
    return [int(n) for n in re.findall(pattern, html)]


def test_the_sql_test_of_a_complete_profile_agrees_with_the_python_one(db, club):
    cohort, topics, alpha = club["cohort"], club["topics"], club["alpha"]
    variants = [
        {},  # complete
        {"city": None, "format": "remote"},  # remote: no city needed
        {"city": "  ", "format": "both"},  # in person without a city
        {"languages": []},
        {"weekdays": []},
        {"bio": ""},
        {"aims": None},
        {"career_band": None},
        {"format": None},
    ]
    participations = []
    for fields in variants:
        participation = make_participation(db, make_user(db, alpha), cohort, status=ParticipationStatus.ACTIVE)
        make_complete_profile(db, participation, topics, **fields)
        participations.append(participation)
    two_topics = make_participation(db, make_user(db, alpha), cohort, status=ParticipationStatus.ACTIVE)
    make_complete_profile(db, two_topics, topics[:2])  # no third ranked topic
    nothing = make_participation(db, make_user(db, alpha), cohort, status=ParticipationStatus.ACTIVE)
    participations += [two_topics, nothing]
    db.commit()
    with club_scope(db):
        in_sql = dict(db.execute(sa.select(Participation.id, cohort_queries.profile_complete())
                                 .where(Participation.cohort_id == cohort.id)).all())
        profiles = {p.participation_id: p for p in db.scalars(sa.select(Profile))}
        ranks: dict[int, list[int | None]] = {}
        for pid, rank in db.execute(sa.select(ProfileTopic.participation_id, ProfileTopic.rank)):
            ranks.setdefault(pid, []).append(rank)
    in_python = {p.id: profile_completeness(profiles.get(p.id), ranks.get(p.id, [])).complete for p in participations}
    assert {pid: bool(value) for pid, value in in_sql.items()} == in_python
    assert sum(in_python.values()) == 2  # the complete one and the remote one


def test_the_boards_nominations_page_shows_a_page_of_each_list(client, db, sign_in, club, monkeypatch):
    monkeypatch.setattr(cohort_queries, "PEOPLE_PER_PAGE", 2)
    monkeypatch.setattr(cohort_queries, "ORGANISATIONS_PER_PAGE", 1)
    cohort, alpha, beta = club["cohort"], club["alpha"], club["beta"]
    invited = [make_participation(db, make_user(db, alpha, display_name=f"Invited {n}"), cohort,
                                  status=ParticipationStatus.INVITED) for n in range(3)]
    lacking = [make_participation(db, make_user(db, beta, display_name=f"Lacking {n}"), cohort, role="mentee",
                                  status=ParticipationStatus.ACTIVE) for n in range(3)]
    done = make_participation(db, make_user(db, beta, display_name="Done"), cohort, status=ParticipationStatus.ACTIVE)
    make_complete_profile(db, done, club["topics"])
    db.commit()
    sign_in(client, club["board"])
    path = f"/board/cohorts/{cohort.id}/nominations"
    with club_scope(db):
        seen_before = db.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "personal_data.viewed")) or 0

    html = client.get(path, headers=EN).get_data(as_text=True)
    assert re.search(r'id="figure-waiting">3<', html)  # the figures over the cohort
    assert "3 people waiting" in html and "3 incomplete profiles" in html
    waiting = html[html.index('id="waiting-title"'):html.index('id="incomplete-title"')]
    incomplete = html[html.index('id="incomplete-title"'):]
    assert "Invited 0" in waiting and "Invited 1" in waiting and "Invited 2" not in waiting
    assert "Lacking 0" in incomplete and "Lacking 1" in incomplete and "Lacking 2" not in incomplete
    assert "Done" not in incomplete
    # one organisation per page: Alpha Bank first, Beta on the next page; the totals over both
    assert f'id="org-{alpha.id}-mentor"' in html and f'id="org-{beta.id}-mentee"' not in html
    assert re.search(r'<tr id="total-mentee">.*?<span class="held">3 / 0</span>', html, re.S)
    assert 'aria-label="Pages of the people waiting"' in html and 'aria-current="page"' in html
    # only the people shown are in the log of who saw whose data
    with club_scope(db):
        seen = db.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "personal_data.viewed")) or 0
    assert seen - seen_before == 4

    html = client.get(path, query_string={"wpage": "2", "ipage": "2", "opage": "2"},
                      headers=EN).get_data(as_text=True)
    waiting = html[html.index('id="waiting-title"'):html.index('id="incomplete-title"')]
    incomplete = html[html.index('id="incomplete-title"'):]
    assert "Invited 2" in waiting and "Invited 0" not in waiting
    assert "Lacking 2" in incomplete and "Lacking 0" not in incomplete
    assert f'id="org-{beta.id}-mentee"' in html and f'id="org-{alpha.id}-mentor"' not in html
    # each list's links keep the other lists' pages
    assert f'href="{path}?wpage=2&amp;opage=2#incomplete-title"' in html or \
        f'href="{path}?opage=2&amp;wpage=2#incomplete-title"' in html
    assert invited and lacking


def test_an_organisations_people_page_is_paged_and_searched(client, db, sign_in, club, monkeypatch):
    monkeypatch.setattr(tenant_queries, "PEOPLE_PER_PAGE", 2)
    alpha, cohort = club["alpha"], club["cohort"]
    people = [make_user(db, alpha, display_name=f"Zora {n}", email=f"zora{n}@alpha.example") for n in range(4)]
    nominated = make_participation(db, people[3], cohort)
    make_user(db, club["beta"], display_name="Zora of Beta")  # another organisation's: never listed
    db.commit()
    sign_in(client, club["admin"])

    html = client.get("/o/alpha/", headers=EN).get_data(as_text=True)
    # Ada Admin, then Zora 0..3, by name: five people, two per page
    assert ids_in(html, r'<tr id="person-(\d+)">') == [club["admin"].id, people[0].id]
    assert "5 people" in html and 'aria-label="Pages of the people"' in html
    html = client.get("/o/alpha/", query_string={"page": "3"}, headers=EN).get_data(as_text=True)
    assert ids_in(html, r'<tr id="person-(\d+)">') == [people[3].id]

    html = client.get("/o/alpha/", query_string={"q": "ZORA"}, headers=EN).get_data(as_text=True)
    assert "4 of 5 people" in html and "Zora of Beta" not in html
    assert ids_in(html, r'<tr id="person-(\d+)">') == [people[0].id, people[1].id]
    html = client.get("/o/alpha/", query_string={"q": "zora3@"}, headers=EN).get_data(as_text=True)
    assert ids_in(html, r'<tr id="person-(\d+)">') == [people[3].id]
    assert '<input type="hidden" name="q" value="zora3@">' in html  # the invitation's form keeps the search
    response = client.post(f"/o/alpha/participations/{nominated.id}/invite", data={"q": "zora3@"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/o/alpha/?q=zora3@#person-{people[3].id}"
    html = client.get("/o/alpha/", query_string={"q": "nobody at all"}, headers=EN).get_data(as_text=True)
    assert "Nobody found" in html


def test_an_organisations_nominations_are_paged_per_cohort(client, db, sign_in, club, monkeypatch):
    monkeypatch.setattr(nomination_queries, "NOMINATIONS_PER_PAGE", 2)
    alpha, cohort = club["alpha"], club["cohort"]
    other = make_cohort(db, name="Cohort 2028")
    first = [make_participation(db, make_user(db, alpha, display_name=f"First {n}"), cohort) for n in range(3)]
    second = [make_participation(db, make_user(db, alpha, display_name=f"Second {n}"), other) for n in range(3)]
    db.commit()
    sign_in(client, club["admin"])
    html = client.get("/o/alpha/nominations/", headers=EN).get_data(as_text=True)
    assert ids_in(html, r'<tr id="nomination-(\d+)">') == [p.id for p in first[:2] + second[:2]]
    assert html.count("3 nominations") == 2
    html = client.get("/o/alpha/nominations/", query_string={f"p{other.id}": "2"}, headers=EN).get_data(as_text=True)
    assert ids_in(html, r'<tr id="nomination-(\d+)">') == [p.id for p in first[:2]] + [second[2].id]
    # an action on that page comes back to it, at the row
    response = client.post(f"/o/alpha/nominations/{second[2].id}/withdraw", data={f"p{other.id}": "2"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/o/alpha/nominations/?p{other.id}=2#nomination-{second[2].id}"
