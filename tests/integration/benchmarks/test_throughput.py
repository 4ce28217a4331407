"""bench/throughput.py end to end, briefly, on SQLite: the demo club, both Gunicorns with the project's settings,
every page measured as its role (each answer a 200, not a redirect to the sign-in page), the servers stopped."""

from __future__ import annotations

import errno
import http.client
import os
import socket
from typing import Any

import pytest

from bench import throughput


def test_the_benchmark_measures_every_page_as_its_role_and_stops_its_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)  # SQLite, whatever the suite runs on
    unsigned: dict[str, tuple[int, str]] = {}
    measure = throughput.measure

    def measure_and_try_without_cookies(client: Any, tandem: throughput.Server, hello: throughput.Server,
                                        pages: list[throughput.Page], *args: Any) -> Any:
        results = measure(client, tandem, hello, pages, *args)
        # The signed-in pages answered 200 because of the sessions the bench made: without, 401 or the sign-in page.
        for page in pages:
            if page.cookie:
                connection = http.client.HTTPConnection("127.0.0.1", tandem.port, timeout=30)
                connection.request("GET", page.path, headers=throughput.headers_of(None))
                response = connection.getresponse()
                unsigned[page.name] = (response.status, response.getheader("Location") or "")
                connection.close()
        return results

    monkeypatch.setattr(throughput, "measure", measure_and_try_without_cookies)
    lines: list[str] = []
    report = throughput.run(throughput.Options(rounds=1, duration=0.5, warmup=0, connections=2, workers=1,
                                               client="python"), progress=lines.append)

    assert report.database == "sqlite"
    names = [result.page.name for result in report.results]
    assert names == ["landing", "showcase", "board overview", "/me/", "organisation people",
                     names[-1]], lines
    assert names[-1].startswith("workbench (") and not names[-1].startswith("workbench (0 ")
    roles = {result.page.name: result.page.role for result in report.results}
    assert roles["board overview"] == "board" and roles["/me/"] == "participant"
    assert roles["organisation people"] == "organisation admin" and roles["landing"] == "anonymous"
    for result in report.results:
        (run,), (hello,) = result.runs, result.hello
        assert run.requests > 0 and run.failed == 0, (result.page.path, run)
        assert hello.requests > 0 and hello.failed == 0
        assert 0 < result.ratio == run.rate / hello.rate
        assert 0 < run.p50_ms <= run.p99_ms
        assert result.cpu_ms is not None and result.cpu_ms > 0  # the servers' CPU time, read from /proc
    assert "board overview" in throughput.table(report.results)

    assert set(unsigned) == {"board overview", "/me/", "organisation people", names[-1]}
    for name, (status, location) in unsigned.items():
        assert status == 401 or (status in (302, 303) and "/sign-in" in location), (name, status, location)

    assert [server.name for server in report.servers] == ["hello", "tandem"]
    for server in report.servers:
        assert server.process.returncode is not None
        with pytest.raises(ProcessLookupError):
            os.killpg(server.process.pid, 0)  # no worker of it is left either
        with pytest.raises(OSError) as refused:
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
        assert refused.value.errno == errno.ECONNREFUSED
