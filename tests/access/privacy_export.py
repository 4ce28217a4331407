"""Access table of the person's data and its export (tandem/platform/privacy/export).

- /me/data: the signed-in person's own page (their own data only): 401 anonymous, 200 to anyone signed in (an
  admin and a board member are people too).
- POST /me/data/export: anyone signed in asks for their own export and is sent to its status page (302).
- /me/data/exports/<export_id>: the export of `arrange` is the participant's (ready): 200 for them, 404 for
  everyone else, the admin of the same organisation and the board included.
- the download with a token that is not the export's: 404 to everyone signed in (a right token works once and
  only for the owner: tests/integration/privacy/test_export.py).
These routes take no organisation in their URL: another organisation's export is another person's, refused
above with 404.
"""

from __future__ import annotations

from typing import Any

from tandem.platform.database import utcnow
from tandem.platform.privacy.models import DataExport, ExportStatus
from tandem.platform.tenancy import club_scope

OWN_PAGE = (401, 200, 200, 200)
ASK = (401, 302, 302, 302)
OWNER_ONLY = (401, 200, 404, 404)
NO_SUCH_LINK = (401, 404, 404, 404)

ACCESS = {
    ("privacy.my_data", "GET"): OWN_PAGE,
    ("privacy.request_export", "POST"): ASK,
    ("privacy.export_status", "GET"): OWNER_ONLY,
    ("privacy.download_export", "GET"): NO_SUCH_LINK,
}


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    """A ready export of the participant's data (its token is not `not-a-real-token`)."""
    participant = context["people"]["participant"]
    with club_scope(db):
        export = DataExport(user_id=participant.id, organisation_id=participant.organisation_id,
                            status=ExportStatus.READY, content=b"{}", size_bytes=2, ready_at=utcnow())
        db.add(export)
        db.flush()
    return {"export_id": export.id}
