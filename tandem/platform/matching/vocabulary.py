"""The profile vocabularies the engine understands.

They repeat `tandem.platform.models` (CAREER_BANDS, WEEKDAYS, PROFILE_FORMATS) on purpose: the engine imports
nothing from SQLAlchemy. A unit test checks that both stay equal.
"""

from __future__ import annotations

FORMATS = ("in_person", "remote", "both")
CAREER_BANDS = ("0-2", "3-5", "6-10", "11-20", "21+")  # years of experience
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

MENTOR = "mentor"
MENTEE = "mentee"

CRITERIA = ("topics", "format", "weekdays", "career_gap")

# How much a mentee's wanted topic counts by its rank (1 is first); topics without a rank count 0.5.
RANK_WEIGHTS = {1: 3.0, 2: 2.0, 3: 1.0, None: 0.5}
# Career gap value by how many bands the mentee is above the mentor (0 = same band; mentor above = 0).
GAP_VALUES = (0.0, 0.5, 0.8, 0.95, 1.0)
# The value of a criterion when one of the two left it empty: neither a reward nor a penalty.
UNKNOWN_VALUE = 0.5
# Scores are held as integers of 1/SCALE: exact arithmetic in the solver, stable ties, 4 decimals.
SCALE = 10_000
