"""Delivering one message over SMTP, configured by a URL."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import unquote, urlsplit


class MailTransportError(RuntimeError):
    pass


class Sendable(Protocol):
    message_id: str
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    attachments: list[dict[str, str]]
    language: str


def build_email(sender: str, message: Sendable) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = formatdate(localtime=False)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments or ():
        maintype, _, rest = attachment["content_type"].partition("/")
        subtype, _, parameters = rest.partition(";")
        params = dict(item.strip().split("=", 1) for item in parameters.split(";") if "=" in item)
        if maintype != "text":
            raise MailTransportError(f"only text attachments are supported, not {attachment['content_type']}")
        email.add_attachment(attachment["content"], subtype=subtype.strip(), filename=attachment["filename"],
                             params=params)
    email["Content-Language"] = message.language  # after set_content, which drops Content-* headers
    return email


def deliver(smtp_url: str, sender: str, message: Sendable, timeout: float = 20.0) -> None:
    url = urlsplit(smtp_url)
    if url.scheme not in {"smtp", "smtps", "smtp+starttls"}:
        raise MailTransportError(f"SMTP_URL scheme must be smtp, smtps or smtp+starttls, not {url.scheme!r}")
    host = url.hostname or "localhost"
    port = url.port or (465 if url.scheme == "smtps" else 25)
    try:
        if url.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(build_email(sender, message))
    except (OSError, smtplib.SMTPException) as error:
        raise MailTransportError(f"{type(error).__name__}: {error}") from error
