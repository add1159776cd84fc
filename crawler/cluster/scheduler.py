"""The worker's scheduler: scrapy-redis's, with fewer Redis round trips per request.

- Enqueuing a request is one script call (the fingerprint added to the dupefilter and, when new,
  the request added to the queue) instead of two.
- A pop that found the queue empty is not asked again for ``EMPTY_BACKOFF`` seconds unless this
  worker queued something since: Scrapy asks for the next request after every response.
- Requests are serialised without Scrapy's search of the spider's members for the callback's
  name (``inspect.getmembers``, once per callback and errback of every request queued).
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request
from scrapy_redis.scheduler import Scheduler

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
    """scrapy-redis's scheduler with one round trip per request queued, and empty pops spared."""

    def open(self, spider: Any) -> None:
        super().open(spider)
        self._push_new = self.server.register_script(_PUSH_NEW)
        self._empty_until = 0.0

    def enqueue_request(self, request: Request) -> bool:
        data = self.queue._encode_request(request)
        if request.dont_filter:
            self.server.execute_command("ZADD", self.queue.key, -request.priority, data)
        else:
            fingerprint = self.df.request_fingerprint(request)
            if not self._push_new(
                keys=[self.df.key, self.queue.key], args=[fingerprint, -request.priority, data]
            ):
                self.df.log(request, self.spider)
                return False
        self._empty_until = 0.0
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if time.monotonic() < self._empty_until:
            return None
        request: Request | None = self.queue.pop(self.idle_before_close)
        if request is None:
            self._empty_until = time.monotonic() + EMPTY_BACKOFF
        elif self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
