"""Access table of erasure and retention: the person's /me/data/erasure, an organisation's admins' page of their
people's requests (/o/<org_slug>/privacy) and the board's (/board/privacy).

- /me/data/erasure: a signed-in person's own page (401 anonymous, 200 to anyone signed in: admins and board
  members are people too); sent without a button it answers 400.
- /o/<org_slug>/privacy: anonymous 401, the participant 404 (an organisation's area does not exist for them),
  alpha's admin and the board 200; deciding `erasure_request_id` (a waiting request of a person of alpha) sent
  without a button answers 400.
- /board/privacy: the board only; deciding sent without a button answers 400.

`arrange_foreign` makes a waiting request of a person of organisation B, whose id the isolation sweep tries on
A's organisation pages as A's admin and participant (404 each time).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tandem.platform.privacy.models import ErasureRequest, ErasureStatus
from tandem.platform.tenancy import club_scope
from tests.factories import make_user

OWN_PAGE = (401, 200, 200, 200)
OWN_EMPTY_FORM = (401, 400, 400, 400)
ORGANISATION_PAGE = (401, 404, 200, 200)
ORGANISATION_EMPTY_FORM = (401, 404, 400, 400)
BOARD_PAGE = (401, 403, 403, 200)
BOARD_EMPTY_FORM = (401, 403, 403, 400)

ACCESS = {
    ("privacy.my_erasure", "GET"): OWN_PAGE,
    ("privacy.my_erasure", "POST"): OWN_EMPTY_FORM,
    ("privacy.organisation_requests", "GET"): ORGANISATION_PAGE,
    ("privacy.organisation_decide", "POST"): ORGANISATION_EMPTY_FORM,
    ("privacy.board_privacy", "GET"): BOARD_PAGE,
    ("privacy.board_decide", "POST"): BOARD_EMPTY_FORM,
}


def _waiting_request(db: Any, organisation: Any) -> ErasureRequest:
    person = make_user(db, organisation)
    with club_scope(db):
        row = ErasureRequest(organisation_id=organisation.id, user_id=person.id, requested_by_user_id=person.id,
                             status=ErasureStatus.REQUESTED, erase_on=date(2099, 1, 1))
        db.add(row)
        db.flush()
    return row


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {"erasure_request_id": _waiting_request(db, context["alpha"]).id}


def arrange_foreign(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {"erasure_request_id": _waiting_request(db, context["beta"]).id}
