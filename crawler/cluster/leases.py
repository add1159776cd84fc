"""Requests and site jobs leased, not popped: a worker that dies or freezes loses nothing.

A worker takes a request from the run's scrapy-redis priority queue with one script call that
removes it and records it in the worker's lease hash (``P:R:requests:lease:WORKER``); it takes a
site job with ``LMOVE`` into its job-lease list. Both stay there until the work is stored: a
request's lease is dropped once its callback has run and the store has committed what it gave,
a job's once the site's first requests are queued. The worker's heartbeat renews its alive key
(``P:R:alive:WORKER``, TTL ``ZWGK_LEASE_TTL``); a worker that stopped renewing it (SIGKILL,
SIGSTOP, a partition) has its leases moved back to the queue by whichever live worker looks first
(:func:`reclaim`, one script call per dead worker: exactly one worker gets them back). A request
done twice that way is harmless: the archive's writes are idempotent upserts and the walk state
answers a list page crawled again as it did the first time (crawler/cluster/walkstate.py).
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from typing import Any

import redis
from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from crawler.cluster.keys import Keys
from crawler.cluster.scheduler import request_dict

logger = logging.getLogger(__name__)

# The meta key naming a popped request's lease, and its stable identity (the hash of its bytes).
LEASE_META = "zwgk_lease"
OWNER_META = "zwgk_owner"

# Requests a pop takes at once (leased together; the rest wait in the worker, leased, for the
# next pops): Scrapy asks for one request at a time, up to its free download slots.
POP_AT_ONCE = 4

# Take the first requests and lease them: KEYS requests, lease hash; ARGV lease ids (as many as
# requests wanted). Returns the requests taken, in order (at most one per lease id).
_POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, #ARGV - 1, 'WITHSCORES')
local out = {}
for i = 1, #first, 2 do
  redis.call('ZREM', KEYS[1], first[i])
  redis.call('HSET', KEYS[2], ARGV[(i + 1) / 2], first[i + 1] .. '|' .. first[i])
  table.insert(out, first[i])
end
return out
"""

# Give a dead worker's leases back: KEYS alive key, request lease hash, requests, job lease list,
# jobs. Nothing when the worker is alive after all.
_RECLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local n = 0
local held = redis.call('HVALS', KEYS[2])
for _, value in ipairs(held) do
  local bar = string.find(value, '|', 1, true)
  redis.call('ZADD', KEYS[3], tonumber(string.sub(value, 1, bar - 1)), string.sub(value, bar + 1))
  n = n + 1
end
redis.call('DEL', KEYS[2])
while redis.call('LMOVE', KEYS[4], KEYS[5], 'RIGHT', 'LEFT') do n = n + 1 end
return n
"""


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose ``pop`` leases the request to this worker.

    A pop takes up to ``POP_AT_ONCE`` requests in one script call; those not given to Scrapy yet
    wait here, leased (a worker killed meanwhile has them reclaimed like any lease), and count in
    the queue's length (the worker is not idle while it holds them).

    The spider (:class:`crawler.cluster.spider.WorkerSpider`) gives the keys and its worker id and
    wraps the request's callbacks so that the lease ends once the request's records are stored.
    """

    def __init__(self, server: redis.Redis, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.lease_key = spider.keys.lease(spider.worker_id)
        self._pop = server.register_script(_POP)
        self._taken: deque[tuple[str, str]] = deque()  # (lease id, request bytes) leased, not given yet

    def _encode_request(self, request: Request) -> Any:
        return self.serializer.dumps(request_dict(request, self.spider))

    def __len__(self) -> int:
        return len(self._taken) + int(self.server.zcard(self.key))

    def pop(self, timeout: int = 0) -> Request | None:
        if not self._taken:
            leases = [uuid.uuid4().hex for _ in range(POP_AT_ONCE)]
            taken = self._pop(keys=[self.key, self.lease_key], args=leases)
            self._taken.extend(zip(leases, taken, strict=False))
        if not self._taken:
            return None
        lease, data = self._taken.popleft()
        request: Request = self._decode_request(data)
        request.meta[LEASE_META] = lease
        request.meta[OWNER_META] = uuid.uuid5(uuid.NAMESPACE_URL, repr(data)).hex
        self.spider.leased(request)
        return request


def drop(client: redis.Redis, keys: Keys, worker: str, leases: list[str]) -> None:
    """The requests ``leases`` are done: their records are stored."""
    if leases:
        client.hdel(keys.lease(worker), *leases)


def reclaim(client: redis.Redis, keys: Keys, me: str) -> int:
    """Move every dead worker's leases back to the queue; how many requests and jobs came back."""
    script = client.register_script(_RECLAIM)
    workers = {
        str(key)[len(prefix) :]
        for prefix in (keys.lease_prefix, keys.job_lease_prefix)
        for key in client.scan_iter(match=prefix + "*", count=200)
    }
    back = 0
    for worker in sorted(workers - {me}):
        moved = int(
            script(
                keys=[
                    keys.alive(worker),
                    keys.lease(worker),
                    keys.requests,
                    keys.job_lease(worker),
                    keys.jobs,
                ]
            )
        )
        if moved > 0:
            logger.warning("worker %s stopped renewing its leases: %d requests and jobs back in the queue",
                           worker, moved)  # fmt: skip
            back += moved
    return back


def leases_held(client: redis.Redis, keys: Keys, other_than: str | None = None) -> bool:
    """Whether any worker (but ``other_than``) holds a lease: its work is not stored yet."""
    for prefix in (keys.lease_prefix, keys.job_lease_prefix):
        for key in client.scan_iter(match=prefix + "*", count=200):
            if str(key)[len(prefix) :] != other_than:
                return True
    return False
