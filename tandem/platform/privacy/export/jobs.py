"""The export's job: a thin shell around its body in operations.py.

- `prepare_data_export(export_id)`: enqueued after a person asked for their data (export/views.py).
"""

from __future__ import annotations

from datetime import datetime

from tandem.platform.clock import now
from tandem.platform.database import db_session
from tandem.platform.privacy.export.operations import prepare_export
from tandem.workers.job import club_job


@club_job
def prepare_data_export(export_id: int, moment: str | None = None) -> str:
    """Collect the person's data into the export `export_id`. `moment` (ISO, with offset) is for tests."""
    return prepare_export(db_session(), export_id, datetime.fromisoformat(moment) if moment else now())
