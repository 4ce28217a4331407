"""Tokens in URL paths (sign-in links, calendar feeds) never reach a log line: Gunicorn's access and error
logs, Flask's app log and Werkzeug's development server all pass through one filter."""

from __future__ import annotations

import io
import logging
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask

from tandem.platform.logmask import SecretPathFilter, init_app, mask_secret_paths

TOKEN = "s3cr3t-T0ken_abcdefghijklmnopqrstuvwxyz012345"


@pytest.mark.parametrize(("line", "masked"), [
    (f"GET /calendar/{TOKEN}.ics HTTP/1.1", "GET /calendar/[masked].ics HTTP/1.1"),
    (f"/calendar/{TOKEN}.ics", "/calendar/[masked].ics"),
    (f"/calendar/{TOKEN}", "/calendar/[masked]"),
    (f"HEAD /calendar/{TOKEN}.ics?x=1 HTTP/1.1", "HEAD /calendar/[masked].ics?x=1 HTTP/1.1"),
    (f"GET /sign-in/link/{TOKEN} HTTP/1.1", "GET /sign-in/link/[masked] HTTP/1.1"),
    (f'"https://tandem.example/sign-in/link/{TOKEN}" "Mozilla"', '"https://tandem.example/sign-in/link/[masked]" '
                                                                '"Mozilla"'),
    (f"Exception on /calendar/{TOKEN}.ics [GET]", "Exception on /calendar/[masked].ics [GET]"),
    ("POST /me/calendar/renew HTTP/1.1", "POST /me/calendar/renew HTTP/1.1"),
    ("GET /me/events/4/event.ics HTTP/1.1", "GET /me/events/4/event.ics HTTP/1.1"),
    ("GET /sign-in HTTP/1.1", "GET /sign-in HTTP/1.1"),
])
def test_secret_paths_are_masked_and_others_kept(line, masked):
    assert mask_secret_paths(line) == masked


def test_the_filter_masks_the_formatted_message():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "Exception on %s [%s]",
                               (f"/sign-in/link/{TOKEN}", "POST"), None)
    assert SecretPathFilter().filter(record) is True
    assert record.getMessage() == "Exception on /sign-in/link/[masked] [POST]"
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "%d people", (3,), None)
    SecretPathFilter().filter(plain)
    assert plain.args == (3,) and plain.getMessage() == "3 people"


def test_gunicorns_access_and_error_logs_are_masked():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    app = Flask("masking-test")
    init_app(app)
    init_app(app)  # twice (tests build many apps): one filter each
    assert sum(isinstance(f, SecretPathFilter) for f in logging.getLogger("gunicorn.access").filters) == 1

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s %(U)s "%(f)s" "%(a)s"')
    logger = Logger(config)
    stream = io.StringIO()
    for log in (logger.access_log, logger.error_log):
        for handler in log.handlers:
            handler.setStream(stream)  # type: ignore[attr-defined]
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/calendar/{TOKEN}.ics", "PATH_INFO": f"/calendar/{TOKEN}.ics",
               "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": "", "REMOTE_ADDR": "10.0.0.1",
               "HTTP_REFERER": f"https://tandem.example/sign-in/link/{TOKEN}", "HTTP_USER_AGENT": "Calendar/1.0"}
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=3))
    logger.error("Error handling request %s", f"/sign-in/link/{TOKEN}")
    written = stream.getvalue()
    assert TOKEN not in written
    assert '"GET /calendar/[masked].ics HTTP/1.1" 200 /calendar/[masked].ics' in written
    assert "https://tandem.example/sign-in/link/[masked]" in written
    assert "Error handling request /sign-in/link/[masked]" in written


@pytest.mark.parametrize(("line", "masked"), [
    # Percent-encoded, in a query parameter or a webmail redirector's referer (once or twice encoded).
    (f"/sign-in?next=%2Fcalendar%2F{TOKEN}.ics", "/sign-in?next=%2Fcalendar%2F[masked].ics"),
    (f'"https://mail.example/r?url=https%3A%2F%2Ft.example%2Fsign-in%2Flink%2F{TOKEN}&d=1"',
     '"https://mail.example/r?url=https%3A%2F%2Ft.example%2Fsign-in%2Flink%2F[masked]&d=1"'),
    (f"u=%252Fsign-in%252Flink%252F{TOKEN}%2526x", "u=%252Fsign-in%252Flink%252F[masked]%2526x"),
    ("r=%2Fme%2Fcalendar%2Frenew", "r=%2Fme%2Fcalendar%2Frenew"),
    # The SSO callback's query: the provider's one-time code and the flow's state.
    (f"GET /o/alpenbank/sso/callback?code={TOKEN}&state={TOKEN}&iss=https://idp HTTP/1.1",
     "GET /o/alpenbank/sso/callback?[masked] HTTP/1.1"),
    (f"next=%2Fo%2Fa%2Fsso%2Fcallback%3Fcode%3D{TOKEN}", "next=%2Fo%2Fa%2Fsso%2Fcallback%3F[masked]"),
    ("GET /o/alpenbank/sso/callback HTTP/1.1", "GET /o/alpenbank/sso/callback HTTP/1.1"),
])
def test_encoded_secrets_and_the_sso_callbacks_query_are_masked(line, masked):
    assert mask_secret_paths(line) == masked
    assert mask_secret_paths(masked) == masked, "masking twice (a logger's and a handler's filter) changes nothing"


def test_an_exceptions_text_is_masked_too():
    try:
        raise RuntimeError(f"no such link /sign-in/link/{TOKEN}")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Exception on %s [%s]",
                                   (f"/sign-in/link/{TOKEN}", "GET"), sys.exc_info())
    SecretPathFilter().filter(record)
    SecretPathFilter().filter(record)
    written = logging.Formatter().format(record)
    assert TOKEN not in written
    assert "Exception on /sign-in/link/[masked] [GET]" in written
    assert "RuntimeError: no such link /sign-in/link/[masked]" in written
