"""Where a page's CPU time goes inside a Gunicorn worker (not in the bench's own process, as
`bench.throughput --profile` and `bench.request_costs --profile` measure it).

Run from the repository root:

    .venv/bin/python -m bench.worker_profile --pages "/me/,board overview" --duration 10
    .venv/bin/python -m bench.worker_profile --pages workbench --no-profile      # CPU ms per response only

It seeds the demo club as bench/throughput.py does, starts Tandem with deploy/gunicorn.conf.py (one thread
per worker, so that one profiler per worker sees every request it serves), with this module's `create_app`
as the app: Tandem's own factory, whose WSGI callable is wrapped in a cProfile when BENCH_WORKER_PROFILE
names a directory. The wrapper lives here, in bench/, never in the app. Each worker writes its profile there
after every 100 requests; the bench loads every page under wrk for --duration seconds, reads the server's CPU
time per response (/proc), stops the server, and prints the summed profile of the workers for each page.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ENV = "BENCH_WORKER_PROFILE"
DUMP_EVERY = 100


def create_app() -> Any:
    """Tandem's app as Gunicorn builds it; with BENCH_WORKER_PROFILE set, every request profiled."""
    from tandem import create_app as tandem_app

    app = tandem_app()
    directory = os.environ.get(ENV)
    if directory:
        app.wsgi_app = _Profiled(app.wsgi_app, Path(directory))
    return app


class _Profiled:
    def __init__(self, wsgi: Callable[..., Iterable[bytes]], directory: Path) -> None:
        self.wsgi = wsgi
        self.directory = directory
        self.profiler = cProfile.Profile()
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self.profiler.enable()
        try:
            return list(self.wsgi(environ, start_response))
        finally:
            self.profiler.disable()
            self.requests += 1
            if self.requests % DUMP_EVERY == 0:
                self.profiler.dump_stats(self.directory / f"worker-{os.getpid()}.prof")


def main(argv: list[str] | None = None) -> int:
    from cryptography.fernet import Fernet

    from bench import cpu, load
    from bench.query_counts import bench_database
    from bench.throughput import CLUB_NAME, TANDEM_APP, build_club, check_page, gunicorn, headers_of

    parser = argparse.ArgumentParser(prog="python -m bench.worker_profile", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="", help="comma-separated paths or starts of names (default: all)")
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true", help="only the CPU ms per response")
    parser.add_argument("--app", default="", help="the app to serve (default: this module's wrapper)")
    options = parser.parse_args(argv)
    wanted = tuple(w for w in options.pages.split(",") if w)
    secret = secrets.token_urlsafe(48)
    encryption_key = Fernet.generate_key().decode()
    client = load.make_client("auto", 8)
    with bench_database() as url, tempfile.TemporaryDirectory(prefix="tandem-worker-profile-") as work:
        club = build_club(url, secret, encryption_key)
        pages = [p for p in club.pages if not wanted or any(w == p.path or p.name.startswith(w) for w in wanted)]
        for page in pages:
            directory = Path(work) / page.name.replace("/", "_").replace(" ", "_")
            directory.mkdir()
            env = {"TANDEM_ENV": "production", "SECRET_KEY": secret, "ENCRYPTION_KEY": encryption_key,
                   "DATABASE_URL": url, "REDIS_URL": "", "SMTP_URL": "", "CLUB_NAME": CLUB_NAME,
                   "GUNICORN_THREADS": str(options.threads)}
            if not options.no_profile:
                env[ENV] = str(directory)
            app = options.app or ("bench.worker_profile:create_app()" if not options.no_profile else TANDEM_APP)
            with gunicorn("tandem", app, env, Path(work), options.workers, ready_path="/healthz") as server:
                check_page(server, page)
                client.run(server.port, page.path, headers_of(page), options.warmup)
                assert server.meter is not None and cpu.available()
                before = server.meter.read()
                result = client.run(server.port, page.path, headers_of(page), options.duration)
                spent = cpu.Meter.spent(before, server.meter.read())
                time.sleep(0.5)  # the last dump
            print(f"\n=== {page.name} ({page.path}): {result.requests} responses, {result.rate:.1f}/s, "
                  f"CPU {spent * 1000 / max(result.requests, 1):.2f} ms per response "
                  f"({'profiled' if not options.no_profile else 'not profiled'}; {options.workers} workers x "
                  f"{options.threads} threads)", flush=True)
            files = sorted(directory.glob("*.prof"))
            if not files:
                continue
            out = io.StringIO()
            stats = pstats.Stats(str(files[0]), stream=out)
            for extra in files[1:]:
                stats.add(str(extra))
            stats.sort_stats("tottime").print_stats(options.top)
            stats.sort_stats("cumulative").print_stats(options.top)
            print(out.getvalue(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
