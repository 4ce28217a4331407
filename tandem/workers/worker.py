"""The RQ worker that builds the Tandem app once and runs every job inside it.

Start it with `tandem worker` (scheduler included), or with RQ's own command:
`rq worker --url $REDIS_URL --worker-class tandem.workers.worker.AppWorker high default low`.
"""

from __future__ import annotations

from typing import Any

from rq import SimpleWorker, Worker

from tandem.workers.queues import QUEUE_NAMES


class _RunsInApp:
    """Builds the app once, in the worker process, and runs each job inside its app context."""

    app: Any

    def __init__(self, *args: Any, app: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if app is None:
            from tandem.platform.app import create_app

            app = create_app()
        self.app = app

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        with self.app.app_context():
            return super().perform_job(job, queue, execution)  # type: ignore[misc]


class AppWorker(_RunsInApp, Worker):
    """Forks a work horse per job (RQ's default)."""

    def main_work_horse(self, job: Any, queue: Any) -> None:
        # A forked horse must not reuse the parent's database connections.
        self.app.extensions["tandem.db"].engine.dispose(close=False)
        super().main_work_horse(job, queue)


class InProcessAppWorker(_RunsInApp, SimpleWorker):
    """Runs jobs in the worker's own process (tests, debugging)."""


def run_worker(app: Any, *, queues: tuple[str, ...] = QUEUE_NAMES, burst: bool = False) -> bool:
    from tandem.workers.queues import get_queues

    job_queues = get_queues(app)
    if not job_queues.is_async:
        raise SystemExit("REDIS_URL is not set: jobs already run in-process, there is nothing for a worker.")
    rq_queues = [job_queues.queue(name) for name in queues]
    worker = AppWorker(rq_queues, connection=job_queues.connection, app=app)
    return worker.work(burst=burst, with_scheduler=True)
