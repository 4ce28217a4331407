"""privacy area: every route of a person's rights over their data.

- the person, under /me/data (their own data only): what Tandem holds about them, an export as JSON (prepared by
  a job, downloaded once), a request for erasure, their consents, and who saw their data;
- organisation admins, under /o/<org_slug>/privacy: their people's requests for erasure, to confirm or refuse;
- the board, under /board/privacy: every request, and what retention will erase when;
- the public: /privacy (the privacy notice) and /imprint.
"""

from __future__ import annotations

from flask import Blueprint

from tandem.platform.privacy.erasure import views as erasure
from tandem.platform.privacy.export import views as export
from tandem.platform.privacy.records import views as records
from tandem.tenants.resolution import resolve_organisation
from tandem.tenants.views import add_org_slug

privacy = Blueprint("privacy", __name__)
privacy.url_value_preprocessor(resolve_organisation)
privacy.url_defaults(add_org_slug)

# The person's data and its export (export/views.py).
privacy.add_url_rule("/me/data", "my_data", export.my_data)
privacy.add_url_rule("/me/data/export", "request_export", export.request_export, methods=["POST"])
privacy.add_url_rule("/me/data/exports/<int:export_id>", "export_status", export.export_status)
privacy.add_url_rule("/me/data/exports/<int:export_id>/<token>.json", "download_export", export.download)

# Erasure and retention (erasure/views.py).
privacy.add_url_rule("/me/data/erasure", "my_erasure", erasure.my_erasure, methods=["GET", "POST"])
privacy.add_url_rule("/o/<org_slug>/privacy", "organisation_requests", erasure.organisation_requests)
privacy.add_url_rule("/o/<org_slug>/privacy/<int:erasure_request_id>", "organisation_decide",
                     erasure.organisation_decide, methods=["POST"])
privacy.add_url_rule("/board/privacy", "board_privacy", erasure.board_privacy)
privacy.add_url_rule("/board/privacy/<int:erasure_request_id>", "board_decide", erasure.board_decide,
                     methods=["POST"])

# Consents, who saw my data, the privacy notice and imprint (records/views.py).
privacy.add_url_rule("/me/consents", "my_consents", records.my_consents)
privacy.add_url_rule("/me/data/views", "who_saw", records.who_saw)
privacy.add_url_rule("/privacy", "notice", records.notice)
privacy.add_url_rule("/imprint", "imprint", records.imprint)
