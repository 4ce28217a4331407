"""Asking for a sign-in link takes as long for an address with an account as for one without: the request does
the same work for both (it queues one job), and the link and its mail are made by that job, after the answer.

Measured as in production, with the jobs queued in real Redis: many requests for known and unknown addresses,
alternating, their medians compared.
"""

from __future__ import annotations

import statistics
import time

import pytest
import sqlalchemy as sa

from tandem import create_app
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import use_club_scope
from tests.factories import make_organisation, make_user
from tests.fixtures.services import config_for_tests, fresh_database

pytestmark = pytest.mark.redis

SAMPLES = 40
WARM_UP = 5
# On a loaded 2-core CI machine single requests jitter by milliseconds; medians of 40 do not. Before the
# change the known address took about twice as long (the link, its mail rendered and written, the audit).
MAX_RATIO = 1.3
NOISE_SECONDS = 0.003


def test_known_and_unknown_addresses_take_the_same_time(redis_url, capsys):
    with fresh_database("timing") as database_url:
        app = create_app(config_for_tests(database_url, REDIS_URL=redis_url, RATELIMIT_ENABLED=False))
        upgrade(app.extensions["tandem.db"].engine)
        try:
            with app.app_context():
                session = app.extensions["tandem.db"].session()
                use_club_scope(session)
                organisation = make_organisation(session, "stadtwerke")
                known = [make_user(session, organisation, email=f"person{i}@stadtwerke.example").email
                         for i in range(SAMPLES + WARM_UP)]
                session.commit()
                app.extensions["tandem.db"].session.remove()
            unknown = [f"nobody{i}@stadtwerke.example" for i in range(SAMPLES + WARM_UP)]
            client = app.test_client()

            def ask(address: str) -> float:
                started = time.perf_counter()
                response = client.post("/sign-in", data={"email": address, "send_link": "1"})
                elapsed = time.perf_counter() - started
                assert response.status_code == 302 and response.headers["Location"] == "/sign-in/sent"
                return elapsed

            for i in range(WARM_UP):
                ask(known[i]), ask(unknown[i])
            times: dict[str, list[float]] = {"known": [], "unknown": []}
            for i in range(WARM_UP, WARM_UP + SAMPLES):
                order = [("known", known[i]), ("unknown", unknown[i])]
                for kind, address in order if i % 2 else reversed(order):
                    times[kind].append(ask(address))

            known_median, unknown_median = statistics.median(times["known"]), statistics.median(times["unknown"])
            ratio = max(known_median, unknown_median) / min(known_median, unknown_median)
            with capsys.disabled():
                print(f"\nsign-in request, median of {SAMPLES}: known {known_median * 1000:.2f} ms, "
                      f"unknown {unknown_median * 1000:.2f} ms, ratio {ratio:.2f}")
            assert ratio <= MAX_RATIO or abs(known_median - unknown_median) <= NOISE_SECONDS, (
                f"known {known_median * 1000:.2f} ms, unknown {unknown_median * 1000:.2f} ms")

            # Nothing was made in the requests: links and mail wait for a worker (the in-process tests of
            # tests/integration/identity/test_sign_in_links.py run the same job: a link for known addresses only).
            with app.app_context():
                session = app.extensions["tandem.db"].session()
                use_club_scope(session)
                assert session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
                app.extensions["tandem.db"].session.remove()
        finally:
            app.extensions["tandem.db"].dispose()
