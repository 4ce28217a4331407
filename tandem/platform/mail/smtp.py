"""Delivering one message over SMTP, configured by a URL."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
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


def one_line(value: str) -> str:
    """A header's text on one line: control characters (line breaks, NUL, escapes) become spaces, and runs of
    spaces one space. A name with a line break in it cannot cut a header or add one."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def build_email(sender: str, message: Sendable) -> EmailMessage:
    """The mail as it leaves. The headers built from people's data are the recipient's address (refused with
    control characters in it: a delivery failure, not a guess at what was meant) and the subject, which
    holds names (put on one line here as when it was queued, also for messages queued before that)."""
    if not message.recipient.isprintable():
        raise MailTransportError(f"the recipient address {message.recipient!r} holds control characters")
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = one_line(message.subject)
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


class _UnconnectedSMTP(smtplib.SMTP):
    """Not connected yet (`connect` follows); smtplib names the TLS server by `_host`, which its constructor
    sets only when it connects."""

    def __init__(self, host: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._host = host


class _UnconnectedSMTPS(smtplib.SMTP_SSL):
    def __init__(self, host: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(timeout=timeout, context=context)
        self._host = host


def deliver(smtp_url: str, sender: str, message: Sendable, timeout: float = 20.0, *,
            deadline: float | None = None, accepted: Callable[[], None] | None = None) -> None:
    """Send one message. Raises MailTransportError when the server has not accepted it.

    `timeout` bounds each network operation; `deadline` (seconds) the whole conversation: a server still
    talking then (a greeting that never ends, a reply trickling in) is cut off, so that a send cannot outlive
    the claim on its message. `accepted` is called as soon as the server has accepted the message, before
    the goodbye (QUIT): what fails after acceptance is no failure to deliver, and is not raised.
    """
    url = urlsplit(smtp_url)
    if url.scheme not in {"smtp", "smtps", "smtp+starttls"}:
        raise MailTransportError(f"SMTP_URL scheme must be smtp, smtps or smtp+starttls, not {url.scheme!r}")
    host = url.hostname or "localhost"
    port = url.port or (465 if url.scheme == "smtps" else 25)
    email = build_email(sender, message)
    per_operation = min(timeout, deadline) if deadline else timeout
    # Created unconnected, so that the watchdog can reach the socket from the first byte of the greeting on.
    client: smtplib.SMTP = (
        _UnconnectedSMTPS(host, per_operation, ssl.create_default_context())
        if url.scheme == "smtps" else _UnconnectedSMTP(host, per_operation)
    )
    cut_off = threading.Event()

    def _cut_off() -> None:
        cut_off.set()
        sock = client.sock
        if sock is not None:
            # Wakes a blocked read or write at once (socket.socket's own shutdown, also under TLS).
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    watchdog = threading.Timer(deadline, _cut_off) if deadline else None
    if watchdog is not None:
        watchdog.daemon = True
        watchdog.start()
    try:
        try:
            client.connect(host, port)
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            if cut_off.is_set():
                raise MailTransportError(f"the SMTP server took longer than {deadline:g} s; cut off "
                                         f"({type(error).__name__})") from error
            raise MailTransportError(f"{type(error).__name__}: {error}") from error
        if accepted is not None:
            accepted()
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit()  # accepted already: a failed goodbye changes nothing
    finally:
        if watchdog is not None:
            watchdog.cancel()
        client.close()
