"""Every setting Tandem reads, in one place.

Settings come from the environment (or a mapping given to `create_app`). Each entry below names the
variable, its default and what it does; `docs/configuration.md` is generated from this table and a
test keeps the two in step.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENTS = ("production", "demo", "test")
LANGUAGES = ("de", "fr", "it", "en")
LOG_FORMATS = ("json", "text")


class ConfigError(RuntimeError):
    """The configuration cannot run Tandem; the message says what to change."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("TANDEM_ENV", "production",
            "`production`, `demo` (demo data, sign-in-as switcher, mail kept and shown at /dev/mail) "
            "or `test`."),
    Setting("SECRET_KEY", None,
            "Signs sessions and CSRF tokens. Required in production: at least 32 characters, random. "
            "Demo and test generate one per process when it is not set."),
    Setting("DATABASE_URL", "sqlite:///instance/tandem.sqlite3",
            "SQLAlchemy URL. `postgresql+psycopg://user@host/db` in production; a relative SQLite path "
            "is taken from the current directory."),
    Setting("REDIS_URL", None,
            "Redis for RQ jobs (and rate limits). Unset: jobs run in-process through RQ's synchronous "
            "queue, which is the embedded default."),
    Setting("SMTP_URL", None,
            "Where the outbox sends mail: `smtp://user:password@host:port`, `smtp+starttls://...` or "
            "`smtps://...`. Unset in demo: mail is kept and shown at /dev/mail. Unset in production: "
            "mail stays in the outbox, pending, and the worker logs why."),
    Setting("MAIL_FROM", "Tandem <tandem@localhost>", "Sender of every message."),
    Setting("BASE_URL", "http://127.0.0.1:5000",
            "Public address of the site, used for links in e-mails."),
    Setting("DEFAULT_LANGUAGE", "de",
            "Language when neither the person nor the browser chooses one: de, fr, it or en."),
    Setting("CLUB_NAME", "Tandem Club", "The club's name, shown in the header and in mail."),
    Setting("SESSION_COOKIE_SECURE", None,
            "Send the session cookie over HTTPS only. Default: on in production, off in demo and test."),
    Setting("ENCRYPTION_KEY", None,
            "Encrypts organisations' SSO client secrets at rest (a Fernet key: "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`). "
            "Required in production; demo and test derive one from SECRET_KEY."),
    Setting("SESSION_IDLE_MINUTES", "60", "A signed-in session ends after this many minutes without a request."),
    Setting("SESSION_MAX_HOURS", "12", "A signed-in session ends this many hours after sign-in, used or not."),
    Setting("RATELIMIT_STORAGE_URL", None,
            "Where sign-in rate limits are counted. Default: REDIS_URL when set, else memory (one process). "
            "While Redis cannot be reached, each process counts in its own memory and logs a warning."),
    Setting("MATCHING_RUN_STALE_MINUTES", "5",
            "A matching run that has given no sign of life for this many minutes (its worker was stopped, "
            "its job lost) may be retried by the board."),
    Setting("REMATCH_WINDOW_WEEKS", "6",
            "For this many weeks after the pairs are published (or after kick-off, if later) a participant "
            "may ask the board for another partner."),
    Setting("CLUB_TIME_ZONE", "Europe/Zurich",
            "The club's time zone (IANA name): programme events are entered and shown in it, stored in UTC."),
    Setting("EVENT_REMINDER_HOURS", "48",
            "This many hours before a programme event, one reminder goes to those who said yes or have not "
            "answered."),
    Setting("PAIR_SECOND_REMINDER_DAYS", "14",
            "A pair whose next meeting is due is reminded once on the due date, and a second time this many days "
            "after it if still no meeting was held or planned."),
    Setting("PAIR_FLAG_DAYS", "28",
            "A pair this many days past its due date without a meeting is flagged to the board and, as a flag "
            "only, to both people's organisation admins. Must be more than PAIR_SECOND_REMINDER_DAYS."),
    Setting("REPORT_MIN_GROUP", "5",
            "Reports show a figure only when it rests on at least this many people; smaller groups read "
            "\"fewer than N answers\" (and a shown total never gives a hidden group away). At least 3."),
    Setting("RETENTION_MONTHS", "12",
            "Personal data of people who take part in no later cohort is erased this many months after their last "
            "cohort is archived (a daily job); what the reports need stays, anonymised."),
    Setting("ERASURE_AFTER_DAYS", "30",
            "A person's request for erasure that neither their organisation's admin nor the board confirmed or "
            "refused is carried out by itself this many days after it was made."),
    Setting("PRIVACY_CONTROLLER", None,
            "The controller of personal data named in the privacy notice: the club's legal name and postal address "
            "(one line). Default: CLUB_NAME."),
    Setting("PRIVACY_CONTACT", None,
            "Where people write about their data (an e-mail address), in the privacy notice; also the "
            "accessibility statement's contact, and where barrier reports go when the club has no board member. "
            "Default: the address of MAIL_FROM."),
    Setting("IMPRINT", None,
            "The imprint (legal notice) shown at /imprint: who runs the site, address, contact; lines separated by "
            "`|`. Default: CLUB_NAME and PRIVACY_CONTACT."),
    Setting("OUTBOX_CLAIM_LEASE_SECONDS", "120",
            "A worker sending a message holds it for this many seconds. If the worker dies, the message is sent "
            "again once the hold has run out (by the sweep, every minute), with the same Message-ID. A send that "
            "takes longer than half of it is cut off and counted as a failed attempt, so that no live worker "
            "still sends what another has taken over. Sends take seconds; keep it at a minute or more."),
    Setting("TRUSTED_PROXIES", "0",
            "How many reverse proxies in front of Tandem append to `X-Forwarded-For` (nginx, an ingress "
            "controller, a load balancer): the client's address is taken that many entries from the right, for "
            "rate limits, the audit log and sessions. 0: the header is ignored (no proxy; a client cannot choose "
            "its address)."),
    Setting("LOG_FORMAT", None,
            "`json` (one JSON object a line: request and job lines with their request id) or `text`. Default: "
            "json in production, text in demo and test."),
)


def _bool(value: str | None) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    env: str
    secret_key: str
    database_url: str
    redis_url: str | None
    smtp_url: str | None
    mail_from: str
    base_url: str
    default_language: str
    club_name: str
    session_cookie_secure: bool
    encryption_key: str
    session_idle_minutes: int
    session_max_hours: int
    ratelimit_storage_url: str
    matching_run_stale_minutes: int = 5
    rematch_window_weeks: int = 6
    club_time_zone: str = "Europe/Zurich"
    event_reminder_hours: int = 48
    outbox_claim_lease_seconds: int = 120
    pair_second_reminder_days: int = 14
    pair_flag_days: int = 28
    report_min_group: int = 5
    retention_months: int = 12
    erasure_after_days: int = 30
    privacy_controller: str = ""
    privacy_contact: str = ""
    imprint: str = ""
    trusted_proxies: int = 0
    log_format: str = "text"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return self.env == "demo"

    @property
    def is_test(self) -> bool:
        return self.env == "test"

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_config(values: Mapping[str, Any] | None = None) -> Config:
    """Build the configuration from `values` over the process environment.

    Raises ConfigError with a message a person can act on.
    """
    source: dict[str, Any] = {s.name: os.environ.get(s.name) for s in SETTINGS}
    extra: dict[str, Any] = {}
    for key, value in (values or {}).items():
        if any(s.name == key for s in SETTINGS):
            source[key] = value
        else:
            extra[key] = value

    def get(name: str) -> str | None:
        value = source.get(name)
        if value in (None, ""):
            return next(s.default for s in SETTINGS if s.name == name)
        return str(value)

    env = (get("TANDEM_ENV") or "production").lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"TANDEM_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")

    secret_key = get("SECRET_KEY")
    if env == "production":
        if not secret_key or len(secret_key) < 32 or secret_key in {"dev", "change-me", "secret"}:
            raise ConfigError(
                "SECRET_KEY is missing or too weak. Tandem refuses to start in production without a "
                "random secret of at least 32 characters, for example:\n"
                "  export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(48))')\n"
                "For a first look, run `make run` (TANDEM_ENV=demo) instead."
            )
    elif not secret_key:
        secret_key = secrets.token_urlsafe(48)

    language = (get("DEFAULT_LANGUAGE") or "de").lower()
    if language not in LANGUAGES:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {language!r}.")

    database_url = get("DATABASE_URL") or ""
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:////"):
        relative = database_url[len("sqlite:///"):]
        if relative and relative != ":memory:":
            path = Path(relative).resolve()
            database_url = f"sqlite:///{path}"

    encryption_key = get("ENCRYPTION_KEY")
    if not encryption_key:
        if env == "production":
            raise ConfigError(
                "ENCRYPTION_KEY is missing. It encrypts the organisations' SSO client secrets; create one with\n"
                "  python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            )
        encryption_key = _derived_fernet_key(secret_key or "")
    elif not _is_fernet_key(encryption_key):
        raise ConfigError("ENCRYPTION_KEY must be a Fernet key: 32 bytes, URL-safe base64 (44 characters).")

    def positive_int(name: str) -> int:
        raw = get(name) or ""
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            raise ConfigError(f"{name} must be a positive whole number, not {raw!r}.")
        return value

    if positive_int("PAIR_FLAG_DAYS") <= positive_int("PAIR_SECOND_REMINDER_DAYS"):
        raise ConfigError("PAIR_FLAG_DAYS must be more than PAIR_SECOND_REMINDER_DAYS: a pair is reminded twice "
                          "before it is flagged.")

    if positive_int("REPORT_MIN_GROUP") < 3:
        raise ConfigError("REPORT_MIN_GROUP must be 3 or more: a figure resting on one or two people would tell "
                          "what they answered.")

    club_time_zone = get("CLUB_TIME_ZONE") or "Europe/Zurich"
    try:
        ZoneInfo(club_time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"CLUB_TIME_ZONE must be a time zone name such as Europe/Zurich, not "
                          f"{club_time_zone!r}.") from error

    redis_url = get("REDIS_URL")
    secure = get("SESSION_COOKIE_SECURE")

    raw_proxies = (get("TRUSTED_PROXIES") or "0").strip()
    if not (raw_proxies.isascii() and raw_proxies.isdigit()) or int(raw_proxies) > 10:
        raise ConfigError(f"TRUSTED_PROXIES must be the number of proxies in front of Tandem (0 to 10), "
                          f"not {raw_proxies!r}.")
    log_format = (get("LOG_FORMAT") or ("json" if env == "production" else "text")).strip().lower()
    if log_format not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}.")
    return Config(
        env=env,
        secret_key=secret_key or "",
        database_url=database_url,
        redis_url=redis_url,
        smtp_url=get("SMTP_URL"),
        mail_from=get("MAIL_FROM") or "",
        base_url=(get("BASE_URL") or "").rstrip("/"),
        default_language=language,
        club_name=get("CLUB_NAME") or "Tandem Club",
        session_cookie_secure=_bool(secure) if secure is not None else env == "production",
        encryption_key=encryption_key,
        session_idle_minutes=positive_int("SESSION_IDLE_MINUTES"),
        session_max_hours=positive_int("SESSION_MAX_HOURS"),
        ratelimit_storage_url=get("RATELIMIT_STORAGE_URL") or redis_url or "memory://",
        matching_run_stale_minutes=positive_int("MATCHING_RUN_STALE_MINUTES"),
        rematch_window_weeks=positive_int("REMATCH_WINDOW_WEEKS"),
        club_time_zone=club_time_zone,
        event_reminder_hours=positive_int("EVENT_REMINDER_HOURS"),
        outbox_claim_lease_seconds=positive_int("OUTBOX_CLAIM_LEASE_SECONDS"),
        pair_second_reminder_days=positive_int("PAIR_SECOND_REMINDER_DAYS"),
        pair_flag_days=positive_int("PAIR_FLAG_DAYS"),
        report_min_group=positive_int("REPORT_MIN_GROUP"),
        retention_months=positive_int("RETENTION_MONTHS"),
        erasure_after_days=positive_int("ERASURE_AFTER_DAYS"),
        privacy_controller=(get("PRIVACY_CONTROLLER") or "").strip(),
        privacy_contact=(get("PRIVACY_CONTACT") or "").strip(),
        imprint=(get("IMPRINT") or "").strip(),
        trusted_proxies=int(raw_proxies),
        log_format=log_format,
        extra=extra,
    )


def _derived_fernet_key(secret_key: str) -> str:
    import base64
    import hashlib

    digest = hashlib.sha256(b"tandem encryption key\0" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _is_fernet_key(value: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.urlsafe_b64decode(value.encode())) == 32
    except (binascii.Error, ValueError):
        return False


def settings_markdown() -> str:
    """The settings table for docs/configuration.md."""
    lines = [
        "# Configuration",
        "",
        "Tandem reads these environment variables (source: `tandem/platform/config.py`).",
        "",
        "| Variable | Default | Meaning |",
        "|---|---|---|",
    ]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "—"
        lines.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(lines) + "\n"
