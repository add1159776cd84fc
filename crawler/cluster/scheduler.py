"""The worker's scheduler: scrapy-redis's, with fewer Redis round trips per request.

- Enqueuing a request is one script call (the fingerprint added to the dupefilter and, when new,
  the request added to the queue) instead of two; the requests queued in one turn of the reactor
  (a list page's detail requests) are sent together, in one pipeline, at the end of the turn, or
  before: when this worker pops, and before its store's commit ends leases (``send_queued``: a
  request made by a leased callback is in Redis before that lease ends, so a worker killed between
  the two loses nothing).
- A pop that found the queue empty is not asked again for ``EMPTY_BACKOFF`` seconds unless this
  worker queued something since: Scrapy asks for the next request after every response.
- Requests are serialised without Scrapy's search of the spider's members for the callback's
  name (``inspect.getmembers``, once per callback and errback of every request queued).
"""

from __future__ import annotations

import time
from typing import Any, cast

from scrapy import Request
from scrapy_redis.scheduler import Scheduler
from twisted.internet import reactor
from twisted.internet.base import DelayedCall

EMPTY_BACKOFF = 0.05

# KEYS dupefilter, queue; ARGV fingerprint, score, request. 1: queued; 0: seen before.
_PUSH_NEW = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


def method_name(spider: Any, func: Any) -> Any:
    """The spider method's name of a callback, as ``Request.to_dict`` gives it, found directly."""
    if not callable(func):
        return func
    name = getattr(func, "__name__", None)
    own = getattr(spider, name, None) if name else None
    if own is not None and getattr(own, "__func__", None) is getattr(func, "__func__", object()):
        return name
    raise ValueError(f"Function {func} is not an instance method in: {spider}")


def request_dict(request: Request, spider: Any) -> dict[str, Any]:
    """``request.to_dict(spider=spider)``, the callbacks named without a search."""
    d: dict[str, Any] = {
        "url": request.url,
        "callback": method_name(spider, request.callback),
        "errback": method_name(spider, request.errback),
        "headers": dict(request.headers),
    }
    for attr in request.attributes:
        d.setdefault(attr, getattr(request, attr))
    if type(request) is not Request:
        d["_class"] = type(request).__module__ + "." + type(request).__name__
    return d


class WorkerScheduler(Scheduler):
    """scrapy-redis's scheduler with the requests of a reactor turn queued in one round trip, and
    empty pops spared."""

    def open(self, spider: Any) -> None:
        super().open(spider)
        self._push_new = self.server.register_script(_PUSH_NEW)
        self._empty_until = 0.0
        self._queued: list[tuple[Request, bytes | str]] = []  # made here, not yet sent to Redis
        self._sending: DelayedCall | None = None
        attach = getattr(spider, "attach_scheduler", None)
        if attach is not None:
            attach(self)  # the spider sends what is queued before its store's commit ends leases

    def close(self, reason: str) -> None:
        self.send_queued()
        super().close(reason)

    def __len__(self) -> int:
        return len(self._queued) + len(self.queue)

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` (sent at the end of the reactor turn); a duplicate is dropped then, not
        here, so this answers True for every request."""
        self._queued.append((request, self.queue._encode_request(request)))
        if self._sending is None:
            self._sending = cast(Any, reactor).callLater(0, self.send_queued)
        self._empty_until = 0.0
        return True

    def send_queued(self) -> None:
        """Send the requests queued since the last call, in one pipeline; duplicates are dropped."""
        if self._sending is not None:
            if self._sending.active():
                self._sending.cancel()
            self._sending = None
        if not self._queued:
            return
        pipe = self.server.pipeline(transaction=False)
        for request, data in self._queued:
            if request.dont_filter:
                pipe.execute_command("ZADD", self.queue.key, -request.priority, data)
            else:
                fingerprint = self.df.request_fingerprint(request)
                self._push_new(keys=[self.df.key, self.queue.key], args=[fingerprint, -request.priority, data],
                               client=pipe)  # fmt: skip
        answers = pipe.execute()  # a Redis error keeps them queued here (the callback's lease too)
        queued, self._queued = self._queued, []
        for (request, _), answer in zip(queued, answers, strict=True):
            if request.dont_filter or answer:
                if self.stats:
                    self.stats.inc_value("scheduler/enqueued/redis")
            else:
                self.df.log(request, self.spider)

    def next_request(self) -> Request | None:
        if self._queued:
            self.send_queued()
        if time.monotonic() < self._empty_until:
            return None
        request: Request | None = self.queue.pop(self.idle_before_close)
        if request is None:
            self._empty_until = time.monotonic() + EMPTY_BACKOFF
        elif self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
