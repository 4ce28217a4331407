"""Every header of a mail built from people's data stays one header: the subject on one line whatever a name
holds, and a recipient address with a line break refused as a delivery failure (never a crash, never a
header of its own)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tandem.platform.mail.smtp import MailTransportError, build_email


@dataclass
class _Message:
    recipient: str = "anna@alpha.example"
    subject: str = "Hello"
    message_id: str = "<1@tandem.test>"
    body_text: str = "Hello\n"
    body_html: str | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)
    language: str = "en"


def test_a_subject_with_line_breaks_and_control_characters_stays_one_line():
    email = build_email("club@tandem.test", _Message(subject="Eve\r\nBcc: evil@example.com\x00\x1b[31m\u2028end"))
    assert email["Subject"] == "Eve Bcc: evil@example.com [31m end"
    assert email["Bcc"] is None
    assert "\r\nBcc:" not in email.as_string()


@pytest.mark.parametrize("recipient", ["anna@alpha.example\r\nBcc: evil@example.com", "anna@alpha.example\x00"])
def test_a_recipient_with_control_characters_is_a_delivery_failure(recipient):
    with pytest.raises(MailTransportError, match="recipient"):
        build_email("club@tandem.test", _Message(recipient=recipient))
