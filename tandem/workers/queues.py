"""Queues and enqueuing.

With `REDIS_URL` jobs go to Redis and `tandem worker` (RQ workers with the scheduler) runs them. Without
it (the embedded default) the same RQ API runs them in-process: a synchronous `rq.Queue` over an
in-memory Redis (fakeredis), so a job behaves the same in both modes.

Jobs are enqueued only after the transaction that asked for them has committed: `enqueue_after_commit`
keeps them on the session and a session event hands them to RQ at commit (and drops them at rollback).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis
from flask import Flask, current_app
from rq import Queue
from rq.job import Job
from sqlalchemy import event
from sqlalchemy.orm import Session

from tandem.platform.request_log import META_KEY, accepted_request_id, current_request_id
from tandem.platform.tenancy import TenantAwareSession

logger = logging.getLogger(__name__)
QUEUE_NAMES = ("high", "default", "low")
PENDING_KEY = "tandem.pending_jobs"
FAILURE_TTL = 7 * 24 * 3600  # a failed job is kept a week (RQ's failed registry)


def _check_args(args: tuple[Any, ...]) -> None:
    for arg in args:
        if not isinstance(arg, (int, str, float, bool, type(None))):
            raise TypeError(f"jobs take ids and plain values, not {type(arg).__name__}")


@dataclass(frozen=True)
class PendingJob:
    func: Callable[..., Any]
    args: tuple[Any, ...]
    queue: str
    job_id: str | None
    request_id: str | None = None  # of the request (or job) that asked for it, for the logs


class JobQueues:
    def __init__(self, redis_url: str | None) -> None:
        self.redis_url = redis_url
        if redis_url:
            # Connect quickly or fail: a request must not hang on an unreachable Redis.
            self.connection: Any = redis.Redis.from_url(redis_url, socket_connect_timeout=5,
                                                        health_check_interval=30)
            self.is_async = True
        else:
            import fakeredis

            self.connection = fakeredis.FakeRedis()
            self.is_async = False

    def queue(self, name: str = "default") -> Queue:
        if name not in QUEUE_NAMES:
            raise ValueError(f"unknown queue {name!r}")
        return Queue(name, connection=self.connection, is_async=self.is_async)

    def enqueue(self, func: Callable[..., Any], *args: Any, queue: str = "default",
                job_id: str | None = None, request_id: str | None = None) -> Job:
        """`request_id` (default: the current request's or job's) travels in the job's meta to its log line."""
        _check_args(args)
        request_id = accepted_request_id(request_id) or current_request_id()
        meta = {META_KEY: request_id} if request_id else None
        return self.queue(queue).enqueue(func, *args, job_id=job_id, failure_ttl=FAILURE_TTL, meta=meta)

    def enqueue_many(self, items: Sequence[PendingJob]) -> None:
        """Enqueue several jobs: with Redis in one round trip per queue (a job that mails thousands enqueues
        thousands of sends at its commit); in-process one after the other, as `enqueue` runs them. Of jobs
        with the same `job_id` the first is kept."""
        if not self.is_async:
            for item in items:
                self.enqueue(item.func, *item.args, queue=item.queue, job_id=item.job_id, request_id=item.request_id)
            return
        by_queue: dict[str, list[Any]] = defaultdict(list)
        seen: set[str] = set()
        for item in items:
            if item.queue not in QUEUE_NAMES:
                raise ValueError(f"unknown queue {item.queue!r}")
            _check_args(item.args)
            if item.job_id is not None:
                if item.job_id in seen:
                    continue
                seen.add(item.job_id)
            request_id = accepted_request_id(item.request_id) or current_request_id()
            by_queue[item.queue].append(Queue.prepare_data(
                item.func, args=item.args, job_id=item.job_id, failure_ttl=FAILURE_TTL,
                meta={META_KEY: request_id} if request_id else None))
        for name, datas in by_queue.items():
            self.queue(name).enqueue_many(datas)


def get_queues(app: Flask | None = None) -> JobQueues:
    return (app or current_app).extensions["tandem.jobs"]


def enqueue_after_commit(session: Session, func: Callable[..., Any], *args: Any,
                         queue: str = "default", job_id: str | None = None) -> None:
    """Enqueue `func(*args)` once the session's current transaction commits; never if it rolls back."""
    session.info.setdefault(PENDING_KEY, []).append(PendingJob(func, args, queue, job_id, current_request_id()))


@event.listens_for(TenantAwareSession, "after_commit")
def _enqueue_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # SQLAlchemy 2.1 also reports a released savepoint: the jobs wait for the real commit
    pending: list[PendingJob] = session.info.pop(PENDING_KEY, [])
    if not pending:
        return
    try:
        get_queues().enqueue_many(pending)
    except redis.RedisError:
        # The change is committed; failing the request now would only hide that. The work is
        # recoverable from the database: pending mail is swept by `flush_outbox`, and other jobs
        # record their state in their own rows (a queued run can be retried).
        logger.exception("could not enqueue after commit: %s",
                         ", ".join(f"{item.func.__name__}{item.args!r}" for item in pending[:20]))


@event.listens_for(TenantAwareSession, "after_rollback")
def _drop_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint rolled back, not the transaction: the jobs it asked for still wait for commit
    session.info.pop(PENDING_KEY, None)


def init_app(app: Flask, settings: Any) -> None:
    app.extensions["tandem.jobs"] = JobQueues(settings.redis_url)
