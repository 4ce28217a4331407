"""Writing mail to the outbox, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import make_msgid
from functools import lru_cache
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import Environment, Template
from sqlalchemy.orm import Session

from tandem.platform.mail.html import html_body
from tandem.platform.mail.jobs import send_outbox_message
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.mail.smtp import one_line
from tandem.workers.queues import enqueue_after_commit


@dataclass(frozen=True)
class MailAttachment:
    """A text attachment, such as an event's calendar entry (`text/calendar; method=REQUEST`)."""

    filename: str
    content_type: str
    content: str


@lru_cache(maxsize=256)
def _subject_template(environment: Environment, source: str) -> Template:
    # Mail text is not HTML: rendered without escaping, as render_template renders the .txt template.
    return environment.from_string("{% autoescape false %}" + source + "{% endautoescape %}")


def _subject_line(template: str, **context: Any) -> str:
    """The template's first line rendered alone: the subject line, whole even when a name in it holds a line
    break (the rendered mail cannot be cut at its first line break: the name's would cut the subject). The
    line is compiled once per template source (a job mailing thousands renders it thousands of times)."""
    environment = current_app.jinja_env
    assert environment.loader is not None
    source = environment.loader.get_source(environment, f"mail/{template}.txt")[0]
    first_line = source.lstrip().partition("\n")[0]
    values = dict(context)
    current_app.update_template_context(values)
    return _subject_template(environment, first_line).render(values)


def queue_mail(
    session: Session,
    *,
    template: str,
    recipient: str,
    language: str,
    kind: str,
    organisation_id: int | None = None,
    recipient_user_id: int | None = None,
    attachments: Sequence[MailAttachment] = (),
    **context: Any,
) -> OutboxMessage:
    """Render `mail/<template>.txt` in `language` and add it to the outbox in the current transaction.

    The template's first line is `Subject: ...`; the rest is the body. The mail is sent as text with an HTML
    alternative of the same words (mail/html.py), and any attachments (e.g. an event's calendar entry). The
    message is sent by a job enqueued after commit; a rollback leaves neither message nor job.
    """
    settings = current_app.config["TANDEM"]
    with force_locale(language):
        rendered = render_template(f"mail/{template}.txt", club_name=settings.club_name,
                                   base_url=settings.base_url, **context)
        first = _subject_line(template, club_name=settings.club_name, base_url=settings.base_url, **context)
        if not first.startswith("Subject:") or not rendered.lstrip().startswith(first):
            raise ValueError(f"mail/{template}.txt must start with a line that renders 'Subject: ...'")
        subject = one_line(first[len("Subject:"):])[:300]
        body = rendered.lstrip()[len(first):]
        body_text = body.strip() + "\n"
        body_html = html_body(body_text, subject=subject, language=language, club_name=settings.club_name)
    domain = settings.mail_from.rpartition("@")[2].rstrip(">") or "tandem.local"
    message = OutboxMessage(
        message_id=make_msgid(domain=domain),
        organisation_id=organisation_id,
        recipient_user_id=recipient_user_id,
        recipient=recipient,
        language=language,
        kind=kind,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=[{"filename": a.filename, "content_type": a.content_type, "content": a.content}
                     for a in attachments],
    )
    session.add(message)
    session.flush()
    enqueue_after_commit(session, send_outbox_message, message.id, queue="high")
    return message
