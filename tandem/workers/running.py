"""RQ workers bound to an app that the caller built: `tandem worker` (forking) and in-process workers (tests).

The worker for RQ's own command line, which builds the app itself, is `tandem.workers.worker.AppWorker`.
"""

from __future__ import annotations

from typing import Any

from rq import SimpleWorker, Worker
from rq.worker import BaseWorker

from tandem.workers.queues import QUEUE_NAMES, get_queues


class _RunsInApp(BaseWorker):
    """Runs each job inside the app context of the app it was given (before Worker or SimpleWorker in the MRO)."""

    app: Any

    def __init__(self, *args: Any, app: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app = app

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        with self.app.app_context():
            return super().perform_job(job, queue, execution)


class AppBoundWorker(_RunsInApp, Worker):
    """Forks a work horse per job (RQ's default)."""

    def main_work_horse(self, job: Any, queue: Any) -> None:
        # A forked horse must not reuse the parent's database connections.
        self.app.extensions["tandem.db"].engine.dispose(close=False)
        super().main_work_horse(job, queue)


class InProcessAppWorker(_RunsInApp, SimpleWorker):
    """Runs jobs in the worker's own process (tests, debugging)."""


def run_worker(app: Any, *, queues: tuple[str, ...] = QUEUE_NAMES, burst: bool = False) -> bool:
    job_queues = get_queues(app)
    if not job_queues.is_async:
        raise SystemExit("REDIS_URL is not set: jobs already run in-process, there is nothing for a worker.")
    rq_queues = [job_queues.queue(name) for name in queues]
    worker = AppBoundWorker(rq_queues, connection=job_queues.connection, app=app)
    return worker.work(burst=burst, with_scheduler=True)
