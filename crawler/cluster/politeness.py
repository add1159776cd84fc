"""Per-host delay and concurrency held by all workers of a cluster together, through Redis."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any, cast
from urllib.parse import urlsplit

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.internet import defer, reactor, task

from crawler import settings as defaults
from crawler.cluster.keys import DEFAULT_PREFIX, connect
from crawler.runner import is_loopback

logger = logging.getLogger(__name__)

# Seconds a token given back may wait for its host's next acquire before it is sent on its own.
RELEASE_EVERY = 0.1
# Seconds a request waits for another worker to give one of its host's tokens back before asking again.
TOKEN_POLL = 0.05


# Take a host's concurrency token if fewer than ARGV[2] are live, and its delay slot (ARGV[5] ms; 0:
# no delay, no slot key); tokens expire (a dead worker's too). ARGV[6...]: tokens of this host given
# back since the last call (released here, in the same call). Returns 1: taken; 0: every token is
# taken (none known to end soon); -N: the slot is taken for N more ms.
_ACQUIRE = """
local now = tonumber(ARGV[1])
if #ARGV > 5 then redis.call('ZREM', KEYS[1], unpack(ARGV, 6)) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
if ARGV[5] ~= '0' and redis.call('SET', KEYS[2], ARGV[4], 'NX', 'PX', ARGV[5]) == false then
  return -math.max(1, redis.call('PTTL', KEYS[2]))
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""


class ClusterPolitenessMiddleware:
    """Per-host delay and concurrency held by all workers together, through Redis.

    A request may start when it takes the host's delay slot (``SET P:slot:HOST NX PX delay``) and
    one of its concurrency tokens (a sorted set of tokens expiring after the download timeout), in
    one script call; otherwise it waits (a Twisted timer, never blocking the reactor) and tries
    again: until the slot's end, which the script answers, when the slot was taken; when every
    token was taken, until a token of this worker for the host comes back or ``TOKEN_POLL`` seconds
    (a token another worker gives back is not announced). The token is given back when the
    response or failure arrives: with the host's next acquire (the same script call, so one call per
    request) or within ``RELEASE_EVERY`` seconds, whichever comes first. Loopback hosts get
    ``ZWGK_LOOPBACK_DELAY``.
    """

    def __init__(self, crawler: Crawler, client: redis.Redis, prefix: str) -> None:
        self.crawler = crawler
        self.client = client
        self.prefix = prefix
        settings = crawler.settings
        self.delay = settings.getfloat("ZWGK_HOST_DELAY", defaults.ZWGK_HOST_DELAY)
        self.loopback_delay = settings.getfloat("ZWGK_LOOPBACK_DELAY", defaults.ZWGK_LOOPBACK_DELAY)
        self.concurrency = settings.getint("ZWGK_HOST_CONCURRENCY", defaults.ZWGK_HOST_CONCURRENCY)
        self.loopback_concurrency = settings.getint(
            "ZWGK_LOOPBACK_CONCURRENCY", defaults.ZWGK_LOOPBACK_CONCURRENCY
        )
        self.timeout_ms = int(settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000) + 5000
        self.acquire = client.register_script(_ACQUIRE)
        self.released: dict[str, list[str]] = {}  # concurrency key → tokens given back, not yet sent
        self.waiting: dict[str, list[defer.Deferred[None]]] = {}  # concurrency key → requests waiting
        self._flusher = task.LoopingCall(self.flush)
        self._flusher.start(RELEASE_EVERY, now=False)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterPolitenessMiddleware:
        url = crawler.settings.get("ZWGK_REDIS_URL")
        if not url:
            raise NotConfigured
        prefix = crawler.settings.get("ZWGK_REDIS_PREFIX") or DEFAULT_PREFIX
        middleware = cls(crawler, connect(url), prefix)
        crawler.signals.connect(middleware.closed, signal=signals.spider_closed)
        return middleware

    def flush(self) -> None:
        """Send the tokens given back since the last acquire of their host."""
        released, self.released = self.released, {}
        if not released:
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            for conc, tokens in released.items():
                pipe.zrem(conc, *tokens)
            pipe.execute()
        except redis.RedisError as exc:  # the tokens expire by themselves
            logger.warning("politeness: cannot give tokens back: %s", exc)

    def closed(self, spider: Any) -> None:
        if self._flusher.running:
            self._flusher.stop()
        self.flush()

    def _limits(self, request: Request, host: str) -> tuple[float, int]:
        if is_loopback(host):
            return self.loopback_delay, self.loopback_concurrency
        spider: Any = self.crawler.spider
        politeness: dict[str, Any] = {}
        slug = request.meta.get("site")
        if slug is not None:
            politeness = spider.site_profile(slug).politeness or {}
        delay = float(politeness.get("download_delay", self.delay))
        return delay, int(politeness.get("concurrent_per_host", self.concurrency))

    async def process_request(self, request: Request) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        delay, concurrency = self._limits(request, host)
        token = uuid.uuid4().hex
        slot, conc = f"{self.prefix}:slot:{host}", f"{self.prefix}:conc:{host}"
        if delay <= 0:
            slot = f"{slot}:none"  # never written (no delay: only the concurrency cap)
        waited = 0.0
        while True:
            now_ms = int(time.time() * 1000)
            given_back = self.released.pop(conc, [])
            got = int(
                self.acquire(
                    keys=[conc, slot],
                    args=[
                        now_ms,
                        concurrency,
                        self.timeout_ms,
                        token,
                        max(0, int(delay * 1000)),
                        *given_back,
                    ],
                )
            )
            if got == 1:
                break
            started = time.monotonic()
            if got < 0:  # the slot is taken: it ends in -got ms
                await task.deferLater(reactor, -got / 1000, lambda: None)  # type: ignore[arg-type]
            else:
                await self._token_back(conc)
            waited += time.monotonic() - started
        request.meta["zwgk_conc"] = (conc, token)
        if waited and self.crawler.stats is not None:
            self.crawler.stats.inc_value("zwgk/politeness_wait_ms", int(waited * 1000))

    def _token_back(self, conc: str) -> defer.Deferred[None]:
        """Fires when this worker gives a token of ``conc`` back, or after ``TOKEN_POLL`` seconds."""
        waiter: defer.Deferred[None] = defer.Deferred()
        self.waiting.setdefault(conc, []).append(waiter)
        timer = cast(Any, reactor).callLater(TOKEN_POLL, _fire, waiter)
        waiter.addBoth(_cancel_timer, timer)
        waiter.addBoth(self._forget_waiter, conc, waiter)  # fired by either: no longer waiting
        return waiter

    def _forget_waiter(self, result: Any, conc: str, waiter: defer.Deferred[None]) -> Any:
        waiters = self.waiting.get(conc)
        if waiters is not None and waiter in waiters:
            waiters.remove(waiter)
            if not waiters:
                del self.waiting[conc]
        return result

    def _release(self, request: Request) -> None:
        held = request.meta.pop("zwgk_conc", None)
        if held is not None:
            self.released.setdefault(held[0], []).append(held[1])
            waiters = self.waiting.get(held[0])
            while waiters:
                waiter = waiters.pop(0)
                if not waiter.called:
                    # it asks again now, giving the token back in the same call
                    cast(Any, reactor).callLater(0, _fire, waiter)
                    break
            if not waiters:
                self.waiting.pop(held[0], None)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)


def _fire(waiter: defer.Deferred[None]) -> None:
    if not waiter.called:
        waiter.callback(None)


def _cancel_timer(result: Any, timer: Any) -> Any:
    if timer.active():
        timer.cancel()
    return result
