"""The demo mailbox shows kept mail with its attachments (an event's calendar file) and serves them."""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from tandem import create_app
from tandem.platform.database import Base
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.mail.outbox import MailAttachment, queue_mail
from tandem.platform.tenancy import club_scope
from tests.fixtures.services import config_for_tests


def test_the_mailbox_lists_and_serves_a_mails_calendar_file(tmp_path):
    app = create_app(config_for_tests(f"sqlite:///{tmp_path / 'demo.db'}", TANDEM_ENV="demo"))
    database = app.extensions["tandem.db"]
    Base.metadata.create_all(database.engine)
    try:
        with app.test_request_context("/"):
            session = database.session()
            with club_scope(session):
                message = queue_mail(session, template="sign_in_link", recipient="a@example.org", language="en",
                                     kind="sign_in_link", link="http://127.0.0.1/x", minutes=15,
                                     person=SimpleNamespace(display_name="Anna"),
                                     attachments=[MailAttachment("event.ics", "text/calendar; method=REQUEST",
                                                                 "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])
                session.commit()
                message_id = message.id
        client = app.test_client()
        page = client.get(f"/dev/mail/{message_id}").get_data(as_text=True)
        assert f"/dev/mail/{message_id}/attachments/0" in page and "event.ics" in page
        served = client.get(f"/dev/mail/{message_id}/attachments/0")
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert served.data.startswith(b"BEGIN:VCALENDAR")
        assert client.get(f"/dev/mail/{message_id}/attachments/1").status_code == 404
        with app.app_context(), club_scope(database.session()) as session:
            assert session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1  # kept, not sent twice
    finally:
        database.dispose()
