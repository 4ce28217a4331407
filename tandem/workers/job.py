"""Decorators that give a job its app context, its own session and its tenant scope.

A job takes ids and plain values. `tenant_job` functions take the organisation id first and run in that
tenant's scope; `club_job` functions run in club scope, which is then visible in their definition.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, has_app_context

from tandem.platform.database import get_db
from tandem.platform.tenancy import use_club_scope, use_tenant

F = TypeVar("F", bound=Callable[..., Any])


def _run(func: Callable[..., Any], scope: Callable[[Any], None], *args: Any, **kwargs: Any) -> Any:
    if not has_app_context():
        raise RuntimeError("Tandem jobs run inside the app: start workers with `tandem worker`")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    database = get_db()
    # The job's own session scope encloses its app context: the context's teardown then removes the job's
    # session, never the caller's (an in-process job runs inside a request or a CLI command).
    with database.isolated_session_scope(), app.app_context():
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
        return _run(func, use_club_scope, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def tenant_job(func: F) -> F:
    @functools.wraps(func)
    def wrapper(organisation_id: int, *args: Any, **kwargs: Any) -> Any:
        return _run(func, lambda s: use_tenant(s, organisation_id), organisation_id, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
