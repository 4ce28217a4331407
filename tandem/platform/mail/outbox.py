"""Writing mail to the outbox, in the caller's transaction."""

from __future__ import annotations

from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from tandem.platform.mail.jobs import send_outbox_message
from tandem.platform.mail.models import OutboxMessage
from tandem.workers.queues import enqueue_after_commit


def queue_mail(
    session: Session,
    *,
    template: str,
    recipient: str,
    language: str,
    kind: str,
    organisation_id: int | None = None,
    recipient_user_id: int | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render `mail/<template>.txt` in `language` and add it to the outbox in the current transaction.

    The template's first line is `Subject: ...`; the rest is the body. The message is sent by a job
    enqueued after commit; a rollback leaves neither message nor job.
    """
    settings = current_app.config["TANDEM"]
    with force_locale(language):
        rendered = render_template(f"mail/{template}.txt", club_name=settings.club_name,
                                   base_url=settings.base_url, **context)
    first, _, body = rendered.lstrip().partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"mail/{template}.txt must start with 'Subject:'")
    domain = settings.mail_from.rpartition("@")[2].rstrip(">") or "tandem.local"
    message = OutboxMessage(
        message_id=make_msgid(domain=domain),
        organisation_id=organisation_id,
        recipient_user_id=recipient_user_id,
        recipient=recipient,
        language=language,
        kind=kind,
        subject=first[len("Subject:"):].strip(),
        body_text=body.strip() + "\n",
    )
    session.add(message)
    session.flush()
    enqueue_after_commit(session, send_outbox_message, message.id, queue="high")
    return message
