"""Access table of the pairs' meetings (/me/pairs/<pair_id>/meetings...; the rows are made by
tests/access/pairs.py::arrange: the table's participant is the pair's MENTOR, `meeting_id` is a meeting
planned two days ago).

A pair's meetings exist only for its two people: anonymous 401, the participant 200, an organisation admin
and the board member 404 (they are not in the pair). Forms sent empty answer 400 beside their fields
(plan, log, log the planned meeting, the check-in); the planned meeting's page is 200 and its change form
sends back (302, the meeting's time has passed); the buttons (not held, cancel) and the note (an empty note
removes nothing and is saved as none) redirect with what was done or why not (302).
"""

from __future__ import annotations

MEMBERS_PAGE = (401, 200, 404, 404)
MEMBERS_EMPTY_FORM = (401, 400, 404, 404)
MEMBERS_BUTTON = (401, 302, 404, 404)

ACCESS = {
    ("pairs.plan_meeting", "GET"): MEMBERS_PAGE,
    ("pairs.plan_meeting", "POST"): MEMBERS_EMPTY_FORM,
    ("pairs.log_meeting", "GET"): MEMBERS_PAGE,
    ("pairs.log_meeting", "POST"): MEMBERS_EMPTY_FORM,
    ("pairs.meeting", "GET"): MEMBERS_PAGE,
    ("pairs.edit_meeting", "GET"): MEMBERS_BUTTON,
    ("pairs.edit_meeting", "POST"): MEMBERS_BUTTON,
    ("pairs.log_planned", "GET"): MEMBERS_PAGE,
    ("pairs.log_planned", "POST"): MEMBERS_EMPTY_FORM,
    ("pairs.not_held", "POST"): MEMBERS_BUTTON,
    ("pairs.cancel_meeting", "POST"): MEMBERS_BUTTON,
    ("pairs.note", "POST"): MEMBERS_BUTTON,
    ("pairs.check_in", "POST"): MEMBERS_EMPTY_FORM,
    ("pairs.meeting_file", "GET"): MEMBERS_PAGE,
}
