"""The worker for RQ's own command line: it builds the Tandem app once and runs every job inside it.

`rq worker --url $REDIS_URL --worker-class tandem.workers.worker.AppWorker high default low`.
`tandem worker` (scheduler included) is the same worker with the app the command line built.
"""

from __future__ import annotations

from typing import Any

from tandem.platform.app import create_app
from tandem.workers.running import AppBoundWorker


class AppWorker(AppBoundWorker):
    """Forks a work horse per job; builds the app from the environment unless given one."""

    def __init__(self, *args: Any, app: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, app=app if app is not None else create_app(), **kwargs)
