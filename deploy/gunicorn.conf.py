"""Gunicorn settings for Tandem in production.

    gunicorn -c deploy/gunicorn.conf.py "tandem:create_app()"

Gunicorn calls the app factory once in every worker process, after the fork, so that no worker shares the
database connection pool of another (for that reason the app is not preloaded). The factory reads its own
settings from the environment (TANDEM_ENV, SECRET_KEY, DATABASE_URL, ...: see docs/configuration.md);
this file only reads the GUNICORN_* variables below and FORWARDED_ALLOW_IPS.

What is shared is the code: the arbiter imports Tandem's modules before it forks (`on_starting`, imports only:
no app, no connection, no thread), so a worker, a first one or one that replaces another, imports nothing
again and starts in about 0.1 s of CPU instead of 2 s. After building its app a worker moves what it has
allocated so far (modules, the app, its routes and templates' environment) out of the garbage collector's
sight (`gc.freeze`), so that the collections its requests trigger do not walk those objects again and again.
Workers are replaced after 20,000 requests (with a jitter of 2,000, so that they do not restart together):
often enough that a slow leak cannot pile up, rarely enough that a worker's start (its imports, building the
app, then its first requests, which compile every SQL statement and load every template it uses once per
process) costs some tens of microseconds a request, not the millisecond it cost with 2,000.

    GUNICORN_BIND          address to listen on (default 127.0.0.1:8000; the container image sets 0.0.0.0:8000)
    GUNICORN_WORKERS       worker processes (default 2 x CPUs + 1; set it in containers, where the CPU count
                           is the host's and not the container's limit)
    GUNICORN_THREADS       threads per worker (default 4)
    GUNICORN_TIMEOUT       seconds a request may take before its worker is restarted (default 30)
    GUNICORN_LOG_LEVEL     debug, info, warning, error (default info)
    FORWARDED_ALLOW_IPS    proxies whose X-Forwarded-Proto is believed (default 127.0.0.1,::1)
"""

from __future__ import annotations

import gc
import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Processes x threads. Pages are short and mostly wait on the database; threads keep memory down.
workers = _int("GUNICORN_WORKERS", 2 * _cpus() + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
preload_app = False  # each worker builds its own app (and its own connection pool) after the fork

# A request that takes longer than `timeout` kills its worker; long work belongs in an RQ job.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30  # on SIGTERM (deploys, Kubernetes), finish running requests for up to this long
keepalive = 5  # seconds; keep it above nothing and below the proxy's idle timeout

# Restart workers now and then so that slow leaks cannot pile up (not so often that their starts cost much).
max_requests = 20000
max_requests_jitter = 2000

# The heartbeat file lives in memory: a disk-backed /tmp can stall workers (and may be read-only).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs: access and error log to stdout/stderr, one line per request, collected by the container runtime.
# The tokens of sign-in links and calendar feeds and the query of the SSO callback (the provider's code and
# state), plain or percent-encoded, in request lines, referers and error messages are masked by a filter that
# the app installs on Gunicorn's loggers in each worker (tandem/platform/logmask.py). A changed
# access_log_format stays masked (the filter reads the formatted line); the test that starts Gunicorn with
# this file and reads its logs is tests/integration/identity/test_sign_in_logs.py.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(t)s %({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
capture_output = True  # print() and stray warnings from the app end up in the error log too

# Behind a reverse proxy that terminates TLS. Gunicorn sets wsgi.url_scheme to https (and Tandem then builds
# https links and keeps its Secure cookies working) only when X-Forwarded-Proto comes from an address listed
# here. List your proxy's address; "*" trusts every peer and is safe only when nothing but the proxy can reach
# Gunicorn (the compose file publishes the port on the host's loopback only; in Kubernetes, a NetworkPolicy).
# The proxy must overwrite, not pass through, X-Forwarded-Proto and X-Forwarded-For from the client.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Gunicorn 25.1+ opens a control socket under $HOME by default; containers may have no writable $HOME.
# (Older Gunicorn versions ignore this setting.)
control_socket_disable = True

# Request limits (Gunicorn's defaults, stated): uploads are limited by the app (MAX_CONTENT_LENGTH, 5 MB).
limit_request_line = 4094
limit_request_fields = 100


def on_starting(server: Any) -> None:
    """In the arbiter, before any worker is forked: import Tandem's modules (nothing is built)."""
    if str(getattr(server.app, "app_uri", "") or "").startswith("tandem"):
        from tandem.platform.app import import_modules

        import_modules()


def post_worker_init(worker: Any) -> None:
    """In each worker, once its app is built: what exists now lives as long as the worker, out of the GC's way."""
    gc.collect()
    gc.freeze()
