"""The one clock: everything that depends on the time of day reads `now()` (or `today()`).

In production it is the system's clock. Tests set it (`set_clock(app, moment)`, `advance(app, delta)`), so
that a test can live through a cohort's six months in seconds; a job that runs in another process takes the
moment as an argument instead. Outside an app (pure code, scripts) it is the system's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

EXTENSION = "tandem.clock"


@dataclass
class Clock:
    """The system's time, or a fixed moment that tests move by hand."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        # Always in UTC, whatever zone the moment was fixed in: SQLite keeps a moment's wall time and drops its
        # zone, so a moment stored in another zone would come back hours off.
        return self.fixed.astimezone(UTC) if self.fixed is not None else datetime.now(UTC)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Clock()


def _clock() -> Clock | None:
    if has_app_context():
        clock: Clock | None = current_app.extensions.get(EXTENSION)
        return clock
    return None


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    clock = _clock()
    return clock.now() if clock is not None else datetime.now(UTC)


def club_zone() -> ZoneInfo:
    """The club's time zone (`CLUB_TIME_ZONE`), in which dates and times are shown."""
    if has_app_context():
        return ZoneInfo(current_app.config["TANDEM"].club_time_zone)
    return ZoneInfo("Europe/Zurich")


def today() -> date:
    """Today's date in the club's time zone."""
    return now().astimezone(club_zone()).date()


def set_clock(app: Flask, moment: datetime | None) -> None:
    """Fix the app's clock at `moment` (timezone-aware), or give it back to the system with None."""
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock takes timezone-aware moments")
    app.extensions[EXTENSION].fixed = moment


def advance(app: Flask, delta: timedelta) -> datetime:
    """Move a fixed clock forward (it is fixed at the system's time first if it was not)."""
    clock: Clock = app.extensions[EXTENSION]
    clock.fixed = clock.now() + delta
    return clock.fixed
