"""Access table of the pair's own pages (tandem/platform/pairs/space): the pair, its agreement and goals, the
mentor's request for help, the confirmation at closing.

The rows they need come from tests/access/pairs.py (`pair_id`, `goal_id`; the table's participant is the pair's
MENTOR). A pair's space exists only for its two people: the organisation admin and the board member get 404,
anyone not signed in 401. Pages answer 200; forms sent empty answer 400 (the agreement, a goal's status, the
message to the board: shown again with the message beside the field); buttons redirect (302) with what was done
or why not: there is no agreement to confirm yet, and the cohort is not closing, so both are refused with a
message.
"""

from __future__ import annotations

PARTNER_PAGE = (401, 200, 404, 404)
PARTNER_EMPTY_FORM = (401, 400, 404, 404)
PARTNER_BUTTON = (401, 302, 404, 404)

ACCESS = {
    ("pairs.pair", "GET"): PARTNER_PAGE,
    ("pairs.agreement", "GET"): PARTNER_PAGE,
    ("pairs.agreement", "POST"): PARTNER_EMPTY_FORM,
    ("pairs.confirm_agreement", "POST"): PARTNER_BUTTON,
    ("pairs.goal_status", "POST"): PARTNER_EMPTY_FORM,
    ("pairs.help", "GET"): PARTNER_PAGE,
    ("pairs.help", "POST"): PARTNER_EMPTY_FORM,
    ("pairs.complete", "POST"): PARTNER_BUTTON,
}
