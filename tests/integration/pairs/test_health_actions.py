"""The board's actions on a pair: writing to it (one mail to each partner, in their language), ending it early
(the pair ended with a closure row, mails to the partners and both organisations' admins without the reason,
and the pair out of the rhythm's flags), marking the mentor's request for help as dealt with; bad input
refused beside its field, nothing half-written."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.pairs.models import BoardMessage, ClosureOutcome, HelpRequest, PairClosure
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tests.fixtures.pairs import outbox
from tests.integration.pairs.test_health_pages import (
    EN,
    HELP_TEXT,
    LATER,
    flags_of,
    health_path,
    lived,  # noqa: F401 (a fixture)
    page,
    pair_path,
    text_of,
)

REASON = "Reason-for-the-board-only-8c1f"


@pytest.fixture()
def board(client, sign_in, lived):  # noqa: F811
    return sign_in(client, lived.people["board"])


def errors_of(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, message in re.findall(r'<p class="field__error" id="([\w-]+?)-error-\d+">(.*?)</p>', html, re.S):
        found.setdefault(field, []).append(text_of(message).removeprefix("Error: "))
    return found


def board_messages(db) -> list[BoardMessage]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(BoardMessage).order_by(BoardMessage.id)))


def audit_of(db, action: str) -> list[AuditEvent]:
    with club_scope(db):
        return list(db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_writing_to_a_pair_mails_both_partners_once(board, db, lived):  # noqa: F811
    path = f"{pair_path(lived, 'one')}/message"
    response = board.post(path, data={"body": "Please plan your next meeting <b>soon</b>."}, headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{pair_path(lived, 'one')}#messages")
    [message] = board_messages(db)
    assert message.pair_id == lived.pairs["one"].id and message.sender_user_id == lived.people["board"].id
    mails = outbox(db, "pair_board_message")
    assert sorted((m.recipient, m.language) for m in mails) == sorted([
        (lived.people["mentor_one"].email, "en"), (lived.people["mentee_one"].email, "fr")])
    for mail in mails:
        assert "Please plan your next meeting <b>soon</b>." in mail.body_text
        assert "&lt;b&gt;" in mail.body_html
        assert f"/me/pairs/{lived.pairs['one'].id}" in mail.body_text
        assert "Regula Board" in mail.body_text
    [event] = audit_of(db, "pair.board_message_sent")
    assert event.target_id == lived.pairs["one"].id and "soon" not in str(event.details)
    html = page(board, pair_path(lived, "one"))
    assert "Please plan your next meeting &lt;b&gt;soon&lt;/b&gt;." in html


@pytest.mark.parametrize(("body", "message"), [
    ("", "Write the message to the pair."),
    ("   ", "Write the message to the pair."),
    ("x" * 100_000, "At most 5000 characters."),
    ("Hello\x00there", "Please remove the control characters (invisible characters such as NUL) from this field."),
])
def test_a_bad_message_is_refused_beside_its_field(board, db, lived, body, message):  # noqa: F811
    response = board.post(f"{pair_path(lived, 'one')}/message", data={"body": body}, headers=EN)
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True)) == {"body": [message]}
    assert board_messages(db) == [] and outbox(db, "pair_board_message") == []


def test_ending_a_pair_early(board, db, lived):  # noqa: F811
    two = lived.pairs["two"]
    assert flags_of(page(board, health_path(lived)))[two.id] == {"silent", "help_asked"}
    response = board.post(f"{pair_path(lived, 'two')}/end", data={"reason": REASON, "confirmed": "y"}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("#ending")
    with club_scope(db):
        db.expire_all()
        pair = db.get(Pair, two.id)
        closure = db.scalar(sa.select(PairClosure).where(PairClosure.pair_id == two.id))
        assert pair.status == PairStatus.ENDED and pair.ended_at is not None
        assert closure.outcome == ClosureOutcome.ENDED_EARLY and closure.reason == REASON
        assert closure.ended_by_user_id == lived.people["board"].id
        assert closure.ended_at.replace(tzinfo=None) == LATER.replace(tzinfo=None)
        assert db.get(Pair, lived.pairs["one"].id).status == PairStatus.ACTIVE
    mails = outbox(db, "pair_ended_early")
    assert sorted(m.recipient for m in mails) == sorted(
        lived.people[name].email for name in ("mentor_two", "mentee_two", "admin_beta", "admin_gamma"))
    for mail in mails:
        assert REASON not in mail.body_text and REASON not in mail.body_html
        assert "Berta Graf" in mail.body_text or "Greta Hof" in mail.body_text
    [event] = audit_of(db, "pair.ended_early")
    assert REASON not in str(event.details)
    # The pair leaves the rhythm's flags: no longer silent (its open request for help stays for the board).
    html = page(board, health_path(lived))
    assert flags_of(html)[two.id] == {"help_asked"}
    assert "Ended early" in text_of(re.search(rf'<tr id="pair-{two.id}".*?</tr>', html, re.S).group(0))
    assert set(re.findall(r'<tr id="pair-(\d+)"', page(board, health_path(lived, "?status=ended_early")))) == {
        str(two.id)}
    # The board's page: the reason for the board, the way to new partners, no more forms.
    detail = page(board, pair_path(lived, "two"))
    assert REASON in detail and 'id="repair-links"' in detail
    assert "pair-by-hand?mentor=" in detail and "pair-by-hand?mentee=" in detail
    assert f'action="{pair_path(lived, "two")}/end"' not in detail
    assert f'action="{pair_path(lived, "two")}/message"' not in detail
    # The organisations' admins see it ended, without flags of the rhythm and without the reason.
    admin = page(board, f"/o/{lived.organisations['gamma'].slug}/pairs")
    assert REASON not in admin and flags_of(admin)[two.id] == set()
    # Ending again, or writing to an ended pair: refused with a message, nothing more sent.
    again = board.post(f"{pair_path(lived, 'two')}/end", data={"reason": REASON, "confirmed": "y"}, headers=EN,
                       follow_redirects=True)
    assert "This tandem has already ended." in again.get_data(as_text=True)
    written = board.post(f"{pair_path(lived, 'two')}/message", data={"body": "Hello"}, headers=EN,
                         follow_redirects=True)
    assert "This tandem has ended" in written.get_data(as_text=True)
    assert len(outbox(db, "pair_ended_early")) == 4 and outbox(db, "pair_board_message") == []


@pytest.mark.parametrize(("data", "errors"), [
    ({"reason": REASON}, {"confirmed": ["Tick the box to confirm that the tandem ends now."]}),
    ({"confirmed": "y"}, {"reason": ["Say why the tandem ends early (for the board's records; the pair is not "
                                     "told)."]}),
    ({"reason": "r" * 100_000, "confirmed": "y"}, {"reason": ["At most 1000 characters."]}),
    ({"reason": "\x1b[31m", "confirmed": "y"},
     {"reason": ["Please remove the control characters (invisible characters such as NUL) from this field."]}),
])
def test_ending_needs_a_reason_and_the_confirmation(board, db, lived, data, errors):  # noqa: F811
    response = board.post(f"{pair_path(lived, 'one')}/end", data=data, headers=EN)
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True)) == errors
    with club_scope(db):
        db.expire_all()
        assert db.get(Pair, lived.pairs["one"].id).status == PairStatus.ACTIVE
        assert db.scalar(sa.select(sa.func.count(PairClosure.id))) == 0
    assert outbox(db, "pair_ended_early") == []


def test_marking_a_request_for_help_as_dealt_with(board, db, lived):  # noqa: F811
    with club_scope(db):
        help_id = db.scalar(sa.select(HelpRequest.id).where(HelpRequest.pair_id == lived.pairs["two"].id))
    # A request of another pair does not exist under this pair.
    assert board.post(f"{pair_path(lived, 'one')}/help/{help_id}/resolve", headers=EN).status_code == 404
    response = board.post(f"{pair_path(lived, 'two')}/help/{help_id}/resolve", headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("#help")
    with club_scope(db):
        db.expire_all()
        request = db.get(HelpRequest, help_id)
        assert request.resolved_at is not None and request.resolved_by_user_id == lived.people["board"].id
    assert flags_of(page(board, health_path(lived)))[lived.pairs["two"].id] == {"silent"}
    detail = page(board, pair_path(lived, "two"))
    assert HELP_TEXT in detail and "Dealt with on" in detail and "Mark as dealt with" not in detail
    again = board.post(f"{pair_path(lived, 'two')}/help/{help_id}/resolve", headers=EN, follow_redirects=True)
    assert "already marked as dealt with" in again.get_data(as_text=True)
    assert len(audit_of(db, "pair.help_resolved")) == 1
