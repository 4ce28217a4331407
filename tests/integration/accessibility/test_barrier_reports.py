"""The accessibility statement and its barrier report: stored, mailed to the board through the outbox and a
real SMTP server, rate limited, hostile input refused beside its field (never a 500), the board's list."""

from __future__ import annotations

import re
from dataclasses import replace
from email.message import Message

import pytest
import sqlalchemy as sa

from tandem.platform.accessibility.models import MAX_DESCRIPTION, BarrierReport
from tandem.platform.audit_models import AuditEvent
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tests.factories import make_board_member, make_organisation, make_user

EN = {"Accept-Language": "en"}
KIND = "barrier_reported"
DESCRIPTION = "The date picker of the meeting form cannot be reached with the keyboard."


@pytest.fixture()
def mail_app(app, smtp_server):
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


@pytest.fixture()
def board(mail_app, db):
    club = make_organisation(db, "club-board")
    people = {
        "en": make_board_member(db, club, display_name="Eva Board", preferred_language="en"),
        "de": make_board_member(db, club, display_name="Dora Vorstand", preferred_language="de"),
        "gone": make_board_member(db, club, display_name="Gone Board", is_active=False),
    }
    db.commit()
    return people


def stored(db) -> list[BarrierReport]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(BarrierReport).order_by(BarrierReport.id)))


def outbox(db) -> list[OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == KIND)
                               .order_by(OutboxMessage.id)))


def exactly(smtp_server, count: int) -> list[Message]:
    received = smtp_server.wait_for(count)
    received = smtp_server.wait_for(count + 1, timeout=0.5)
    assert len(received) == count, [m["Subject"] for m in received]
    return list(received)


def body_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def page_value(html: str) -> str | None:
    match = re.search(r'<input[^>]*id="page"[^>]*>', html)
    assert match, "the form has the page field"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def report(client, **fields):
    data = {"description": DESCRIPTION, "page": "", "assistive_technology": "", "email": "", "website": ""}
    data.update(fields)
    return client.post("/accessibility", data=data, headers=EN)


def test_the_statement_says_what_eCH_0059_and_the_EU_model_ask(client):
    html = client.get("/accessibility", headers=EN).get_data(as_text=True)
    for words in ("WCAG) 2.2 at level AA", "eCH-0059", "partially conformant", "Known limitations",
                  "How we checked", "axe-core", "Keyboard-only journeys", "Last reviewed", "Feedback and contact",
                  "Enforcement procedure", "Report a barrier"):
        assert words in html, words
    limitations = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert "<caption" in limitations and 'scope="col"' in limitations and 'scope="row"' in limitations
    assert 'href="mailto:' in html
    for field in ("description", "page", "assistive_technology", "email"):
        assert f'id="{field}"' in html
    assert re.search(r'<div hidden>\s*<div class="field[^"]*">\s*<label[^>]*for="website"', html)


def test_the_statement_names_itself_in_every_site_language(client):
    html = client.get("/accessibility", headers=EN).get_data(as_text=True)
    for code in ("de", "fr", "it", "en"):
        assert f'<link rel="alternate" hreflang="{code}" href="http://localhost/accessibility?lang={code}">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/accessibility">' in html


def test_every_page_links_to_the_statement_in_its_footer(client):
    for path in ("/", "/privacy", "/sign-in"):
        footer = re.search(r"<footer.*?</footer>", client.get(path, headers=EN).get_data(as_text=True), re.S)
        assert footer and 'href="/accessibility"' in footer.group(0), path


@pytest.mark.parametrize(("query", "referrer", "expected"), [
    ("?page=/me/pairs/3", None, "/me/pairs/3"),
    ("?page=" + "%2Fshowcase%2F%3Flang%3Dfr", None, "/showcase/?lang=fr"),
    ("", "http://localhost/board/cohorts?x=1", "/board/cohorts?x=1"),
    ("", "https://elsewhere.example/page", None),
    ("?page=https://elsewhere.example/", None, None),
    ("?page=//elsewhere.example/", None, None),
    ("?page=/me/%0D%0ABcc:x", None, None),
    ("", "http://localhost/accessibility", None),
])
def test_the_page_is_filled_in_from_the_link_or_the_referrer_of_this_site(client, query, referrer, expected):
    headers = dict(EN, **({"Referer": referrer} if referrer else {}))
    response = client.get("/accessibility" + query, headers=headers)
    assert response.status_code == 200
    assert page_value(response.get_data(as_text=True)) in ((expected,) if expected else (None, ""))


def test_a_report_is_stored_and_mailed_to_each_board_member_in_their_language(app, db, client, board,
                                                                              smtp_server, run_jobs):
    response = report(client, page="/me/pairs/3", assistive_technology="NVDA 2024.4 with Firefox",
                      email="Reader@Example.org")
    assert response.status_code == 302 and response.headers["Location"].endswith("/accessibility#report")
    followed = client.get("/accessibility", headers=EN).get_data(as_text=True)
    assert "your report has reached the club board" in followed and "within 30 days" in followed

    [item] = stored(db)
    assert (item.description, item.page, item.assistive_technology, item.recipient, item.recipient_user_id,
            item.status, item.language) == (DESCRIPTION, "/me/pairs/3", "NVDA 2024.4 with Firefox",
                                            "reader@example.org", None, "open", "en")
    run_jobs()
    received = exactly(smtp_server, 2)
    assert sorted(m["To"] for m in received) == sorted([board["en"].email, board["de"].email])
    for message in received:
        body = body_of(message)
        assert DESCRIPTION in body and "/me/pairs/3" in body and "NVDA" in body and "reader@example.org" in body
        assert f"http://localhost/board/accessibility#report-{item.id}" in body
    assert {m.recipient: m.language for m in outbox(db)} == {board["en"].email: "en", board["de"].email: "de"}
    with club_scope(db):
        event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "accessibility.barrier_reported"))
    assert event is not None and event.target_id == item.id and event.actor_user_id is None


def test_a_signed_in_reporter_is_linked_and_may_stay_without_an_address(app, db, sign_in, board, smtp_server,
                                                                        run_jobs):
    person = make_user(db, make_organisation(db, "reporters"))
    db.commit()
    client = sign_in(app.test_client(), person)
    assert report(client).status_code == 302
    [item] = stored(db)
    assert (item.recipient_user_id, item.recipient) == (person.id, None)
    followed = client.get("/accessibility", headers=EN).get_data(as_text=True)
    assert "You left no address, so we cannot answer you." in followed
    run_jobs()
    no_address = {board["en"].email: "No address was given", board["de"].email: "Es wurde keine Adresse angegeben"}
    for message in exactly(smtp_server, 2):  # each board member reads it in their language
        assert no_address[message["To"]] in body_of(message)


def test_without_a_board_the_report_goes_to_the_privacy_contact(app, db, client, mail_app, smtp_server, run_jobs):
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, privacy_contact="access@club.example", default_language="fr")
    try:
        assert report(client).status_code == 302
        run_jobs()
        [message] = exactly(smtp_server, 1)
        assert message["To"] == "access@club.example"
        assert [m.language for m in outbox(db)] == ["fr"]
    finally:
        app.config["TANDEM"] = settings


HOSTILE = [
    ("description", "before\x00after", "control characters"),
    ("description", "a\x01\x08\x1b[31m\x7fb", "control characters"),
    ("description", "x" * (MAX_DESCRIPTION + 1), "At most 5000 characters."),
    ("description", "   \r\n  ", "Please describe the barrier"),
    ("page", "/me/\x00", "control characters"),
    ("page", "/me/\r\nBcc: probe@example.com", "single line"),
    ("page", "/" + "p" * 600, "At most 500 characters."),
    ("assistive_technology", "JAWS\x00", "control characters"),
    ("assistive_technology", "J" * 201, "At most 200 characters."),
    ("email", "not an address", "does not look like an e-mail address"),
    ("email", "a@b.example\r\nBcc: probe@example.com", "single line"),
]


@pytest.mark.parametrize(("field", "value", "message"), HOSTILE)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_kept(db, client, board, field, value, message,
                                                                   smtp_server):
    response = report(client, **{field: value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="field__error" id="{field}-error-1">(.*?)</p>', html, re.S)
    assert error and message in error.group(1), html[:2000]
    control = re.search(rf'<(?:input|textarea)[^>]*id="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in control and f"{field}-error-1" in control
    assert 'role="alert"' in html and f'href="#{field}"' in html
    assert stored(db) == [] and outbox(db) == []
    assert len(exactly(smtp_server, 0)) == 0


def test_a_request_too_large_is_a_page_not_a_server_error(client, db):
    response = client.post("/accessibility", data={"description": "x" * (6 * 1024 * 1024)}, headers=EN)
    assert response.status_code == 413
    assert stored(db) == []


def test_markup_is_kept_as_text_and_shown_escaped(app, db, client, sign_in, board, smtp_server, run_jobs):
    markup = 'The <button> "Save" has no name. <script>alert(1)</script><img src=x onerror=alert(2)>'
    assert report(client, description=markup, assistive_technology="<b>VoiceOver</b>").status_code == 302
    [item] = stored(db)
    assert item.description == markup
    run_jobs()
    assert all(markup in body_of(m) for m in exactly(smtp_server, 2))
    html = sign_in(app.test_client(), board["en"]).get("/board/accessibility", headers=EN).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "&lt;b&gt;VoiceOver&lt;/b&gt;" in html


def test_reports_are_rate_limited_per_client(db, client, board):
    statuses = [report(client, description=f"Barrier {n}").status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]
    assert len(stored(db)) == 5
    assert client.get("/accessibility", headers=EN).status_code == 200  # reading the statement is not limited


def test_a_form_filled_in_by_a_program_is_answered_alike_and_kept_nowhere(db, client, board, smtp_server):
    response = report(client, website="https://spam.example")
    assert response.status_code == 302 and response.headers["Location"].endswith("/accessibility#report")
    assert stored(db) == [] and outbox(db) == []
    assert len(exactly(smtp_server, 0)) == 0


def test_the_board_answers_and_closes_a_report(app, db, client, sign_in, board):
    assert report(client, email="reader@example.org", assistive_technology="Dragon").status_code == 302
    [item] = stored(db)
    member = sign_in(app.test_client(), board["en"])
    html = member.get("/board/accessibility", headers=EN).get_data(as_text=True)
    assert DESCRIPTION in html and "reader@example.org" in html and f'id="report-{item.id}"' in html
    assert "Open: 1" in html

    answered = member.post(f"/board/accessibility/{item.id}", data={"status": "answered", "note": "Called back."},
                           headers=EN)
    assert answered.status_code == 302 and answered.headers["Location"].endswith(f"#report-{item.id}")
    [item] = stored(db)
    assert (item.status, item.board_note, item.recipient, item.updated_by_user_id) == (
        "answered", "Called back.", "reader@example.org", board["en"].id)

    refused = member.post(f"/board/accessibility/{item.id}", data={"status": "lost", "note": "x\x00"}, headers=EN)
    assert refused.status_code == 400
    assert 'id="status-' in refused.get_data(as_text=True) and stored(db)[0].status == "answered"

    closed = member.post(f"/board/accessibility/{item.id}", data={"status": "closed", "note": "Fixed."}, headers=EN)
    assert closed.status_code == 302
    [item] = stored(db)
    assert (item.status, item.recipient, item.assistive_technology, item.description) == (
        "closed", None, None, DESCRIPTION)
    assert member.post("/board/accessibility/999999999", data={"status": "closed"}).status_code == 404
    with club_scope(db):
        statuses = [e.details["status"] for e in db.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "accessibility.report_updated").order_by(AuditEvent.id))]
    assert statuses == ["answered", "closed"]
