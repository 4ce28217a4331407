"""The load clients of bench/throughput.py: wrk when it is installed, else processes of Python threads.

Both keep `connections` keep-alive connections busy with GETs of one path for a number of seconds and report
the responses completed, those that were not a 200 (or failed: a socket error, a timeout), and the median
and 99th percentile of the latencies.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

HOST = "127.0.0.1"
TIMEOUT = 30.0  # seconds a response may take before it counts as failed


class ClientError(RuntimeError):
    """The load client cannot run (wrk asked for but not installed, or its output unreadable)."""


@dataclass(frozen=True)
class Result:
    requests: int  # responses completed
    seconds: float
    failed: int  # of those, not a 200; and requests that failed (socket errors, timeouts)
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        """200s per second (a 500 is quick and no page)."""
        return max(0, self.requests - self.failed) / self.seconds if self.seconds > 0 else 0.0


class Client(Protocol):
    def run(self, port: int, path: str, headers: dict[str, str], duration: float) -> Result: ...

    def describe(self) -> str: ...


def make_client(kind: str, connections: int, threads: int = 1) -> Client:
    """`wrk`, `python`, or `auto`: wrk when it is on the PATH, else the Python client."""
    wrk = shutil.which("wrk")
    if kind == "wrk" and wrk is None:
        raise ClientError("wrk is not installed (Debian: apt-get install wrk); or use --client python")
    if kind in ("wrk", "auto") and wrk is not None:
        return Wrk(wrk, connections, max(1, min(threads, connections)))
    return PythonClient(connections)


def fetch(port: int, path: str, headers: dict[str, str], timeout: float = TIMEOUT) -> tuple[int, bytes]:
    """One GET, redirects not followed: (status, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- wrk --------------------------------------------------------------------------------------------------

# Counts the responses that are not a 200 in each of wrk's threads and prints one line of figures at the end
# (wrk itself counts only 4xx/5xx as errors: a redirect to the sign-in page would pass).
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format("BENCH-RESULT %d %d %d %d %.1f %.1f\\n", summary.requests, summary.duration, not_ok,
                         e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


class Wrk:
    def __init__(self, executable: str, connections: int, threads: int) -> None:
        self.executable = executable
        self.connections = connections
        self.threads = threads

    def describe(self) -> str:
        version = subprocess.run([self.executable, "--version"], capture_output=True, text=True).stdout.split("[")[0]
        return f"{version.strip() or 'wrk'}, {self.threads} thread(s), {self.connections} connections"

    def run(self, port: int, path: str, headers: dict[str, str], duration: float) -> Result:
        with tempfile.TemporaryDirectory(prefix="tandem-wrk-") as directory:
            script = Path(directory) / "count.lua"
            script.write_text(WRK_SCRIPT)
            command = [self.executable, "-t", str(self.threads), "-c", str(self.connections),
                       "-d", f"{max(1, math.ceil(duration))}s", "--timeout", f"{TIMEOUT:.0f}s", "-s", str(script)]
            for name, value in headers.items():
                command += ["-H", f"{name}: {value}"]
            command.append(f"http://{HOST}:{port}{path}")
            done = subprocess.run(command, capture_output=True, text=True, timeout=duration + TIMEOUT + 30)
        line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH-RESULT ")), None)
        if done.returncode != 0 or line is None:
            raise ClientError(f"wrk failed ({done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}")
        requests, micros, not_ok, errors, p50, p99 = line.split()[1:]
        return Result(requests=int(requests), seconds=int(micros) / 1e6, failed=int(not_ok) + int(errors),
                      p50_ms=float(p50) / 1000, p99_ms=float(p99) / 1000)


# --- Python -----------------------------------------------------------------------------------------------


class PythonClient:
    """Processes (as many as CPUs, at most one a connection) of threads, one keep-alive connection each."""

    def __init__(self, connections: int) -> None:
        self.connections = connections
        self.processes = max(1, min(connections, os.cpu_count() or 1))

    def describe(self) -> str:
        return f"Python http.client, {self.processes} process(es), {self.connections} connections"

    def run(self, port: int, path: str, headers: dict[str, str], duration: float) -> Result:
        shares = [self.connections // self.processes + (1 if i < self.connections % self.processes else 0)
                  for i in range(self.processes)]
        context = multiprocessing.get_context("fork")  # the children need nothing of the parent but this module
        with context.Pool(self.processes, initializer=_child) as pool:
            parts = pool.starmap(_load, [(port, path, headers, duration, share) for share in shares])
        latencies = sorted(latency for _count, _failed, _seconds, part in parts for latency in part)
        requests = sum(count for count, _failed, _seconds, _part in parts)
        seconds = max(elapsed for _count, _failed, elapsed, _part in parts)
        return Result(requests=requests, seconds=seconds, failed=sum(failed for _c, failed, _s, _p in parts),
                      p50_ms=_percentile(latencies, 50), p99_ms=_percentile(latencies, 99))


def _child() -> None:
    """A pool's process ends on the pool's SIGTERM, whatever handler the parent installed (the bench's turns it
    into a KeyboardInterrupt, so that it stops its servers)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to handle


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * percent / 100) - 1))]


def _load(port: int, path: str, headers: dict[str, str], duration: float,
          connections: int) -> tuple[int, int, float, list[float]]:
    """In a child process: `connections` threads until `duration` has passed; (responses, failed, seconds,
    latencies in ms)."""
    import threading

    started = time.perf_counter()
    deadline = started + duration
    results: list[tuple[int, int, list[float]]] = []
    lock = threading.Lock()

    def connection_loop() -> None:
        count = failed = 0
        latencies: list[float] = []
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        while True:
            begun = time.perf_counter()
            if begun >= deadline:
                break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
            latencies.append((time.perf_counter() - begun) * 1000)
            count += 1
        connection.close()
        with lock:
            results.append((count, failed, latencies))

    threads = [threading.Thread(target=connection_loop) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return (sum(r[0] for r in results), sum(r[1] for r in results), elapsed,
            [latency for r in results for latency in r[2]])
