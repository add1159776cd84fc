"""The Redis key names of a run, and the client.

Redis keys, all under the prefix ``P`` (``--redis-prefix``, default ``zwgk``):

- ``P:run``: the current run id (a new one per enqueue when the last run is over).
- ``P:R:meta`` (hash: mode, revalidate_fraction), ``P:R:profiles`` (hash slug → profile JSON),
  ``P:R:jobs`` (list of slugs not started yet).
- ``P:R:requests`` (scrapy-redis priority queue), ``P:R:dupefilter`` (its fingerprint set):
  scoped by run, so the next night's run is never filtered by tonight's fingerprints.
- ``P:R:cols:SLUG`` (columns begun), ``P:R:seen:SLUG:H`` (a column's item URLs: SADD returns
  which are new, the "page adds no new URL" stop rule), ``P:R:walk:SLUG:H`` (pages and declared
  totals), ``P:R:details:SLUG`` (detail pages requested).
- ``P:R:busy:WORKER``: set while a worker has work in flight, with a short TTL (a killed worker's
  key expires by itself).
- ``P:R:alive:WORKER``: renewed by the worker's heartbeat with a TTL of ``ZWGK_LEASE_TTL``;
  ``P:R:requests:lease:WORKER`` (hash lease id → "score|request") and ``P:R:jobs:lease:WORKER``
  (list, filled by ``LMOVE`` from the jobs): what the worker has taken and not yet stored. A worker
  whose alive key expired (killed, frozen, cut off) has its leases moved back to the queue by any
  live worker (crawler/cluster/leases.py).
- ``P:R:page:H``: what a list page added to its column's walk (H: the request's hash), so that a
  page crawled again after a lease returned adds the same entries again.
- ``P:slot:HOST`` (SET NX PX delay) and ``P:conc:HOST`` (sorted set of in-flight tokens): the
  per-host politeness every worker shares.

Every run key gets a TTL (``ZWGK_RUN_TTL``, two days), refreshed while workers run.
"""

from __future__ import annotations

import hashlib

import redis

DEFAULT_PREFIX = "zwgk"


RUN_TTL = 2 * 24 * 3600


BUSY_TTL_MS = 4000


class Keys:
    """The Redis key names of one run (see the module doc)."""

    def __init__(self, prefix: str, run: str) -> None:
        self.prefix, self.run = prefix, run
        base = f"{prefix}:{run}"
        self.meta, self.profiles, self.jobs = f"{base}:meta", f"{base}:profiles", f"{base}:jobs"
        self.requests, self.dupefilter = f"{base}:requests", f"{base}:dupefilter"
        self.busy_prefix = f"{base}:busy:"
        self.alive_prefix = f"{base}:alive:"
        self.lease_prefix = f"{self.requests}:lease:"
        self.job_lease_prefix = f"{self.jobs}:lease:"

    def columns(self, site: str) -> str:
        return f"{self.prefix}:{self.run}:cols:{site}"

    def seen(self, site: str, column_url: str) -> str:
        return f"{self.prefix}:{self.run}:seen:{site}:{_hash(column_url)}"

    def walk(self, site: str, column_url: str) -> str:
        return f"{self.prefix}:{self.run}:walk:{site}:{_hash(column_url)}"

    def details(self, site: str) -> str:
        return f"{self.prefix}:{self.run}:details:{site}"

    def busy(self, worker: str) -> str:
        return self.busy_prefix + worker

    def alive(self, worker: str) -> str:
        return self.alive_prefix + worker

    def lease(self, worker: str) -> str:
        return self.lease_prefix + worker

    def job_lease(self, worker: str) -> str:
        return self.job_lease_prefix + worker

    def page(self, owner: str) -> str:
        return f"{self.prefix}:{self.run}:page:{_hash(owner)}"


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url``; an unreachable server is a ValueError with a one-line message."""
    client = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ValueError(f"cannot reach Redis at {url}: {exc}") from exc
    return client


def current_run(client: redis.Redis, prefix: str) -> str | None:
    run = client.get(f"{prefix}:run")
    return str(run) if run else None


def drop_keys(client: redis.Redis, prefix: str) -> int:
    """Delete every key under ``prefix`` (tests; a reset). Returns how many."""
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    return int(client.delete(*keys)) if keys else 0
