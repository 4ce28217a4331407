"""Secrets in URLs never reach a log line: sign-in links (`/sign-in/link/<token>`) and private calendar feeds
(`/calendar/<token>.ics`) carry their key in the path, and the SSO callback (`/o/<slug>/sso/callback?code=...
&state=...`) the provider's one-time code and the flow's state in its query string. Access logs (request
line, referer), "Exception on <path>" messages and exception texts would otherwise write them out, plainly or
percent-encoded (a `next` parameter, a webmail redirector's referer: `...?url=https%3A%2F%2F...%2Fsign-in
%2Flink%2F<token>`). Masking is idempotent: a line masked twice reads the same.

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
_SLASH = r"(?:/|%2[Ff]|%252[Ff])"  # plain, percent-encoded once (a query parameter) or twice
_QUESTION = r"(?:\?|%3[Ff]|%253[Ff])"
_TOKEN_END = r"/?#&%\s\"'\[\]"  # tokens are URL-safe base64: none of these is part of one
SECRET_PATH = re.compile(
    rf"(?P<prefix>{_SLASH}sign-in{_SLASH}link{_SLASH}|(?<!me){_SLASH}calendar{_SLASH})"  # not /me/calendar/renew
    rf"(?P<token>[^{_TOKEN_END}]+?)(?P<suffix>\.ics)?(?=[{_TOKEN_END}]|$)")
SECRET_QUERY = re.compile(  # the whole query of the SSO callback: code, state, session_state, iss...
    rf"(?P<prefix>{_SLASH}sso{_SLASH}callback{_QUESTION})(?P<query>[^\s\"'#\[\]]+)")
LOGGERS = ("gunicorn.access", "gunicorn.error", "werkzeug")


def mask_secret_paths(text: str) -> str:
    """`text` with the token of every sign-in link and calendar feed path, and the query of every SSO callback,
    replaced by [masked], whether written plainly or percent-encoded."""
    # The patterns are case-sensitive and name these words literally: a text without them has nothing to mask
    # (most lines; the substring tests cost a fraction of the regular expressions' scans).
    if "sign-in" in text or "calendar" in text:
        text = SECRET_PATH.sub(lambda m: f"{m['prefix']}{MASK}{m['suffix'] or ''}", text)
    if "callback" in text:
        text = SECRET_QUERY.sub(lambda m: f"{m['prefix']}{MASK}", text)
    return text


class SecretPathFilter(logging.Filter):
    """Rewrites a record whose message, exception text or stack names a secret (the message is formatted once,
    here; the exception's text is formatted here only when it holds one, and then kept on the record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # a malformed record: let logging report it as it would
            return True
        masked = mask_secret_paths(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            problem = _TRACEBACKS.formatException(record.exc_info)
            if mask_secret_paths(problem) != problem:
                record.exc_text = mask_secret_paths(problem)  # formatters use exc_text when it is set
        elif record.exc_text:
            record.exc_text = mask_secret_paths(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_secret_paths(record.stack_info)
        return True


_TRACEBACKS = logging.Formatter()


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
