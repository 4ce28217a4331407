"""The pair's own page and its agreement and goals, as the mentor and as the mentee: the partner, what is due
next, the agreement pre-filled from the mentee's aims, both confirmations (a change of text resets them), the
goals' status, the home page's link, and an ended pair's read-only page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import set_clock
from tandem.platform.identity.models import User
from tandem.platform.pairs.models import BoardMessage, GoalStatus, PairAgreement, PairGoal, PairMeeting
from tandem.platform.participant.models import Profile
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tests.fixtures.pairs import NOW, build_pair_club, zurich

EN = {"Accept-Language": "en"}
AIMS = "- Understand how younger colleagues use social media\n- Learn to give feedback across generations\n\n" \
       "- Try hybrid ways of working"


@pytest.fixture()
def club(app, db, clock):
    """The pair club (tests/fixtures/pairs.py), everyone reading English, the mentee of pair one with aims. Built
    in an app context of its own and left: requests must not share one (Flask-Login keeps the signed-in
    person in `g`, which would pass from one client's request to the next)."""
    with app.app_context():
        pair_club = build_pair_club(db)
    with club_scope(db):
        for person in pair_club.people.values():
            db.get(User, person.id).preferred_language = "en"
        mentee = pair_club.participations["mentee_one"]
        db.add(Profile(organisation_id=mentee.organisation_id, participation_id=mentee.id, aims=AIMS,
                       languages=["fr", "en"], format="in_person", city="Bern", weekdays=["tue"]))
        db.commit()
    return pair_club


def text_of(html: str) -> str:
    """The page's words, one space between them (none before punctuation that follows a tag)."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([.,:;)])", r"\1", text)


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def as_person(app, sign_in, person):
    return sign_in(app.test_client(), person)


def agreement_row(db, pair_id: int) -> PairAgreement | None:
    db.expire_all()
    return db.scalar(sa.select(PairAgreement).where(PairAgreement.pair_id == pair_id))


def goals(db, pair_id: int) -> list[tuple[int, str, str]]:
    db.expire_all()
    return [(g.position, g.text, g.status) for g in
            db.scalars(sa.select(PairGoal).where(PairGoal.pair_id == pair_id).order_by(PairGoal.position))]


def seen_version(html: str) -> str:
    return re.search(r'name="seen"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="seen"', html).group(1)


def test_the_mentor_and_the_mentee_each_see_their_partner_and_what_is_due(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    mentor = as_person(app, sign_in, club.people["mentor_one"])
    text = text_of(page(mentor, f"/me/pairs/{pair_id}"))
    assert "Our tandem: Anna Keller and Bernard Favre" in text
    assert "Bernard Favre Your mentee, from Beta Energie" in text
    assert club.people["mentee_one"].email in text
    assert "French, English" in text and "In person · Bern" in text  # while the tandem runs
    # kick-off 2027-03-01, every 3 to 4 weeks: the first meeting is due four weeks after the kick-off
    assert "Your next meeting is due by March 29, 2027." in text
    assert "Ask the board for help (confidential)" in text
    assert "After your first meeting, record your goals" in text

    mentee = as_person(app, sign_in, club.people["mentee_one"])
    text = text_of(page(mentee, f"/me/pairs/{pair_id}"))
    assert "Our tandem: Bernard Favre and Anna Keller" in text
    assert "Anna Keller Your mentor, from Alpha Bank" in text
    assert club.people["mentor_one"].email in text
    assert "Ask the board for help" not in text and "/help" not in page(mentee, f"/me/pairs/{pair_id}")


def test_overdue_then_planned_and_the_invitation_to_agree_after_the_first_meeting(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    mentor = as_person(app, sign_in, club.people["mentor_one"])
    set_clock(app, NOW + timedelta(days=33))  # 2027-04-04: the first meeting was due on 2027-03-29
    text = text_of(page(mentor, f"/me/pairs/{pair_id}"))
    assert "Your next meeting is overdue since March 29, 2027 (6 days)." in text
    with club_scope(db):
        db.add_all([
            PairMeeting(pair_id=pair_id, uid="held@test", status="held", starts_at=zurich(2027, 3, 20),
                        duration_minutes=60, format="online", online_url="https://meet.example/a"),
            PairMeeting(pair_id=pair_id, uid="next@test", status="planned", starts_at=zurich(2027, 4, 12),
                        duration_minutes=60, format="in_person", place="Café"),
        ])
        db.commit()
    text = text_of(page(mentor, f"/me/pairs/{pair_id}"))
    assert "Your next meeting is planned on April 12, 2027." in text
    assert "You have met: now record your agreement and goals" in text


def test_the_home_page_links_to_the_pairs_space(app, db, sign_in, club):
    mentee = as_person(app, sign_in, club.people["mentee_one"])
    html = page(mentee, "/me/")
    assert f'href="/me/pairs/{club.pairs["one"].id}"' in html and "Our pair's space" in html


def test_the_agreement_is_prefilled_confirmed_by_both_and_a_change_asks_both_again(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    mentor = as_person(app, sign_in, club.people["mentor_one"])
    mentee = as_person(app, sign_in, club.people["mentee_one"])

    form = page(mentor, f"/me/pairs/{pair_id}/agreement")
    # goals from the mentee's aims, bullets taken off; a suggested text with the cohort's rhythm and addresses
    assert ("Understand how younger colleagues use social media\nLearn to give feedback across generations\n"
            "Try hybrid ways of working</textarea>") in form
    assert "We meet every 3 to 4 weeks" in form and club.people["mentee_one"].email in form
    assert 'type="checkbox"' in form and "I confirm this agreement" in form

    response = mentor.post(f"/me/pairs/{pair_id}/agreement", headers=EN, data={
        "text": "We keep it between us.\nWe meet every four weeks.",
        "goals": "Understand social media\n\nGive feedback\n", "confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/me/pairs/{pair_id}#agreement")
    stored = agreement_row(db, pair_id)
    assert stored.text == "We keep it between us.\nWe meet every four weeks."
    assert stored.mentor_confirmed_at is not None and stored.mentee_confirmed_at is None
    assert goals(db, pair_id) == [(1, "Understand social media", "open"), (2, "Give feedback", "open")]

    # the mentee reads it and confirms it
    html = page(mentee, f"/me/pairs/{pair_id}")
    text = text_of(html)
    assert "We keep it between us." in text and "Anna Keller: confirmed on March 2, 2027" in text
    assert "You: not confirmed yet" in text
    response = mentee.post(f"/me/pairs/{pair_id}/agreement/confirm", data={"seen": seen_version(html)})
    assert response.status_code == 302
    stored = agreement_row(db, pair_id)
    assert stored.mentor_confirmed_at is not None and stored.mentee_confirmed_at is not None
    text = text_of(page(mentee, f"/me/pairs/{pair_id}"))
    assert "You: confirmed on March 2, 2027" in text and "I confirm this agreement" not in text

    # a goal progresses; saving the same text with a goal added keeps both confirmations and the status
    goal_id = db.scalar(sa.select(PairGoal.id).where(PairGoal.pair_id == pair_id, PairGoal.position == 2))
    assert mentee.post(f"/me/pairs/{pair_id}/goals/{goal_id}", data={"status": "progressing"}).status_code == 302
    response = mentee.post(f"/me/pairs/{pair_id}/agreement", headers=EN, data={
        "text": "We keep it between us.\nWe meet every four weeks.",
        "goals": "Give feedback\nUnderstand social media\nLead a younger team"})
    assert response.status_code == 302
    stored = agreement_row(db, pair_id)
    assert stored.mentor_confirmed_at is not None and stored.mentee_confirmed_at is not None
    assert goals(db, pair_id) == [(1, "Give feedback", "progressing"), (2, "Understand social media", "open"),
                                  (3, "Lead a younger team", "open")]

    # a change of text asks both to confirm again (the saver confirms by ticking the box)
    response = mentee.post(f"/me/pairs/{pair_id}/agreement", headers=EN, data={
        "text": "We keep it between us. We meet every three weeks.", "goals": "Give feedback", "confirm": "y"})
    assert response.status_code == 302
    stored = agreement_row(db, pair_id)
    assert stored.mentor_confirmed_at is None and stored.mentee_confirmed_at is not None
    assert goals(db, pair_id) == [(1, "Give feedback", "progressing")]
    html = page(mentor, f"/me/pairs/{pair_id}")
    assert "You: not confirmed yet" in text_of(html) and "I confirm this agreement" in html

    # confirming a version that is no longer the text is refused: the partner reads it again first
    response = mentor.post(f"/me/pairs/{pair_id}/agreement/confirm", data={"seen": "2000-01-01T00:00:00+00:00"},
                           headers=EN, follow_redirects=True)
    assert "The agreement has changed since you opened the page." in text_of(response.get_data(as_text=True))
    assert agreement_row(db, pair_id).mentor_confirmed_at is None
    assert mentor.post(f"/me/pairs/{pair_id}/agreement/confirm", data={"seen": seen_version(html)}).status_code == 302
    assert agreement_row(db, pair_id).mentor_confirmed_at is not None

    with club_scope(db):
        actions = db.scalars(sa.select(AuditEvent.action).where(AuditEvent.target_id == pair_id,
                                                                AuditEvent.target_type == "pair")).all()
        details = db.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "pair.agreement_saved")).all()
    assert actions.count("pair.agreement_saved") == 3 and actions.count("pair.agreement_confirmed") == 2
    assert all("We keep" not in str(item) and "feedback" not in str(item) for item in details)


def test_the_first_agreement_without_aims_starts_with_no_goals(app, db, sign_in, club):
    pair_id = club.pairs["two"].id  # Greta has no profile
    mentee = as_person(app, sign_in, club.people["mentee_two"])
    form = page(mentee, f"/me/pairs/{pair_id}/agreement")
    assert re.search(r'<textarea[^>]*name="goals"[^>]*>\s*</textarea>', form)


def test_goal_status(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    with club_scope(db):
        goal = PairGoal(pair_id=pair_id, position=1, text="Understand social media")
        db.add(goal)
        db.commit()
    mentor = as_person(app, sign_in, club.people["mentor_one"])
    html = page(mentor, f"/me/pairs/{pair_id}")
    assert f'action="/me/pairs/{pair_id}/goals/{goal.id}"' in html and "Status of goal 1" in html
    response = mentor.post(f"/me/pairs/{pair_id}/goals/{goal.id}", data={"status": "done"}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("#goals")
    assert goals(db, pair_id) == [(1, "Understand social media", GoalStatus.DONE)]
    # a status that is not one: beside the goal's field, nothing changed
    response = mentor.post(f"/me/pairs/{pair_id}/goals/{goal.id}", data={"status": "finished"}, headers=EN)
    assert response.status_code == 400
    assert f'id="status-{goal.id}-error-1"' in response.get_data(as_text=True)
    assert goals(db, pair_id) == [(1, "Understand social media", GoalStatus.DONE)]


def test_the_board_messages_show_newest_first(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    with club_scope(db):
        db.add_all([BoardMessage(pair_id=pair_id, body="First <b>hello</b>", created_at=zurich(2027, 3, 1, 9)),
                    BoardMessage(pair_id=pair_id, body="Second message", created_at=zurich(2027, 3, 2, 8))])
        db.commit()
    html = page(as_person(app, sign_in, club.people["mentee_one"]), f"/me/pairs/{pair_id}")
    assert html.index("Second message") < html.index("First &lt;b&gt;hello&lt;/b&gt;")
    assert "<b>hello</b>" not in html


def test_an_ended_pair_is_read_only(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    with club_scope(db):
        db.add(PairGoal(pair_id=pair_id, position=1, text="Understand social media"))
        db.add(PairAgreement(pair_id=pair_id, text="Between us."))
        db.execute(sa.update(Pair).where(Pair.id == pair_id).values(status=PairStatus.ENDED, ended_at=NOW))
        db.commit()
    mentor = as_person(app, sign_in, club.people["mentor_one"])
    html = page(mentor, f"/me/pairs/{pair_id}")
    text = text_of(html)
    assert "This tandem ended on March 2, 2027." in text and "Between us." in text
    assert "<form" not in html.split('<main id="main"', 1)[1].replace('action="/sign-out"', "")
    assert "Understand social media" in text and "Plan a meeting" not in text
    agreement_page = page(mentor, f"/me/pairs/{pair_id}/agreement")
    assert 'name="text"' not in agreement_page and "Between us." in agreement_page
    response = mentor.post(f"/me/pairs/{pair_id}/agreement", data={"text": "Changed", "goals": "A"}, headers=EN,
                           follow_redirects=True)
    assert "no longer changed" in response.get_data(as_text=True)
    assert agreement_row(db, pair_id).text == "Between us."
    assert mentor.post(f"/me/pairs/{pair_id}/help", data={"message": "Help"}).status_code == 302
    goal_id = db.scalar(sa.select(PairGoal.id).where(PairGoal.pair_id == pair_id))
    assert mentor.post(f"/me/pairs/{pair_id}/goals/{goal_id}", data={"status": "done"}).status_code == 302
    assert goals(db, pair_id) == [(1, "Understand social media", "open")]


def test_the_pair_page_reads_in_a_fixed_number_of_statements(app, db, sign_in, club, count_queries):
    pair_id = club.pairs["one"].id
    mentor = as_person(app, sign_in, club.people["mentor_one"])

    def statements() -> int:
        with count_queries() as counter:
            assert mentor.get(f"/me/pairs/{pair_id}", headers=EN).status_code == 200
        return counter.count

    def add(number: int) -> None:
        with club_scope(db):
            for n in range(number):
                tag = f"{number}-{n}"
                db.add_all([BoardMessage(pair_id=pair_id, body=f"Message {tag}"),
                            PairMeeting(pair_id=pair_id, uid=f"m{tag}@test", status="held",
                                        starts_at=zurich(2027, 2, 1 + n + number), duration_minutes=60,
                                        format="online", online_url="https://meet.example/a")])
            db.commit()

    with club_scope(db):
        db.add(PairAgreement(pair_id=pair_id, text="Between us."))
        db.add(PairGoal(pair_id=pair_id, position=1, text="One"))
        db.commit()
    add(1)
    few = statements()
    with club_scope(db):
        db.add_all([PairGoal(pair_id=pair_id, position=n, text=f"Goal {n}") for n in range(2, 6)])
        db.commit()
    add(8)
    assert statements() == few
