"""A worker sends the requests queued in a reactor turn to Redis together (crawler/cluster/
scheduler.py), but always before a lease ends: a request made by a leased callback is in the shared
queue by the time that callback's lease is dropped, so a worker killed in between loses nothing.
And a pop leases several requests at once (crawler/cluster/leases.py): those not given out yet are
leased, and keep the worker from being idle.

Needs the local Redis (127.0.0.1:6379, or $ZWGK_TEST_REDIS): fails, not skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.cluster import Keys, connect, drop_keys
from crawler.cluster.leases import POP_AT_ONCE
from crawler.cluster.scheduler import WorkerScheduler
from crawler.cluster.spider import WorkerSpider

REDIS_URL = os.environ.get("ZWGK_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture()
def worker() -> Iterator[tuple[WorkerSpider, WorkerScheduler, Keys]]:
    client = connect(REDIS_URL)
    keys = Keys(f"zwgktest{uuid.uuid4().hex[:10]}", "run")
    spider: Any = object.__new__(WorkerSpider)  # only what the scheduler and the lease drop use
    spider.client, spider.keys, spider.worker_id, spider._scheduler = client, keys, "w1", None
    scheduler = WorkerScheduler(
        redis.Redis.from_url(REDIS_URL),  # bytes, as scrapy-redis's own connection (pickled requests)
        persist=True,
        queue_key=keys.requests,
        queue_cls="crawler.cluster.leases.LeasedPriorityQueue",
        dupefilter=RFPDupeFilter(redis.Redis.from_url(REDIS_URL), keys.dupefilter),
    )
    scheduler.open(spider)
    yield spider, scheduler, keys
    drop_keys(client, keys.prefix)


def test_queued_requests_reach_redis_before_a_lease_ends(worker: Any) -> None:
    spider, scheduler, keys = worker
    client = spider.client
    client.hset(keys.lease("w1"), "parent", "0|parent-bytes")  # the leased request whose callback ran
    assert scheduler.enqueue_request(Request("http://h/a")) and scheduler.enqueue_request(
        Request("http://h/b")
    )
    assert client.zcard(keys.requests) == 0  # held until the end of the reactor turn
    assert scheduler.has_pending_requests()  # ...and the worker is not idle meanwhile
    spider._drop(["parent"])
    assert client.zcard(keys.requests) == 2 and not client.hexists(keys.lease("w1"), "parent")


def test_a_duplicate_is_dropped_when_sent(worker: Any) -> None:
    spider, scheduler, keys = worker
    for _ in range(2):
        scheduler.enqueue_request(Request("http://h/a"))
    scheduler.send_queued()
    assert spider.client.zcard(keys.requests) == 1


def test_a_pop_leases_several_and_gives_them_out_one_by_one(worker: Any) -> None:
    spider, scheduler, keys = worker
    client = spider.client
    spider.leased = lambda request: None
    for n in range(POP_AT_ONCE + 1):
        scheduler.enqueue_request(Request(f"http://h/{n}"))
    first = scheduler.next_request()
    assert first is not None
    assert client.hlen(keys.lease("w1")) == POP_AT_ONCE  # taken together, all leased
    assert client.zcard(keys.requests) == 1
    assert len(scheduler) == POP_AT_ONCE  # the three held here and the one left in Redis
    urls = [first.url] + [request.url for request in iter(scheduler.next_request, None)]
    assert sorted(urls) == [f"http://h/{n}" for n in range(POP_AT_ONCE + 1)]
    assert client.hlen(keys.lease("w1")) == POP_AT_ONCE + 1 and not scheduler.has_pending_requests()
