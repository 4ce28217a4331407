"""Secrets in URL paths never reach a log line: sign-in links (`/sign-in/link/<token>`) and private
calendar feeds (`/calendar/<token>.ics`) carry their key in the path, which access logs, referers and
"Exception on <path>" messages would otherwise write out.

One filter masks them in every log that writes request paths: Gunicorn's access log (the request line, the
path, the referer, any header or environ atom) and error log ("Error handling request <uri>"), Flask's app
log (an unhandled exception names the path) and Werkzeug's development server. Gunicorn's loggers are
process-wide objects, so installing the filter from the app factory (run in every worker after Gunicorn set
its loggers up) covers them; Gunicorn's reloads replace handlers, never filters.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

MASK = "[masked]"
SECRET_PATH = re.compile(
    r"(?P<prefix>/sign-in/link/|(?<!/me)/calendar/)"  # /me/calendar/renew and /revoke hold no secret
    r"(?P<token>[^/?#\s\"'\]]+?)(?P<suffix>\.ics)?(?=[/?#\s\"'\]]|$)")
LOGGERS = ("gunicorn.access", "gunicorn.error", "werkzeug")


def mask_secret_paths(text: str) -> str:
    """`text` with the token of every sign-in link and calendar feed path replaced by [masked]."""
    return SECRET_PATH.sub(lambda m: f"{m['prefix']}{MASK}{m['suffix'] or ''}", text)


class SecretPathFilter(logging.Filter):
    """Rewrites a record whose message names a secret path (the message is formatted once, here)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # a malformed record: let logging report it as it would
            return True
        masked = mask_secret_paths(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install(target: logging.Filterer) -> None:
    """Add the filter to a logger (its own records) or a handler (every record it writes), once."""
    if not any(isinstance(existing, SecretPathFilter) for existing in target.filters):
        target.addFilter(SecretPathFilter())


def init_app(app: Flask) -> None:
    # The app's logger is "tandem": its own records, and (through its handler, Flask's default one unless
    # logging is configured) those of the modules below it.
    install(app.logger)
    for handler in app.logger.handlers:
        install(handler)
    for name in LOGGERS:
        install(logging.getLogger(name))
