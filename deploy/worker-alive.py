"""Is this host's RQ worker alive? The Kubernetes probes of the worker pods run it (deploy/kubernetes/worker.yaml).

    python /etc/tandem/worker-alive.py        (in the image; REDIS_URL from the environment)

Exit 0 when a worker of this host (the pod's name) is registered in Redis and reported within its time to
live; RQ drops a worker's registration when it stops reporting (420 s and a minute, RQ's defaults). Exit 0
too when Redis cannot be reached: restarting the worker would not bring Redis back, and it reconnects by
itself. Exit 1, with the reason, otherwise. Imports only redis and rq, so that it starts quickly.
"""

from __future__ import annotations

import os
import socket
import sys
from datetime import UTC, datetime

import redis
from rq import Worker


def main() -> int:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        print("REDIS_URL is not set: jobs run in-process, there is no worker to check")
        return 1
    connection = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    host = socket.gethostname()
    try:
        mine = [worker for worker in Worker.all(connection=connection) if worker.hostname == host]
    except redis.RedisError as error:
        print(f"Redis cannot be reached ({error}); not the worker's fault")
        return 0
    if not mine:
        print(f"no RQ worker of {host} is registered in Redis")
        return 1
    now = datetime.now(UTC)
    ages = [(now - worker.last_heartbeat.replace(tzinfo=UTC)).total_seconds()
            for worker in mine if worker.last_heartbeat is not None]
    limit = max(worker.worker_ttl for worker in mine) + 60
    if not ages or min(ages) > limit:
        print(f"the RQ worker of {host} last reported {min(ages, default=float('inf')):.0f} s ago (limit {limit} s)")
        return 1
    print(f"RQ worker of {host} reported {min(ages):.0f} s ago")
    return 0


if __name__ == "__main__":
    sys.exit(main())
