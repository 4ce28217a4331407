"""Publishing a cohort's pairs: the current run's pairs become active, each person and each admin of their
organisations gets one mail in their own language (outbox rows), and only once, whoever presses the button."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import render_template

from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts.lifecycle import TransitionRefused, apply_transition
from tandem.platform.cohorts.models import CohortState
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, Pair, PairStatus
from tandem.platform.workbench.publishing import operations as publish_module
from tandem.platform.workbench.publishing.operations import PublishRefused, publish_problems, publish_run
from tandem.platform.workbench.publishing.views import publish_context
from tests.factories import (
    make_board_member,
    make_cohort,
    make_kickoff,
    make_matching_run,
    make_org_admin,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)


@pytest.fixture(autouse=True)
def _english_browser(client):
    """Pages in English unless the person chose a language (the club's default is German)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

EXPLANATION = {
    "topics": {"value": 1.0, "weight": 0.4, "code": "all_offered", "params": {"wanted": [], "shared": []}},
    "format": {"value": 1.0, "weight": 0.25, "code": "remote", "params": {}},
    "weekdays": {"value": 1.0, "weight": 0.15, "code": "shared", "params": {"days": ["tue"]}},
    "career_gap": {"value": 0.8, "weight": 0.2, "code": "clear_gap",
                   "params": {"mentor_band": "0-2", "mentee_band": "21+", "steps": 4}},
}
GREETINGS = {"de": "Freundliche Grüsse", "fr": "Avec nos meilleures salutations", "en": "Kind regards"}


def build_world(db, state: str = CohortState.MATCHING, extra_pairs: int = 0):
    """Three organisations with admins in de/fr/en; a cohort with a run of a proposed and a locked pair."""
    alpha = make_organisation(db, name="Alpha Bank")
    beta = make_organisation(db, name="Beta Energie")
    gamma = make_organisation(db, name="Gamma Kliniken")
    board = make_board_member(db, gamma, display_name="Regula Widmer", preferred_language="en")
    admins = {
        "alpha_de": make_org_admin(db, alpha, display_name="Admin Alpha DE", preferred_language="de"),
        "alpha_en": make_org_admin(db, alpha, display_name="Admin Alpha EN", preferred_language="en"),
        "beta_fr": make_org_admin(db, beta, display_name="Admin Beta FR", preferred_language="fr"),
        "gamma_en": make_org_admin(db, gamma, display_name="Admin Gamma EN", preferred_language="en"),
    }
    cohort = make_cohort(db, state, name="Spring Cohort")
    people = {
        "anna": make_user(db, alpha, display_name="Anna Keller", preferred_language="de"),
        "bernard": make_user(db, beta, display_name="Bernard Favre", preferred_language="fr"),
        "grace": make_user(db, gamma, display_name="Grace Miller", preferred_language="en"),
        "dora": make_user(db, alpha, display_name="Dora Huber"),  # no choice: the club's default (de)
    }
    roles = {"anna": "mentor", "bernard": "mentee", "grace": "mentor", "dora": "mentee"}
    parts = {name: make_participation(db, person, cohort, role=roles[name], status="active")
             for name, person in people.items()}
    run = make_matching_run(db, cohort)
    pairs = [
        make_pair(db, parts["anna"], parts["bernard"], status="proposed", run=run, score=0.8, explanation=EXPLANATION),
        make_pair(db, parts["grace"], parts["dora"], status="locked", run=run, score=0.7, explanation=EXPLANATION),
    ]
    for _n in range(extra_pairs):
        mentor = make_participation(db, make_user(db, beta), cohort, role="mentor", status="active")
        mentee = make_participation(db, make_user(db, gamma), cohort, role="mentee", status="active")
        pairs.append(make_pair(db, mentor, mentee, status="proposed", run=run, score=0.6, explanation=EXPLANATION))
    db.commit()
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "board": board, "admins": admins, "cohort": cohort,
            "people": people, "parts": parts, "run": run, "pairs": pairs}


@pytest.fixture()
def world(db):
    return build_world(db)


def outbox(db, kind: str | None = None) -> list[OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(db.scalars(query))


def pair_states(db, pairs) -> list[tuple[str, bool]]:
    with club_scope(db):
        db.expire_all()
        return [(p.status, p.activated_at is not None) for p in
                db.scalars(sa.select(Pair).where(Pair.id.in_([p.id for p in pairs])).order_by(Pair.id))]


def published_at(db, run):
    with club_scope(db):
        db.expire_all()
        return db.get(MatchingRun, run.id).published_at


def publish_url(world) -> str:
    return f"/board/cohorts/{world['cohort'].id}/matching/publish"


def test_publishing_activates_the_pairs_and_tells_everyone_in_their_language(client, sign_in, db, world):
    sign_in(client, world["board"])
    response = client.post(publish_url(world), data={"run_id": world["run"].id, "confirm": "y"})
    assert response.status_code == 302
    assert pair_states(db, world["pairs"]) == [(PairStatus.ACTIVE, True), (PairStatus.ACTIVE, True)]
    assert published_at(db, world["run"]) is not None

    people, admins = world["people"], world["admins"]
    personal = {m.recipient: m for m in outbox(db, "pair_published")}
    assert set(personal) == {p.email for p in people.values()}  # one each
    assert len(outbox(db, "pair_published")) == 4
    expected_language = {"anna": "de", "bernard": "fr", "grace": "en", "dora": "en"}  # Dora: the club's default
    partners = {"anna": "bernard", "bernard": "anna", "grace": "dora", "dora": "grace"}
    organisations = {"anna": "Alpha Bank", "bernard": "Beta Energie", "grace": "Gamma Kliniken", "dora": "Alpha Bank"}
    for name, person in people.items():
        message = personal[person.email]
        language = expected_language[name]
        assert message.language == language
        assert message.recipient_user_id == person.id
        partner = partners[name]
        assert people[partner].display_name in message.body_text
        assert people[partner].email in message.body_text
        assert organisations[partner] in message.body_text
        assert "http://localhost/me/" in message.body_text
        assert GREETINGS[language] in message.body_text
        for other in set(people) - {name, partner}:
            assert people[other].email not in message.body_text

    admin_mails = outbox(db, "pair_published_admin")
    assert sorted(m.recipient for m in admin_mails) == sorted(a.email for a in admins.values())  # one per admin
    by_recipient = {m.recipient: m for m in admin_mails}
    for key, language in (("alpha_de", "de"), ("alpha_en", "en"), ("beta_fr", "fr"), ("gamma_en", "en")):
        assert by_recipient[admins[key].email].language == language
        assert GREETINGS[language] in by_recipient[admins[key].email].body_text
    alpha_mail = by_recipient[admins["alpha_de"].email].body_text
    for name in ("Anna Keller", "Bernard Favre", "Dora Huber", "Grace Miller"):
        assert name in alpha_mail  # Alpha's two people and their partners
    beta_mail = by_recipient[admins["beta_fr"].email].body_text
    assert "Bernard Favre" in beta_mail and "Anna Keller" in beta_mail
    assert "Dora Huber" not in beta_mail and "Grace Miller" not in beta_mail

    with club_scope(db):
        event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "matching.published"))
    assert event.actor_user_id == world["board"].id
    assert event.details["pairs"] == 2 and event.details["mails"] == 8


def test_publishing_needs_the_confirmation_tick(client, sign_in, db, world):
    sign_in(client, world["board"])
    assert client.post(publish_url(world), data={"run_id": world["run"].id}).status_code == 302
    assert "tick the box" in client.get(f"/board/cohorts/{world['cohort'].id}").get_data(as_text=True)
    assert published_at(db, world["run"]) is None
    assert outbox(db) == []


def test_a_form_without_the_run_is_refused(client, sign_in, db, world):
    sign_in(client, world["board"])
    assert client.post(publish_url(world), data={"confirm": "y"}).status_code == 400
    assert published_at(db, world["run"]) is None


def _refuse(db, world, expected_run_id=None):
    with pytest.raises(PublishRefused):
        publish_run(db, world["cohort"], world["board"].id, expected_run_id=expected_run_id)
    db.rollback()
    assert pair_states(db, world["pairs"])[0][0] == PairStatus.PROPOSED
    assert outbox(db) == []


def test_refused_outside_the_matching_step(db, app_context):
    world = build_world(db, state=CohortState.NOMINATIONS_OPEN)
    _refuse(db, world)


def test_refused_without_a_run(db, app_context):
    cohort = make_cohort(db, CohortState.MATCHING)
    db.commit()
    with pytest.raises(PublishRefused):
        publish_run(db, cohort, None)


def test_refused_while_a_run_is_queued_or_running(db, app_context, world):
    make_matching_run(db, world["cohort"], status="running")
    db.commit()
    _refuse(db, world)


def test_refused_when_the_run_has_no_pair(db, app_context, world):
    with club_scope(db):
        db.execute(sa.delete(Pair).where(Pair.cohort_id == world["cohort"].id))
    db.commit()
    with pytest.raises(PublishRefused, match="no pair"):
        publish_run(db, world["cohort"], None)


def test_refused_when_another_run_became_current(db, app_context, world):
    make_matching_run(db, world["cohort"])  # a newer successful run, without pairs
    db.commit()
    _refuse(db, world, expected_run_id=world["run"].id)


def test_refused_when_someone_no_longer_takes_part(db, app_context, world):
    with club_scope(db):
        world["parts"]["bernard"].status = "withdrawn"
        db.commit()
    problems, _summary = publish_problems(db, world["cohort"])
    assert any("no longer takes part" in p for p in problems)
    _refuse(db, world)


def test_publishing_twice_is_refused(db, app_context, world):
    assert publish_run(db, world["cohort"], world["board"].id) == 2
    db.commit()
    mails = len(outbox(db))
    with pytest.raises(PublishRefused, match="already published"):
        publish_run(db, world["cohort"], world["board"].id)
    db.rollback()
    assert len(outbox(db)) == mails


def test_a_concurrent_second_publish_is_refused_by_the_conditional_update(db, app_context, world, monkeypatch):
    """Two board members press the button at once: both pass the checks, the database lets one publish."""
    publish_run(db, world["cohort"], world["board"].id, expected_run_id=world["run"].id)
    db.commit()
    mails = len(outbox(db))
    with club_scope(db):
        run_id = world["run"].id

    def checks_passed_before_the_first_commit(session, cohort):
        return [], publish_module.PublishSummary(run_id, 2, 3)

    monkeypatch.setattr(publish_module, "publish_problems", checks_passed_before_the_first_commit)
    with pytest.raises(PublishRefused, match="meanwhile"):
        publish_run(db, world["cohort"], world["board"].id, expected_run_id=run_id)
    db.rollback()
    assert len(outbox(db)) == mails
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "matching.published")) == 1


def test_the_programme_can_start_once_the_pairs_are_published(db, app_context, world):
    with pytest.raises(TransitionRefused):
        apply_transition(db, world["cohort"], "start_programme", world["board"].id, today=date(2027, 1, 1))
    db.rollback()
    publish_run(db, world["cohort"], world["board"].id)
    make_kickoff(db, world["cohort"])  # starting also needs the programme's kick-off, published
    db.commit()
    apply_transition(db, world["cohort"], "start_programme", world["board"].id, today=date(2027, 1, 1))
    db.commit()
    assert world["cohort"].state == CohortState.RUNNING


def test_publishing_reads_a_fixed_number_of_times_whatever_the_cohort_size(db, app_context, count_queries):
    def selects(extra: int) -> int:
        world = build_world(db, extra_pairs=extra)
        with count_queries() as counter:
            publish_run(db, world["cohort"], world["board"].id)
        db.rollback()
        return sum(1 for s in counter.statements if s.lstrip().upper().startswith("SELECT"))

    assert selects(0) == selects(6)


def test_the_publish_panel_shows_the_button_or_the_reasons(app, db, world):
    with app.test_request_context("/"):
        with club_scope(db):
            html = render_template("workbench/_publish.html", cohort=world["cohort"],
                                   **publish_context(db, world["cohort"]))
        assert 'name="confirm"' in html and f'value="{world["run"].id}"' in html
        assert "2 tandems" in html
        make_matching_run(db, world["cohort"], status="queued")
        db.flush()
        with club_scope(db):
            html = render_template("workbench/_publish.html", cohort=world["cohort"],
                                   **publish_context(db, world["cohort"]))
        assert 'name="confirm"' not in html
        assert "queued or running" in html
    db.rollback()
