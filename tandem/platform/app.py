"""The application factory: `create_app(config)` builds everything; nothing happens at import time."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Tandem app from `config` over the environment (see tandem/platform/config.py)."""
    from tandem.platform import access, auth, clock, errors, i18n, logmask, ratelimit, request_log, security, urls
    from tandem.platform.config import load_config
    from tandem.platform.database import Database
    from tandem.platform.identity import oidc
    from tandem.workers import queues

    settings = load_config(config)
    app = Flask(
        "tandem",
        instance_relative_config=True,
        template_folder="templates",
        static_folder="static",
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TANDEM=settings,
        TESTING=settings.is_test,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_NAME="tandem_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.session_cookie_secure,
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        PREFERRED_URL_SCHEME="https" if settings.is_production else "http",
        # Templates are read once per process in production (no check of their files at every rendering).
        TEMPLATES_AUTO_RELOAD=False if settings.is_production else None,
    )
    app.config.update({k: v for k, v in settings.extra.items() if k.isupper()})
    if settings.is_production:
        _keep_compiled_templates(app)

    database = Database(settings.database_url)
    app.extensions["tandem.db"] = database
    app.teardown_appcontext(database.remove_session)

    logmask.init_app(app)
    request_log.init_app(app)  # first of the request hooks: it times and logs every request, refused or not
    _trust_proxies(app, settings)
    clock.init_app(app)
    queues.init_app(app, settings)
    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    oidc.init_app(app)
    urls.init_app(app)  # before the blueprints: ids in routes are numbers a database column holds
    _register_blueprints(app, settings)
    access.init_app(app)
    ratelimit.init_app(app)
    _register_cli(app)
    return app


def import_modules() -> None:
    """Import every module `create_app` imports, and build nothing (no app, no connection, no thread).

    For a server that forks its workers (deploy/gunicorn.conf.py calls it in Gunicorn's arbiter): the modules
    are then imported once, before the fork, and shared by every worker, while each worker still builds its
    own app, and its own connection pool, after the fork. A worker that replaces one (max_requests) starts in
    a tenth of the time."""
    import importlib

    from tandem.platform import access, auth, clock, errors, i18n, logmask, ratelimit, request_log, security, urls
    from tandem.platform.cli import register_commands
    from tandem.platform.config import load_config
    from tandem.platform.database import Database
    from tandem.platform.identity import oidc
    from tandem.workers import queues

    del access, auth, clock, errors, i18n, logmask, ratelimit, request_log, security, urls, register_commands
    del load_config, Database, oidc, queues
    for module in BLUEPRINT_MODULES:
        importlib.import_module(module)


BLUEPRINT_MODULES = (  # those of _register_blueprints, the demo's last (a demo app only)
    "tandem.platform.accessibility.blueprint", "tandem.platform.board.blueprint", "tandem.platform.cohorts.blueprint",
    "tandem.platform.identity.blueprint", "tandem.platform.outcomes.blueprint", "tandem.platform.pairs.blueprint",
    "tandem.platform.participant.blueprint", "tandem.platform.privacy.blueprint",
    "tandem.platform.programme.blueprint", "tandem.platform.public.blueprint", "tandem.platform.rematch.blueprint",
    "tandem.platform.showcase.blueprint", "tandem.platform.workbench.blueprint", "tandem.tenants.blueprint",
    "tandem.tenants.nominations.blueprint", "tandem.platform.demo.blueprint",
)


def _keep_compiled_templates(app: Flask) -> None:
    """Compiled templates kept on disk (Jinja's bytecode cache in a private directory of the user's temporary
    directory), so that a worker Gunicorn restarts (max_requests) does not compile every template again. A
    directory that cannot be made or written only costs the compilation."""
    from jinja2 import FileSystemBytecodeCache

    class QuietBytecodeCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError):
                bucket.reset()

        def dump_bytecode(self, bucket: Any) -> None:
            with suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        app.jinja_options = {**app.jinja_options, "bytecode_cache": QuietBytecodeCache()}
    except (OSError, RuntimeError):  # no private temporary directory to be had
        return


def _trust_proxies(app: Flask, settings: Any) -> None:
    """Behind TRUSTED_PROXIES proxies, the client's address is the one they put into X-Forwarded-For
    (`request.remote_addr`: rate limits, the audit log, sessions). None by default: the header is ignored."""
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]


def _register_blueprints(app: Flask, settings: Any) -> None:
    from tandem.platform.accessibility.blueprint import accessibility
    from tandem.platform.board.blueprint import board
    from tandem.platform.cohorts.blueprint import cohorts
    from tandem.platform.identity.blueprint import identity, sso
    from tandem.platform.outcomes.blueprint import outcomes
    from tandem.platform.pairs.blueprint import pairs
    from tandem.platform.participant.blueprint import participant
    from tandem.platform.privacy.blueprint import privacy
    from tandem.platform.programme.blueprint import programme
    from tandem.platform.public.blueprint import public
    from tandem.platform.rematch.blueprint import rematch
    from tandem.platform.showcase.blueprint import showcase
    from tandem.platform.workbench.blueprint import workbench
    from tandem.tenants.blueprint import tenants
    from tandem.tenants.nominations.blueprint import nominations

    app.register_blueprint(public)
    app.register_blueprint(board)
    app.register_blueprint(cohorts)
    app.register_blueprint(workbench)
    app.register_blueprint(rematch)
    app.register_blueprint(programme)
    app.register_blueprint(pairs)
    app.register_blueprint(showcase)
    app.register_blueprint(outcomes)
    app.register_blueprint(privacy)
    app.register_blueprint(accessibility)
    app.register_blueprint(participant)
    app.register_blueprint(tenants)
    app.register_blueprint(nominations)
    app.register_blueprint(identity)
    app.register_blueprint(sso)
    if settings.is_demo:
        from tandem.platform.demo.blueprint import demo

        app.register_blueprint(demo)


def _register_cli(app: Flask) -> None:
    from tandem.platform.cli import register_commands

    register_commands(app)
