"""How complete a participant's profile is: pure, no Flask, used by the participant, the organisation admin
and the board pages and by the reminder job."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# What a complete profile has, in the order people are asked for it.
PARTS = ("topics", "top_three", "languages", "format", "city", "weekdays", "career_band", "bio", "aims")


@dataclass(frozen=True)
class Completeness:
    done: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / len(PARTS))

    @property
    def complete(self) -> bool:
        return not self.missing


def profile_completeness(profile: Any | None, ranks: Sequence[int | None]) -> Completeness:
    """`profile` is a Profile row (or None); `ranks` the ranks of the person's chosen topics (None: unranked).

    A city is needed only for meetings in person (format in_person or both).
    """
    present = {
        "topics": len(ranks) > 0,
        "top_three": sorted(r for r in ranks if r is not None) == [1, 2, 3],
        "languages": bool(profile and profile.languages),
        "format": bool(profile and profile.format),
        "city": bool(profile and (profile.format == "remote" or (profile.city or "").strip())),
        "weekdays": bool(profile and profile.weekdays),
        "career_band": bool(profile and profile.career_band),
        "bio": bool(profile and (profile.bio or "").strip()),
        "aims": bool(profile and (profile.aims or "").strip()),
    }
    return Completeness(done=tuple(p for p in PARTS if present[p]), missing=tuple(p for p in PARTS if not present[p]))
