"""The isolation sweep of the pairs' space: a pair exists only for its two people.

Every URL rule under /me/pairs with a `pair_id` is found in the app's URL map (none listed by hand) and tried
with every method:
(a) by pair one's mentor with pair two's ids (its pair, meeting and goal): 404, and pair two's rows unchanged;
(b) by pair one's mentor with pair one's pair and pair two's meeting or goal: 404, nothing changed;
(c) on pair one's own URLs by an admin of an uninvolved organisation (delta), by the admins of the pair's own
    organisations and by a board member: 404.
And the texts stay with the pair: a private note is shown to its author only (never to the partner, the board
or an admin); the board's and the admins' pages of pair health show none of the pair's texts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tandem.platform.pairs.models import (
    BoardMessage,
    HelpRequest,
    MeetingNote,
    PairAgreement,
    PairCheckIn,
    PairClosure,
    PairGoal,
    PairMeeting,
)
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair
from tests.fixtures.pairs import build_pair_club, zurich

PAIR_TABLES = (Pair, PairAgreement, PairGoal, PairMeeting, MeetingNote, PairCheckIn, HelpRequest, BoardMessage,
               PairClosure)
# Plausible values for every form of the pairs' space: were a check missing, the post would change something.
FORM = {"status": "done", "text": "Taken over", "goals": "Taken over", "confirm": "y", "seen": "x",
        "message": "Taken over", "summary": "Taken over", "note": "Taken over", "usefulness": "1",
        "comment": "Taken over", "starts_at": "2027-03-10T18:00", "date": "2027-03-01", "time": "18:00",
        "duration_minutes": "60", "format": "online", "online_url": "https://evil.example/x", "place": "There",
        "body": "Taken over", "reason": "Taken over"}
SECRETS = {"note": "PRIVATE-NOTE-OF-ANNA", "summary": "SUMMARY-OF-ONE", "comment": "CHECKIN-COMMENT-OF-ONE",
           "agreement": "AGREEMENT-OF-ONE", "goal": "GOAL-TEXT-OF-ONE", "help": "HELP-MESSAGE-OF-ONE"}


def _fill(pair_id: int, meeting_id: int, goal_id: int, arguments: set[str]) -> dict[str, int]:
    known = {"pair_id": pair_id, "meeting_id": meeting_id, "goal_id": goal_id}
    unknown = arguments - set(known)
    assert not unknown, f"the sweep cannot fill {unknown}: give it rows for them"
    return {name: known[name] for name in arguments}


def _path(rule, values: dict[str, int]) -> str:
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<int:{name}>", str(value))
    assert "<" not in path, path
    return path


def partner_rules(app) -> list:
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/me/pairs") and "pair_id" in rule.arguments]
    assert len(rules) >= 15  # the space's six routes and the meetings' nine, at least
    return rules


def board_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("pairs.")
            and (rule.rule.startswith("/board/") or rule.rule.startswith("/o/")) and "GET" in (rule.methods or ())]


def methods(rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def snapshot(db, pair_id: int) -> dict[str, list[tuple]]:
    """Every row of a pair, every column: to compare before and after."""
    with club_scope(db):
        db.expire_all()
        meeting_ids = list(db.scalars(sa.select(PairMeeting.id).where(PairMeeting.pair_id == pair_id)))
        rows: dict[str, list[tuple]] = {}
        for model in PAIR_TABLES:
            columns = list(model.__table__.columns)
            if model is Pair:
                where = Pair.id == pair_id
            elif model is MeetingNote:
                where = MeetingNote.meeting_id.in_(meeting_ids)
            else:
                where = model.pair_id == pair_id
            rows[model.__tablename__] = sorted(tuple(row) for row in db.execute(sa.select(*columns).where(where)))
    return rows


@pytest.fixture()
def club(app, db, clock):
    """The pair club with, for each pair, an agreement, a goal, a held meeting with a summary, a check-in with a
    comment, a private note of the mentor, a planned meeting, a request for help and a board message."""
    with app.app_context():
        club = build_pair_club(db)
    ids = {}
    with club_scope(db):
        for number in ("one", "two"):
            pair = club.pairs[number]
            mentor, mentee = club.participations[f"mentor_{number}"], club.participations[f"mentee_{number}"]
            tag = "" if number == "one" else "-TWO"
            goal = PairGoal(pair_id=pair.id, position=1, text=SECRETS["goal"] + tag)
            held = PairMeeting(pair_id=pair.id, uid=f"held-{number}@test", status="held",
                               starts_at=zurich(2027, 3, 1, 18), duration_minutes=60, format="online",
                               online_url="https://meet.example/a", summary=SECRETS["summary"] + tag,
                               planned_by_participation_id=mentor.id, logged_by_participation_id=mentor.id,
                               logged_at=datetime(2027, 3, 1, 20, tzinfo=UTC))
            planned = PairMeeting(pair_id=pair.id, uid=f"planned-{number}@test", status="planned",
                                  starts_at=zurich(2027, 3, 20, 18), duration_minutes=60, format="in_person",
                                  place="Café", planned_by_participation_id=mentee.id)
            db.add_all([goal, held, planned,
                        PairAgreement(pair_id=pair.id, text=SECRETS["agreement"] + tag),
                        HelpRequest(pair_id=pair.id, participation_id=mentor.id, message=SECRETS["help"] + tag),
                        BoardMessage(pair_id=pair.id, body="Hello from the board")])
            db.flush()
            db.add_all([MeetingNote(meeting_id=held.id, author_participation_id=mentor.id,
                                    text=SECRETS["note"] + tag),
                        PairCheckIn(meeting_id=held.id, pair_id=pair.id, participation_id=mentee.id, usefulness=2,
                                    comment=SECRETS["comment"] + tag)])
            db.flush()
            ids[number] = {"pair_id": pair.id, "meeting_id": held.id, "planned_id": planned.id, "goal_id": goal.id}
        db.commit()
    club.ids = ids
    return club


def test_another_pairs_ids_do_not_exist_for_a_partner(app, db, sign_in, club):
    one, two = club.ids["one"], club.ids["two"]
    before = snapshot(db, two["pair_id"])
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    found = []
    for rule in partner_rules(app):
        for method in methods(rule):
            for meeting in (two["meeting_id"], two["planned_id"]):
                # (a) pair two's ids altogether
                path = _path(rule, _fill(two["pair_id"], meeting, two["goal_id"], set(rule.arguments)))
                status = mentor.open(path, method=method, data=FORM if method == "POST" else None).status_code
                if status != 404:
                    found.append((method, path, status))
                # (b) pair one, with pair two's meeting or goal
                if {"meeting_id", "goal_id"} & set(rule.arguments):
                    path = _path(rule, _fill(one["pair_id"], meeting, two["goal_id"], set(rule.arguments)))
                    status = mentor.open(path, method=method, data=FORM if method == "POST" else None).status_code
                    if status != 404:
                        found.append((method, path, status))
    assert found == []
    assert snapshot(db, two["pair_id"]) == before


@pytest.mark.parametrize("who", ["admin_delta", "admin_alpha", "admin_beta", "board", "mentor_two", "mentee_two"])
def test_a_pairs_pages_do_not_exist_for_anyone_else(app, db, sign_in, club, who):
    one = club.ids["one"]
    before = snapshot(db, one["pair_id"])
    client = sign_in(app.test_client(), club.people[who])
    found = []
    for rule in partner_rules(app):
        for method in methods(rule):
            path = _path(rule, _fill(one["pair_id"], one["meeting_id"], one["goal_id"], set(rule.arguments)))
            status = client.open(path, method=method, data=FORM if method == "POST" else None).status_code
            if status != 404:
                found.append((method, path, status))
    assert found == []
    assert snapshot(db, one["pair_id"]) == before


def _pages(client, paths: list[str]) -> str:
    """The pages' HTML together (pages that answer 200)."""
    html = []
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 302, 403, 404), (path, response.status_code)
        if response.status_code == 200:
            html.append(response.get_data(as_text=True))
    return "\n".join(html)


def _partner_paths(app, ids: dict[str, int]) -> list[str]:
    paths = []
    for rule in partner_rules(app):
        if "GET" in (rule.methods or ()):
            for meeting in (ids["meeting_id"], ids["planned_id"]):
                paths.append(_path(rule, _fill(ids["pair_id"], meeting, ids["goal_id"], set(rule.arguments))))
    return sorted(set(paths))


def test_a_private_note_is_its_authors_alone(app, db, sign_in, club):
    one = club.ids["one"]
    paths = _partner_paths(app, one)
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    assert SECRETS["note"] in _pages(mentor, paths)  # the author reads it (so the sweep below can fail)
    mentee = sign_in(app.test_client(), club.people["mentee_one"])
    seen = _pages(mentee, paths)
    assert SECRETS["summary"] in seen  # the pair's shared texts are there for the partner
    assert SECRETS["note"] not in seen
    assert SECRETS["help"] not in seen  # the mentor's request for help is the board's


def test_the_board_and_the_admins_read_none_of_the_pairs_texts(app, db, sign_in, club):
    one = club.ids["one"]
    values = {"cohort_id": club.cohort.id, "pair_id": one["pair_id"], "org_slug": None}
    with club_scope(db):
        values["help_id"] = db.scalar(sa.select(HelpRequest.id).where(HelpRequest.pair_id == one["pair_id"]))
    rules = board_rules(app)
    assert any(rule.endpoint == "pairs.board_pair" for rule in rules)

    def paths(slug: str) -> list[str]:
        result = []
        for rule in rules:
            path = rule.rule
            for name in rule.arguments:
                value = slug if name == "org_slug" else values[name]
                path = re.sub(rf"<(?:int:)?{name}>", str(value), path)
            result.append(path)
        return result

    board = sign_in(app.test_client(), club.people["board"])
    seen = _pages(board, paths(club.organisations["alpha"].slug) + _partner_paths(app, one))
    assert "Anna Keller" in seen  # the board's pages of the pair answered
    for kind in ("note", "summary", "comment", "agreement", "goal"):
        assert SECRETS[kind] not in seen, kind
    for admin, organisation in (("admin_alpha", "alpha"), ("admin_beta", "beta"), ("admin_delta", "delta")):
        client = sign_in(app.test_client(), club.people[admin])
        seen = _pages(client, paths(club.organisations[organisation].slug) + _partner_paths(app, one))
        for kind in SECRETS:
            assert SECRETS[kind] not in seen, (admin, kind)
