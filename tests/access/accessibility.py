"""Access table of the accessibility statement and the board's barrier reports.

- /accessibility: public, the same to everyone; an empty report is refused beside its field (400).
- /board/accessibility: the club board only (club-level reports, no organisation's id to try elsewhere).
"""

from __future__ import annotations

from typing import Any

from tandem.platform.accessibility.models import BarrierReport

ACCESS = {
    ("accessibility.statement", "GET"): (200, 200, 200, 200),
    ("accessibility.statement", "POST"): (400, 400, 400, 400),
    ("accessibility.board_reports", "GET"): (401, 403, 403, 200),
    ("accessibility.board_update", "POST"): (401, 403, 403, 400),
}


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    report = BarrierReport(description="The date field cannot be reached with the keyboard.", page="/me/",
                           language="en", status="open")
    db.add(report)
    db.flush()
    return {"report_id": report.id}
