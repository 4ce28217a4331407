"""The log formatter: a time on every line, JSON or text, and no token or e-mail address in any field;
request ids accepted only when plausible; the LOG_FORMAT and TRUSTED_PROXIES settings."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from tandem.platform.config import ConfigError, load_config
from tandem.platform.request_log import LogFormatter, accepted_request_id

TOKEN = "s3cr3t-T0ken_abcdefghijklmnopqrstuvwxyz012345"


def record(message: str, *args: object, fields: dict | None = None, exc_info=None) -> logging.LogRecord:
    entry = logging.LogRecord("tandem.platform.x", logging.WARNING, __file__, 1, message, args, exc_info)
    if fields:
        entry.log_fields = fields  # type: ignore[attr-defined]
    return entry


def test_a_json_line_has_time_level_logger_message_and_fields():
    line = json.loads(LogFormatter("json").format(record("%d links", 3, fields={"user_id": 7})))
    assert line["level"] == "WARNING" and line["logger"] == "tandem.platform.x"
    assert line["message"] == "3 links" and line["user_id"] == 7
    assert line["time"].endswith("Z") and "T" in line["time"]


def test_tokens_and_addresses_are_masked_in_message_fields_and_exceptions():
    try:
        raise ValueError("duplicate key (email)=(lea.keller@stadtwerke.example)")
    except ValueError:
        problem = sys.exc_info()
    entry = record("Exception on /sign-in/link/%s for %s", TOKEN, "Lea.Keller@stadtwerke.example",
                   fields={"path": f"/calendar/{TOKEN}.ics", "note": "max@alpenbank.example"}, exc_info=problem)
    for style in ("json", "text"):
        text = LogFormatter(style).format(entry)
        assert TOKEN not in text and "stadtwerke.example" not in text and "alpenbank" not in text
        assert "/sign-in/link/[masked]" in text and "[e-mail]" in text and "ValueError" in text


@pytest.mark.parametrize(("value", "accepted"), [
    ("3f2b1c0e-8d7a-4e5f-9a0b-1c2d3e4f5a6b", True), ("a" * 200, True), ("Root=1-5e1b4151-5ac6c58f", True),
    ("a" * 201, False), ("", False), (None, False), ("-leading-dash", False), ("x y", False), ("x\ny", False),
    ('x"y', False), ("x;y", False), ("ü", False), (42, False),
])
def test_request_ids_are_accepted_only_when_plausible(value, accepted):
    assert accepted_request_id(value) == (value if accepted else None)


def test_log_format_defaults_to_json_in_production_and_text_elsewhere():
    production = {"TANDEM_ENV": "production", "SECRET_KEY": "k" * 40,
                  "ENCRYPTION_KEY": "q8xqB1wDqCZCvD3s2c1Rr0c3y4Zq1G4mN9bN0u8pYkE="}
    assert load_config(production).log_format == "json"
    assert load_config({"TANDEM_ENV": "demo"}).log_format == "text"
    assert load_config({"TANDEM_ENV": "demo", "LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        load_config({"TANDEM_ENV": "demo", "LOG_FORMAT": "xml"})


def test_trusted_proxies_is_a_small_count_and_none_by_default():
    assert load_config({"TANDEM_ENV": "demo"}).trusted_proxies == 0
    assert load_config({"TANDEM_ENV": "demo", "TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    for wrong in ("-1", "yes", "1.5", "²", "99"):
        with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
            load_config({"TANDEM_ENV": "demo", "TRUSTED_PROXIES": wrong})


def test_masking_twice_changes_nothing():
    once = LogFormatter("text").format(record("POST /sign-in/link/%s 302", TOKEN))
    again = LogFormatter("text").format(record(once.split("] ", 1)[1]))
    assert once.endswith("POST /sign-in/link/[masked] 302") and again.endswith("POST /sign-in/link/[masked] 302")
