"""Access table of the board's member organisations, exclusions and topic catalogue, and public logos.

Only the board may use /board/...; the others get 401 (anonymous) or 403. A form sent empty is answered
400 with its errors; suspending and reactivating A, removing the exclusion and (de)activating the topic
redirect (302), and so do approving and refusing A's pending e-mail domain. Logos are public.
"""

from __future__ import annotations

from typing import Any

from tandem.platform.tenancy import club_scope
from tandem.tenants.models import DomainStatus, OrganisationDomain
from tests.factories import make_catalogue_topic, make_exclusion, tiny_png

BOARD_ONLY_GET = (401, 403, 403, 200)
BOARD_ONLY_EMPTY_FORM = (401, 403, 403, 400)
BOARD_ONLY_ACTION = (401, 403, 403, 302)

ACCESS = {
    ("board.organisation_new", "GET"): BOARD_ONLY_GET,
    ("board.organisation_new", "POST"): BOARD_ONLY_EMPTY_FORM,
    ("board.organisation_edit", "GET"): BOARD_ONLY_GET,
    ("board.organisation_edit", "POST"): BOARD_ONLY_EMPTY_FORM,
    ("board.organisation_suspend", "POST"): BOARD_ONLY_ACTION,
    ("board.organisation_reactivate", "POST"): BOARD_ONLY_ACTION,
    ("board.domain_approve", "POST"): BOARD_ONLY_ACTION,
    ("board.domain_refuse", "POST"): BOARD_ONLY_ACTION,
    ("board.exclusions", "GET"): BOARD_ONLY_GET,
    ("board.exclusions", "POST"): BOARD_ONLY_EMPTY_FORM,
    ("board.exclusion_remove", "POST"): BOARD_ONLY_ACTION,
    ("board.topics", "GET"): BOARD_ONLY_GET,
    ("board.topics", "POST"): BOARD_ONLY_EMPTY_FORM,
    ("board.topic_edit", "GET"): BOARD_ONLY_GET,
    ("board.topic_edit", "POST"): BOARD_ONLY_EMPTY_FORM,
    ("board.topic_deactivate", "POST"): BOARD_ONLY_ACTION,
    ("board.topic_reactivate", "POST"): BOARD_ONLY_ACTION,
    ("logos.show", "GET"): (200, 200, 200, 200),
}


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    alpha, beta = context["alpha"], context["beta"]
    with club_scope(db):
        alpha.logo, alpha.logo_content_type = tiny_png(), "image/png"
        pending = OrganisationDomain(domain="alpha-new.example", status=DomainStatus.PENDING)
        alpha.domains.append(pending)
        db.flush()
    exclusion = make_exclusion(db, alpha, beta, reason="competitors")
    topic = make_catalogue_topic(db)
    return {"exclusion_id": exclusion.id, "topic_id": topic.id, "organisation_slug": alpha.slug,
            "domain_id": pending.id}
