"""A mail as it leaves over real SMTP (aiosmtpd): text and HTML alternatives of the same words, the HTML
escaping whatever people typed, its links clickable, and nothing fetched from elsewhere when it is opened."""

from __future__ import annotations

import re
from dataclasses import replace
from email.message import Message
from html.parser import HTMLParser

import pytest
from flask import Flask

from tandem.platform.mail.outbox import queue_mail
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_organisation, make_participation, make_user

MARKUP_NAME = 'Eve <b>Bold</b> & "Co" <img src="http://tracker.example/pixel.png"> <script>alert(1)</script>'
MARKUP_ORGANISATION = "Rhein <i>Energie</i> & Söhne"
MARKUP_CLUB = "Club <em>Kommunikation</em>"


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


@pytest.fixture()
def mail_app(app: Flask, smtp_server, app_context):
    """The suite's app sending to the test's own SMTP server, under a club name with markup in it."""
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url, club_name=MARKUP_CLUB)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


def test_a_mail_over_smtp_is_text_and_html_with_names_escaped_links_clickable_and_no_remote_images(
        mail_app, db, smtp_server, run_jobs):
    with club_scope(db):
        organisation = make_organisation(db, name=MARKUP_ORGANISATION)
        person = make_user(db, organisation, display_name=MARKUP_NAME, preferred_language="en")
        cohort = make_cohort(db, name="Cohort <u>2027</u>")
        participation = make_participation(db, person, cohort, role="mentee")
        queue_mail(db, template="invitation", recipient=person.email, language="en", kind="invitation",
                   organisation_id=organisation.id, recipient_user_id=person.id, person=person,
                   participation=participation, cohort=cohort, organisation=organisation)
        db.commit()
        participation_id = participation.id
    run_jobs()
    received = smtp_server.wait_for(1)
    assert len(received) == 1
    mail = received[0]

    # Two alternatives of the same message, plain text first (the least preferred, RFC 2046 5.1.4).
    assert mail.get_content_type() == "multipart/alternative"
    parts = mail.get_payload()
    assert isinstance(parts, list)
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    text, html = _text(parts[0]), _text(parts[1])

    # The text part says the names as typed; the HTML shows the same words and no markup of theirs.
    assert MARKUP_NAME in text and MARKUP_ORGANISATION in text and MARKUP_CLUB in text
    document = _parse(html)
    shown = "".join(document.text)
    for typed in (MARKUP_NAME, MARKUP_ORGANISATION, MARKUP_CLUB, "Cohort <u>2027</u>"):
        assert typed in shown, typed
    tags = {tag for tag, _ in document.tags}
    assert not tags & {"b", "i", "u", "em", "img", "script"}, tags
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    title = html[html.index("<title>"):html.index("</title>")]
    assert "Cohort &lt;u&gt;2027&lt;/u&gt;" in title

    # Every address of the text part is a link in the HTML part, to the same address.
    link = f"http://localhost/me/participations/{participation_id}"
    assert link in text
    hrefs = [attributes.get("href", "") for tag, attributes in document.tags if tag == "a"]
    assert link in hrefs
    for url in re.findall(r"https?://[^\s<>\"')]+", text):
        assert url.rstrip(".,;:") in hrefs, url

    # Nothing is loaded when the mail is opened: no image, frame, stylesheet or font from anywhere.
    for tag, attributes in document.tags:
        for name in ("src", "srcset", "background", "poster", "data"):
            assert name not in attributes, (tag, attributes)
        if tag == "link":
            assert not REMOTE.match(attributes.get("href", "")), attributes
        assert "url(" not in attributes.get("style", "").lower(), (tag, attributes)
    assert "url(" not in html.lower() and "@import" not in html.lower()
