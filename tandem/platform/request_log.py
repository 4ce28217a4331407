"""Logs: one line per request and per job, tied together by a request id; a time on every record.

* The request id is the request's `X-Request-ID` when it is plausible (1 to 200 letters, digits and
  `._:+=/-`, as proxies and load balancers make them), otherwise a new one; it goes back in the response's
  `X-Request-ID` header, into every record logged during the request, and into the RQ meta of every job
  the request enqueues (`tandem/workers/queues.py`), whose decorators (`tandem/workers/job.py`) log it.
* Each request ends with one record of the logger `tandem.request`: method, path, endpoint, status,
  duration, the signed-in person's user and organisation ids (no names, no addresses: ids only). Each job
  ends with one record of `tandem.job`: the job, its id, organisation, status and duration.
* Records of the app's loggers (`tandem.*`) and of Flask-Limiter at INFO and above are written to stderr,
  one line each, as JSON (`LOG_FORMAT=json`, the production default) or as text. Sign-in link and
  calendar feed tokens (`logmask`) and e-mail addresses are masked in every field.

Logging is configured per process (loggers are process-wide); each app chooses its own format for the
records logged inside its context.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from flask.logging import default_handler

from tandem.platform import logmask

HEADER = "X-Request-ID"
META_KEY = "request_id"  # in an RQ job's meta
G_KEY = "tandem_request_id"
LOGGERS = ("tandem", "flask-limiter")
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,199}")
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
EMAIL_MASK = "[e-mail]"

request_logger = logging.getLogger("tandem.request")
job_logger = logging.getLogger("tandem.job")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: object) -> str | None:
    """`value` if it is a plausible request id, else None (too long, spaces, quotes, control characters...)."""
    if isinstance(value, str) and VALID_REQUEST_ID.fullmatch(value):
        return value
    return None


def current_request_id() -> str | None:
    """The id of the request or job being handled (None outside both)."""
    if has_app_context() and g.get(G_KEY):
        return str(g.get(G_KEY))
    if has_request_context():
        request_id = accepted_request_id(request.headers.get(HEADER)) or new_request_id()
        setattr(g, G_KEY, request_id)
        return request_id
    return None


def mask(text: str) -> str:
    """`text` with secret paths and e-mail addresses masked; what is masked already stays as it is (the
    logmask filter may have masked the message before)."""
    if logmask.MASK not in text:  # the common case: one part
        text = logmask.mask_secret_paths(text)
        return EMAIL.sub(EMAIL_MASK, text) if "@" in text else text
    return logmask.MASK.join(EMAIL.sub(EMAIL_MASK, logmask.mask_secret_paths(part))
                             for part in text.split(logmask.MASK))


def _clean(value: Any) -> Any:
    return mask(value) if isinstance(value, str) else value


PLAIN_FIELDS = frozenset({"method", "endpoint"})  # of the request's record: an HTTP method, a route's name


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{int(record.msecs):03d}Z"


class LogFormatter(logging.Formatter):
    """One line per record: JSON or text, with the time (UTC), level, logger, request id and fields."""

    def __init__(self, style: str) -> None:
        super().__init__()
        self.output = style

    def format(self, record: logging.LogRecord) -> str:
        message = mask(record.getMessage())
        plain = PLAIN_FIELDS if record.name == request_logger.name else ()
        fields = {key: value if key in plain else _clean(value)
                  for key, value in getattr(record, "log_fields", {}).items()}
        request_id = current_request_id()
        problem = mask(self.formatException(record.exc_info)) if record.exc_info else None
        if self.output == "json":
            entry: dict[str, Any] = {"time": _time(record), "level": record.levelname, "logger": record.name,
                                     "message": message}
            if request_id:
                entry["request_id"] = request_id
            entry.update(fields)
            if problem:
                entry["exception"] = problem
            return json.dumps(entry, ensure_ascii=False, default=str)
        text = f"{_time(record)} {record.levelname} {record.name} [{request_id or '-'}] {message}"
        text += "".join(f" {key}={value}" for key, value in fields.items() if value is not None)
        return text + ("\n" + problem if problem else "")


class OutputHandler(logging.Handler):
    """Writes to the process's current stderr; the format is that of the app whose context is active."""

    def __init__(self, style: str) -> None:
        super().__init__()
        self.formatters = {name: LogFormatter(name) for name in ("json", "text")}
        self.default_style = style

    def style(self) -> str:
        if has_app_context():
            settings = current_app.config.get("TANDEM")
            if settings is not None:
                return str(settings.log_format)
        return self.default_style

    def format(self, record: logging.LogRecord) -> str:
        return self.formatters[self.style()].format(record)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = sys.stderr
            stream.write(line + "\n")
            stream.flush()
        except RecursionError:
            raise
        except Exception:  # noqa: BLE001 - logging must never break the request; logging reports it
            self.handleError(record)


def _configure_loggers(style: str) -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        handler = next((h for h in logger.handlers if isinstance(h, OutputHandler)), None)
        if handler is None:
            handler = OutputHandler(style)
            logger.addHandler(handler)
        handler.default_style = style
        logmask.install(handler)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
    # Flask's own handler would write each app record a second time, without the request id.
    logging.getLogger("tandem").removeHandler(default_handler)


def _start_request() -> None:
    g.tandem_request_started = time.perf_counter()
    current_request_id()


def _log_request(status: int) -> None:
    if g.get("tandem_request_logged"):
        return
    g.tandem_request_logged = True
    started = g.get("tandem_request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    principal = g.get("principal")  # read by the access check; no query here
    fields = {
        "method": request.method,
        "path": request.path,
        "endpoint": request.endpoint,
        "status": status,
        "duration_ms": duration,
        "user_id": getattr(principal, "user_id", None),
        "organisation_id": getattr(principal, "organisation_id", None),
    }
    org_slug = (request.view_args or {}).get("org_slug")
    if org_slug:
        fields["org_slug"] = org_slug
    if request_logger.isEnabledFor(logging.INFO):
        # The record made directly: `Logger.info` would walk the stack to find the caller at every request
        # (its file and line, which no handler here writes).
        record = request_logger.makeRecord(request_logger.name, logging.INFO, __file__, 0, "%s %s %s",
                                           (request.method, request.path, status), None,
                                           extra={"log_fields": fields})
        request_logger.handle(record)


def _finish_request(response: Response) -> Response:
    request_id = current_request_id()
    if request_id:
        response.headers[HEADER] = request_id
    _log_request(response.status_code)
    return response


def _teardown_request(error: BaseException | None) -> None:
    if error is not None:  # an exception no handler answered (tests, or a failing error handler)
        _log_request(500)


def job_request_id(from_meta: object) -> str:
    """The request id a job runs under: the one in its RQ meta, else its caller's (a job run in-process or
    called directly), else a new one. Read it before the job's own app context is pushed."""
    return accepted_request_id(from_meta) or current_request_id() or new_request_id()


@contextmanager
def job_logged(job: str, request_id: str, *, job_id: str | None = None,
               organisation_id: int | None = None) -> Iterator[None]:
    """Inside the job's app context: its records carry `request_id`; one line when it ends."""
    setattr(g, G_KEY, request_id)
    started = time.perf_counter()
    fields: dict[str, Any] = {"job": job, "job_id": job_id, "organisation_id": organisation_id}
    try:
        yield
    except BaseException as error:
        fields.update(status="failed", error=type(error).__name__)
        raise
    else:
        fields["status"] = "ok"
    finally:
        fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        job_logger.info("job %s %s", job, fields["status"], extra={"log_fields": fields})


def init_app(app: Flask) -> None:
    settings = app.config["TANDEM"]
    _configure_loggers(settings.log_format)
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(_teardown_request)
