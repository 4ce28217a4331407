"""The cohort in the URL (`<int:cohort_id>`), loaded and checked once per request for the blueprints under
/board/cohorts/<cohort_id>/.

`load_url_cohort(blueprint)` takes the id out of the view's arguments and, after the access check (a
blueprint's `before_request` runs after the application's), loads the cohort or answers 404. Views read it
with `url_cohort()`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g

from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import db_session


def _take_cohort_id(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "cohort_id" in values:
        g.url_cohort_id = values.pop("cohort_id")


def _load_cohort() -> None:
    cohort_id = g.pop("url_cohort_id", None)
    if cohort_id is None:
        return
    cohort = db_session().get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    g.url_cohort = cohort


def load_url_cohort(blueprint: Blueprint) -> None:
    """Make the blueprint's views find their cohort with `url_cohort()` instead of a `cohort_id` argument."""
    blueprint.url_value_preprocessor(_take_cohort_id)
    blueprint.before_request(_load_cohort)


def url_cohort() -> Cohort:
    """The cohort named by the URL of this request (loaded by `load_url_cohort`)."""
    cohort: Cohort = g.url_cohort
    return cohort
