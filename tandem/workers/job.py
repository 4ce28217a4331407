"""Decorators that give a job its app context, its own session and its tenant scope.

A job takes ids and plain values. `tenant_job` functions take the organisation id first and run in that
tenant's scope; `club_job` functions run in club scope, which is then visible in their definition.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, has_app_context
from rq import get_current_job

from tandem.platform import request_log
from tandem.platform.database import get_db
from tandem.platform.tenancy import use_club_scope, use_tenant

F = TypeVar("F", bound=Callable[..., Any])


def _run(func: Callable[..., Any], scope: Callable[[Any], None], organisation_id: int | None,
         args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if not has_app_context():
        raise RuntimeError("Tandem jobs run inside the app: start workers with `tandem worker`")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    database = get_db()
    # The request id the job was enqueued with (its log line and records carry it), read before the job's
    # own app context hides the caller's.
    rq_job = get_current_job()
    request_id = request_log.job_request_id(rq_job.meta.get(request_log.META_KEY) if rq_job else None)
    # The job's own session scope encloses its app context: the context's teardown then removes the job's
    # session, never the caller's (an in-process job runs inside a request or a CLI command).
    with database.isolated_session_scope(), app.app_context(), request_log.job_logged(
            f"{func.__module__}.{func.__qualname__}", request_id, job_id=rq_job.id if rq_job else None,
            organisation_id=organisation_id):
        session = database.session()
        scope(session)
        try:
            return func(*args, **kwargs)
        except BaseException:
            session.rollback()
            raise


def club_job(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _run(func, use_club_scope, None, args, kwargs)

    return wrapper  # type: ignore[return-value]


def tenant_job(func: F) -> F:
    @functools.wraps(func)
    def wrapper(organisation_id: int, *args: Any, **kwargs: Any) -> Any:
        return _run(func, lambda s: use_tenant(s, organisation_id), organisation_id,
                    (organisation_id, *args), kwargs)

    return wrapper  # type: ignore[return-value]
