"""When a person may be mailed a nudge: the weekly cap and the Monday digest, as pure functions.

No database, no Flask: the job (`nudging.py`) reads each person's last nudge mail and setting, and asks here.

- The cap, for everybody (partners, organisation admins, the board): at most one nudge mail in any 7 days.
  Someone mailed less than 7 days ago waits; what came meanwhile goes into their next mail.
- The weekly digest (a personal setting): mail only on Mondays in the club's time zone, once per week. For a
  digest the week is counted in days (the last mail was on a Monday at least 7 days before), so that an hourly
  job that runs a few seconds early never pushes the digest off its Monday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

CAP = timedelta(days=7)
MONDAY = 0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def may_mail(last_mailed_at: datetime | None, weekly_digest: bool, moment: datetime, zone: ZoneInfo) -> bool:
    """Whether a person whose last nudge mail was at `last_mailed_at` (None: never) may be mailed at `moment`."""
    moment = _aware(moment)
    if weekly_digest:
        today = moment.astimezone(zone).date()
        if today.weekday() != MONDAY:
            return False
        return last_mailed_at is None or (today - _aware(last_mailed_at).astimezone(zone).date()).days >= CAP.days
    return last_mailed_at is None or moment - _aware(last_mailed_at) >= CAP


def next_chance(last_mailed_at: datetime | None, weekly_digest: bool, moment: datetime, zone: ZoneInfo) -> date:
    """The first day (club's zone) on which the person may be mailed again, from `moment` on."""
    moment = _aware(moment)
    day = moment.astimezone(zone).date()
    if last_mailed_at is not None:
        day = max(day, (_aware(last_mailed_at) + CAP).astimezone(zone).date())
    if weekly_digest:
        day += timedelta(days=(MONDAY - day.weekday()) % 7)
    return day


def weeks_between(earlier: date, later: date) -> int:
    """Whole weeks from `earlier` to `later` (0 when less than a week)."""
    return max(0, (later - earlier).days // 7)
