"""A worker's pulse, kept by a thread: its alive key, and the database sessions of dead workers ended.

The alive key (``P:R:alive:WORKER``, TTL ``ZWGK_LEASE_TTL``) is what keeps a worker's leases its
own (crawler/cluster/leases.py). A thread renews it every ``BEAT_S`` seconds, so a reactor busy for
a while (a large batch committing, a slow PostgreSQL) keeps its leases; but only while the reactor
has turned within ``REACTOR_STALL_S`` seconds (the spider's own heartbeat calls :meth:`tick`), so a
reactor hung for good loses them. SIGKILL and SIGSTOP stop the thread with the process: its key
expires ``ZWGK_LEASE_TTL`` seconds later.

The same thread ends, on PostgreSQL, the open transactions of every worker whose alive key has
expired while it still holds leases (``pg_terminate_backend`` of its sessions with a transaction
open, found by their ``application_name``, see :func:`session_name`). A frozen worker's open
transaction holds row locks; a live worker redoing the frozen one's requests, or only storing an
item the frozen one had also written, would wait on them in its reactor thread (so its own
``spider_idle`` reclaim never runs). A frozen worker that comes back finds its transaction gone:
its store fails and its crawl run is marked failed; what it had not committed was leased, and
its leases were taken back by the others.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from crawler.cluster.keys import Keys

logger = logging.getLogger(__name__)

BEAT_S = 0.5
# A reactor that has not turned for this long is hung: the thread stops renewing its leases.
REACTOR_STALL_S = 60.0
# A worker's sessions are named "PREFIX:HASH" (PREFIX: the URL's own application_name, else this).
SESSION_PREFIX = "zwgk-worker"

_END_OPEN = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE application_name = :name AND xact_start IS NOT NULL AND pid <> pg_backend_pid()"
)


def session_name(worker: str, db_url: str) -> str:
    """The ``application_name`` of ``worker``'s PostgreSQL sessions (at most 63 characters)."""
    given = make_url(db_url).query.get("application_name")
    prefix = given if isinstance(given, str) and given else SESSION_PREFIX
    return f"{prefix[:40]}:{hashlib.sha1(worker.encode()).hexdigest()[:16]}"


def named_sessions(worker: str, db_url: str) -> str:
    """``db_url`` whose sessions carry ``worker``'s name; other databases' URLs unchanged."""
    url = make_url(db_url)
    if not url.drivername.startswith("postgresql"):
        return db_url
    name = session_name(worker, db_url)
    return url.update_query_dict({"application_name": name}).render_as_string(hide_password=False)


def end_open_sessions(engine: Engine, name: str) -> int:
    """End the sessions named ``name`` that have a transaction open; how many."""
    with engine.connect() as connection:
        ended = int(connection.execute(_END_OPEN, {"name": name}).scalar_one())
        connection.commit()
    return ended


def dead_holders(client: redis.Redis, keys: Keys, me: str) -> list[str]:
    """Workers (but ``me``) holding leases whose alive key has expired."""
    holders = sorted(
        {
            str(key)[len(prefix) :]
            for prefix in (keys.lease_prefix, keys.job_lease_prefix)
            for key in client.scan_iter(match=prefix + "*", count=200)
        }
        - {me}
    )
    if not holders:
        return []
    pipe = client.pipeline(transaction=False)
    for worker in holders:
        pipe.exists(keys.alive(worker))
    return [worker for worker, alive in zip(holders, pipe.execute(), strict=True) if not alive]


class Heartbeat(threading.Thread):
    """Renews ``worker``'s alive key while its reactor turns; ends dead workers' open transactions."""

    def __init__(self, client: redis.Redis, keys: Keys, worker: str, lease_ttl: float,
                 engine: Engine | None = None, db_url: str = "") -> None:  # fmt: skip
        super().__init__(name="zwgk-heartbeat", daemon=True)
        self.client, self.keys, self.worker = client, keys, worker
        self.ttl_ms = int(lease_ttl * 1000)
        self.engine = engine if engine is not None and engine.dialect.name == "postgresql" else None
        self.db_url = db_url
        self.last_tick = time.monotonic()
        self.ended: set[str] = set()  # dead workers whose sessions were ended (until seen alive)
        self._halt = threading.Event()

    def tick(self) -> None:
        """The reactor turned (called from its thread)."""
        self.last_tick = time.monotonic()

    def stop(self) -> None:
        self._halt.set()

    def beat(self) -> None:
        if time.monotonic() - self.last_tick > REACTOR_STALL_S:
            return  # hung: let the leases go to the others
        self.client.set(self.keys.alive(self.worker), str(os.getpid()), px=self.ttl_ms)

    def end_dead(self) -> int:
        """End the open transactions of workers that hold leases and stopped renewing them."""
        if self.engine is None:
            return 0
        dead = set(dead_holders(self.client, self.keys, self.worker))
        self.ended &= dead  # one seen alive again may freeze again
        ended = 0
        for worker in sorted(dead - self.ended):
            n = end_open_sessions(self.engine, session_name(worker, self.db_url))
            self.ended.add(worker)
            if n:
                logger.warning("worker %s stopped renewing its leases: ended its %d open transactions",
                               worker, n)  # fmt: skip
            ended += n
        return ended

    def run(self) -> None:
        beats = 0
        while not self._halt.is_set():
            try:
                self.beat()
                if beats % 2 == 0:
                    self.end_dead()
            except Exception as exc:  # a Redis or PostgreSQL hiccup: try again next beat
                logger.warning("worker heartbeat: %s", exc)
            beats += 1
            self._halt.wait(BEAT_S)
