"""Signing in in the browser tests: by e-mail link, as anyone whose organisation has no SSO (and the board)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tandem.platform.mail.models import OutboxMessage

LINK = re.compile(r"http://\S+/sign-in/link/[A-Za-z0-9_\-]+")


def mailed_sign_in_link(live_server, address: str) -> str:
    """The sign-in link last mailed to `address` (read from the outbox)."""
    session = live_server.session()
    try:
        body = session.scalar(sa.select(OutboxMessage.body_text)
                              .where(OutboxMessage.recipient == address, OutboxMessage.kind == "sign_in_link")
                              .order_by(OutboxMessage.id.desc()).limit(1))
    finally:
        session.close()
    assert body, "a sign-in link was mailed"
    match = LINK.search(body)
    assert match, body
    return match.group(0)


def sign_in_by_link(page, live_server, address: str) -> None:
    """Ask for a link on /sign-in, open it from the outbox and confirm, as a person would."""
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Work e-mail address").fill(address)
    page.get_by_role("button", name="E-mail me a sign-in link instead").click()
    page.wait_for_url(live_server.url + "/sign-in/sent")
    page.goto(mailed_sign_in_link(live_server, address))
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
