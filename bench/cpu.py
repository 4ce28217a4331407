"""CPU time spent by a server while it answers (Linux: /proc), for bench/throughput.py.

A rate depends on what else the machine runs; the CPU time a request costs much less so. A Gunicorn started
in a session of its own is one process group: its master and workers, and through the master's `cutime`
and `cstime` the workers it has already replaced (max_requests). On PostgreSQL, the backends that serve the
bench's database are counted too (the database's work is part of a page's cost).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


def available() -> bool:
    return (PROC / "self" / "stat").exists()


def _ticks_per_second() -> int:
    try:
        return os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):
        return 100


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command's name (state first), or None once it has gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def group_seconds(pgid: int) -> float:
    """CPU seconds of the live processes of the group, and of the children its leader has reaped."""
    ticks = 0
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is None or int(fields[2]) != pgid:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (all threads)
        if int(entry.name) == pgid:
            ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: the workers gone
    return ticks / _ticks_per_second()


def process_seconds(pids: list[int]) -> dict[int, float]:
    seconds: dict[int, float] = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            seconds[pid] = (int(fields[11]) + int(fields[12])) / _ticks_per_second()
    return seconds


@dataclass(frozen=True)
class Reading:
    group: float
    backends: dict[int, float]


class Meter:
    """CPU seconds of a Gunicorn's process group, and of the database backends `backend_pids` lists."""

    def __init__(self, pgid: int, backend_pids: Callable[[], list[int]] | None = None) -> None:
        self.pgid = pgid
        self.backend_pids = backend_pids

    def read(self) -> Reading:
        backends = process_seconds(self.backend_pids()) if self.backend_pids else {}
        return Reading(group_seconds(self.pgid), backends)

    @staticmethod
    def spent(before: Reading, after: Reading) -> float:
        """CPU seconds between two readings (a backend that appeared in between counts from its start)."""
        backends = sum(seconds - before.backends.get(pid, 0.0) for pid, seconds in after.backends.items())
        return after.group - before.group + backends
