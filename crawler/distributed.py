"""Crawling past one machine: a shared Redis queue and dupefilter (scrapy-redis), many workers.

``enqueue`` (``zwgk crawl TARGET... --redis URL``) chooses a run id, stores each site's profile
and pushes one job per site; ``run_worker`` (``zwgk worker``) crawls whatever the run holds and
exits once nothing has been queued or in flight anywhere for ``ZWGK_WORKER_IDLE`` seconds.

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
- ``P:slot:HOST`` (SET NX PX delay) and ``P:conc:HOST`` (sorted set of in-flight tokens): the
  per-host politeness every worker shares.

Every run key gets a TTL (``ZWGK_RUN_TTL``, two days), refreshed while workers run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response
from twisted.internet import reactor, task

from crawler.middlewares import URL_LENGTH_LIMIT, OutOfScope, profile_hosts, scope_refusal
from crawler.profile import ColumnSpec, SiteProfile, load_profile
from crawler.spiders.portal import PortalSpider, url_profile

logger = logging.getLogger(__name__)

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


# -- walk state in Redis ---------------------------------------------------------------------


class RedisWalkState:
    """:class:`crawler.walkstate.WalkState` shared by all workers of a run."""

    def __init__(self, client: redis.Redis, keys: Keys, ttl: int = RUN_TTL) -> None:
        self.r, self.keys, self.ttl = client, keys, ttl

    def begin_column(self, site: str, column_url: str) -> bool:
        key = self.keys.columns(site)
        pipe = self.r.pipeline()
        pipe.sadd(key, column_url)
        pipe.expire(key, self.ttl)
        return bool(pipe.execute()[0])

    def add_seen(self, site: str, column_url: str, urls: Sequence[str]) -> list[tuple[int, int]]:
        key = self.keys.seen(site, column_url)
        pipe = self.r.pipeline()  # MULTI: no other worker's SADD between the count and ours
        pipe.scard(key)
        for url in urls:
            pipe.sadd(key, url)
        pipe.expire(key, self.ttl)
        results = pipe.execute()
        position = int(results[0])
        out = []
        for index, added in enumerate(results[1 : 1 + len(urls)]):
            if added:
                position += 1
                out.append((index, position))
        return out

    def seen(self, site: str, column_url: str) -> set[str]:
        return set(self.r.smembers(self.keys.seen(site, column_url)))  # type: ignore[arg-type]

    def count_page(
        self, site: str, column_url: str, declared_total: int | None, declared_pages: int | None
    ) -> None:
        key = self.keys.walk(site, column_url)
        pipe = self.r.pipeline()
        pipe.hincrby(key, "pages", 1)
        if declared_total is not None:
            pipe.hset(key, "total", declared_total)
        if declared_pages is not None:
            pipe.hset(key, "declared_pages", declared_pages)
        pipe.expire(key, self.ttl)
        pipe.execute()

    def totals(self, site: str, column_url: str) -> tuple[int, int, int | None, int | None]:
        pipe = self.r.pipeline()
        pipe.hgetall(self.keys.walk(site, column_url))
        pipe.scard(self.keys.seen(site, column_url))
        walk, found = pipe.execute()
        total, pages = walk.get("total"), walk.get("declared_pages")
        return (
            int(walk.get("pages", 0)),
            int(found),
            int(total) if total is not None else None,
            int(pages) if pages is not None else None,
        )

    def claim_detail(self, site: str, url: str) -> bool:
        key = self.keys.details(site)
        pipe = self.r.pipeline()
        pipe.sadd(key, url)
        pipe.expire(key, self.ttl)
        return bool(pipe.execute()[0])


# -- enqueue ---------------------------------------------------------------------------------


def _profile_json(profile: SiteProfile, home_url: str | None) -> str:
    return json.dumps({"profile": asdict(profile), "home_url": home_url}, ensure_ascii=False)


def profile_from_json(text: str) -> tuple[SiteProfile, str | None]:
    data = json.loads(text)
    raw = data["profile"]
    columns = [ColumnSpec(**column) for column in raw.pop("columns")]
    return SiteProfile(columns=columns, **raw), data.get("home_url")


def run_is_active(client: redis.Redis, keys: Keys) -> bool:
    """Whether run work remains: jobs or requests queued, or a worker busy."""
    if client.llen(keys.jobs) or client.zcard(keys.requests):
        return True
    return any(True for _ in client.scan_iter(match=keys.busy_prefix + "*", count=100))


def enqueue(
    client: redis.Redis,
    targets: Sequence[str],
    *,
    prefix: str = DEFAULT_PREFIX,
    mode: str = "full",
    revalidate_fraction: float = 1.0,
    site: str | None = None,
    ttl: int = RUN_TTL,
) -> tuple[str, list[str]]:
    """Queue a crawl of ``targets`` (profile files or URLs); returns (run id, slugs).

    A run still in progress is joined; otherwise a new run id is chosen, so its dupefilter and walk
    state start empty (yesterday's fingerprints never filter tonight's crawl).
    """
    sites: list[tuple[SiteProfile, str | None]] = []
    for target in targets:
        if target.startswith(("http://", "https://")):
            sites.append((url_profile(target, site if len(targets) == 1 else None), target))
        else:
            sites.append((load_profile(target), None))
    current = client.get(f"{prefix}:run")
    if current and run_is_active(client, Keys(prefix, str(current))):
        run = str(current)
        meta: dict[str, str] = client.hgetall(Keys(prefix, run).meta)  # type: ignore[assignment]
        if meta.get("mode") != mode:
            raise ValueError(f"run {run} ({meta.get('mode')}) is still in progress; wait for it to end")
    else:
        run = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    keys = Keys(prefix, run)
    pipe = client.pipeline()
    pipe.set(f"{prefix}:run", run, ex=ttl)
    pipe.hset(keys.meta, mapping={"mode": mode, "revalidate_fraction": str(revalidate_fraction)})
    for profile, home in sites:
        pipe.hset(keys.profiles, profile.slug, _profile_json(profile, home))
        pipe.rpush(keys.jobs, profile.slug)
    for key in (keys.meta, keys.profiles, keys.jobs):
        pipe.expire(key, ttl)
    pipe.execute()
    return run, [profile.slug for profile, _ in sites]


# -- the worker's spider ---------------------------------------------------------------------


class WorkerSpider(PortalSpider):
    """The portal spider serving every site of a distributed run: profiles from Redis, walk state
    in Redis, site starts popped from the run's job list when the worker has nothing to do."""

    name = "portal_worker"

    def __init__(self, *, client: redis.Redis, keys: Keys, mode: str, revalidate_fraction: float,
                 idle_exit: float, worker_id: str, **kwargs: Any) -> None:  # fmt: skip
        super().__init__(
            mode=mode,
            revalidate_fraction=revalidate_fraction,
            walk=RedisWalkState(client, keys),
            distributed=True,
            **kwargs,
        )
        self.client, self.keys = client, keys
        self.idle_exit = idle_exit
        self.worker_id = worker_id
        self.idle_since: float | None = None
        self.sites_started: list[str] = []
        self._heartbeat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WorkerSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider  # type: ignore[return-value]

    def site_profile(self, slug: str | None) -> SiteProfile:
        if slug is None:
            raise KeyError("a request of a distributed crawl without meta['site']")
        if slug not in self.profiles:
            text = self.client.hget(self.keys.profiles, slug)
            if text is None:
                raise KeyError(f"no profile of site {slug} in run {self.keys.run}")
            profile, home = profile_from_json(str(text))
            self.profiles[slug] = profile
            if home:
                self.home_urls[slug] = home
        return self.profiles[slug]

    async def start(self) -> Any:  # type: ignore[override]
        return
        yield  # an async generator that yields nothing: sites start from on_idle

    def on_opened(self, spider: Any) -> None:
        self._heartbeat = task.LoopingCall(self.beat)
        self._heartbeat.start(0.5, now=True)

    def on_closed(self, spider: Any) -> None:
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        self.client.delete(self.keys.busy(self.worker_id))

    def beat(self) -> None:
        """Say in Redis whether this worker has work in flight; keep the run's keys alive."""
        engine = self.crawler.engine
        busy = engine is not None and not engine.spider_is_idle()
        try:
            pipe = self.client.pipeline()
            if busy:
                pipe.set(self.keys.busy(self.worker_id), str(os.getpid()), px=BUSY_TTL_MS)
            else:
                pipe.delete(self.keys.busy(self.worker_id))
            for key in (self.keys.requests, self.keys.dupefilter, self.keys.profiles, self.keys.meta):
                pipe.expire(key, RUN_TTL)
            pipe.execute()
        except redis.RedisError as exc:
            logger.warning("worker heartbeat: %s", exc)

    def on_idle(self, spider: Any) -> None:
        """Start the next queued site; else close once the whole run has been idle long enough."""
        slug = self.client.lpop(self.keys.jobs)
        if slug is not None:
            self.idle_since = None
            self._start_site(str(slug))
            raise DontCloseSpider
        others_busy = any(
            key != self.keys.busy(self.worker_id)
            for key in self.client.scan_iter(match=self.keys.busy_prefix + "*", count=100)
        )
        if others_busy or self.client.zcard(self.keys.requests):
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_exit:
            raise DontCloseSpider
        logger.info("worker %s: the run has been idle %.1f s; exiting", self.worker_id, self.idle_exit)

    def _start_site(self, slug: str) -> None:
        self.sites_started.append(slug)
        logger.info("worker %s starts site %s", self.worker_id, slug)
        assert self.crawler.engine is not None
        records = list(self.site_start(slug))
        items = [record for record in records if not isinstance(record, Request)]
        # Records without a request: run them through the pipelines now, in order.
        for record in items:
            self._emit(record)
        for request in (record for record in records if isinstance(record, Request)):
            self.crawler.engine.crawl(request)

    def _emit(self, record: Any) -> None:
        assert self.crawler.engine is not None
        scraper: Any = self.crawler.engine.scraper
        for pipe in scraper.itemproc.middlewares:
            process = getattr(pipe, "process_item", None)
            if process is not None:
                record = process(record)
        self.crawler.signals.send_catch_log(signals.item_scraped, item=record, response=None, spider=self)


# -- middlewares -----------------------------------------------------------------------------


class SiteScopeMiddleware:
    """``crawler.middlewares.ScopeMiddleware`` for a spider of many sites: the request's site decides."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider: Any = self.crawler.spider
        slug = request.meta.get("site")
        if slug is None:
            return
        allowed, own = profile_hosts(spider.site_profile(slug))
        limit = self.crawler.settings.getint("URLLENGTH_LIMIT", URL_LENGTH_LIMIT)
        reason = scope_refusal(request.url, allowed, own, limit)
        if reason is not None:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("zwgk/out_of_scope")
            raise OutOfScope(f"out of scope: {reason}: {request.url}")


# Take a host's concurrency token if fewer than ARGV[2] are live; tokens expire (a dead worker's too).
_ACQUIRE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
if redis.call('SET', KEYS[2], ARGV[4], 'NX', 'PX', ARGV[5]) == false then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""


class ClusterPolitenessMiddleware:
    """Per-host delay and concurrency held by all workers together, through Redis.

    A request may start when it takes the host's delay slot (``SET P:slot:HOST NX PX delay``) and
    one of its concurrency tokens (a sorted set of tokens expiring after the download timeout);
    otherwise it waits (a Twisted timer, never blocking the reactor) and tries again. The token is
    given back when the response or failure arrives. Loopback hosts get ``ZWGK_LOOPBACK_DELAY``.
    """

    def __init__(self, crawler: Crawler, client: redis.Redis, prefix: str) -> None:
        self.crawler = crawler
        self.client = client
        self.prefix = prefix
        settings = crawler.settings
        self.delay = settings.getfloat("ZWGK_HOST_DELAY", 0.5)
        self.loopback_delay = settings.getfloat("ZWGK_LOOPBACK_DELAY", 0.0)
        self.concurrency = settings.getint("ZWGK_HOST_CONCURRENCY", 2)
        self.loopback_concurrency = settings.getint("ZWGK_LOOPBACK_CONCURRENCY", 32)
        self.timeout_ms = int(settings.getfloat("DOWNLOAD_TIMEOUT", 30) * 1000) + 5000
        self.acquire = client.register_script(_ACQUIRE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterPolitenessMiddleware:
        url = crawler.settings.get("ZWGK_REDIS_URL")
        if not url:
            raise NotConfigured
        prefix = crawler.settings.get("ZWGK_REDIS_PREFIX") or DEFAULT_PREFIX
        return cls(crawler, connect(url), prefix)

    def _limits(self, request: Request, host: str) -> tuple[float, int]:
        from crawler.runner import is_loopback

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
        waited = 0.0
        while True:
            now_ms = int(time.time() * 1000)
            if delay <= 0:
                # No delay: only the concurrency cap, through a slot that is always free.
                got = self.acquire(
                    keys=[conc, f"{slot}:{token}"], args=[now_ms, concurrency, self.timeout_ms, token, 1]
                )
            else:
                got = self.acquire(
                    keys=[conc, slot], args=[now_ms, concurrency, self.timeout_ms, token, int(delay * 1000)]
                )
            if got == 1:
                break
            pause = min(delay, 0.05) if delay > 0 else 0.02
            if got == -1:
                left = self.client.pttl(slot)
                pause = max(0.005, (left if left and left > 0 else 5) / 1000)
            waited += pause
            await task.deferLater(reactor, pause, lambda: None)  # type: ignore[arg-type]
        request.meta["zwgk_conc"] = (conc, token)
        if waited and self.crawler.stats is not None:
            self.crawler.stats.inc_value("zwgk/politeness_wait_ms", int(waited * 1000))

    def _release(self, request: Request) -> None:
        held = request.meta.pop("zwgk_conc", None)
        if held is not None:
            self.client.zrem(held[0], held[1])

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)


# -- running a worker ------------------------------------------------------------------------


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def worker_settings_overrides(redis_url: str, keys: Keys) -> dict[str, Any]:
    """The Scrapy settings that make a crawl a worker of the run ``keys``."""
    return {
        "ZWGK_DISTRIBUTED": True,
        "ZWGK_REDIS_URL": redis_url,
        "ZWGK_REDIS_PREFIX": keys.prefix,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "SCHEDULER_PERSIST": True,  # never flush the shared queue when one worker stops
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "REDIS_URL": redis_url,
        # Politeness is the cluster's (ClusterPolitenessMiddleware), not each process's.
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.ScopeMiddleware": None,
            "crawler.distributed.SiteScopeMiddleware": 50,
            "crawler.middlewares.ListPageCapMiddleware": 60,
            "crawler.distributed.ClusterPolitenessMiddleware": 150,  # after robots.txt: its fetch waits too
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            "crawler.middlewares.FollowRedirectMiddleware": 600,
        },
        # Each site is a run of its own in the database; the worker's start has no profile.
        "ZWGK_STORE_BATCH": 100,
    }


def current_run(client: redis.Redis, prefix: str) -> str | None:
    run = client.get(f"{prefix}:run")
    return str(run) if run else None


def run_worker(
    redis_url: str,
    db_url: str,
    *,
    prefix: str = DEFAULT_PREFIX,
    warc_dir: str | None = None,
    idle_exit: float = 10.0,
    wait_for_run: float = 0.0,
    log_level: str = "WARNING",
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Work on the current run until it has been idle ``idle_exit`` seconds; returns a summary."""
    from scrapy.core.engine import ExecutionEngine
    from scrapy.crawler import CrawlerProcess

    from crawler.runner import crawl_settings

    client = connect(redis_url)
    deadline = time.monotonic() + wait_for_run
    run = current_run(client, prefix)
    while run is None and time.monotonic() < deadline:
        time.sleep(0.2)
        run = current_run(client, prefix)
    if run is None:
        return {"run": None, "sites": [], "pages": 0, "note": "nothing queued"}
    keys = Keys(prefix, run)
    meta = client.hgetall(keys.meta)
    settings = crawl_settings(
        [], db_url, None, log_level, {**worker_settings_overrides(redis_url, keys), **(overrides or {})}
    )
    if warc_dir is not None:
        settings.set("ZWGK_WARC_DIR", warc_dir, priority="cmdline")
    # Requests other workers queue are picked up within half a second, not Scrapy's 5 s heartbeat.
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = 0.5  # type: ignore[attr-defined]
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WorkerSpider)
    wid = worker_id()
    process.crawl(
        crawler,
        client=client,
        keys=keys,
        mode=meta.get("mode", "full"),  # type: ignore[union-attr]
        revalidate_fraction=float(meta.get("revalidate_fraction", 1.0)),  # type: ignore[union-attr]
        idle_exit=idle_exit,
        worker_id=wid,
    )
    started = time.monotonic()
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider: Any = crawler.spider
    elapsed = time.monotonic() - started
    return {
        "run": run,
        "worker": wid,
        "sites": list(getattr(spider, "sites_started", [])),
        "pages": stats.get("response_received_count", 0),
        "details_ok": stats.get("zwgk/details_ok", 0),
        "list_pages": stats.get("zwgk/list_pages", 0),
        "seconds": round(elapsed, 2),
        "errors": stats.get("log_count/ERROR", 0),
        "finish_reason": stats.get("finish_reason"),
        "failed_sites": dict(getattr(spider, "fatal_by_site", {})),
    }


def drop_keys(client: redis.Redis, prefix: str) -> int:
    """Delete every key under ``prefix`` (tests; a reset). Returns how many."""
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    return int(client.delete(*keys)) if keys else 0


__all__ = [
    "ClusterPolitenessMiddleware",
    "Keys",
    "RedisWalkState",
    "SiteScopeMiddleware",
    "WorkerSpider",
    "enqueue",
    "run_worker",
]
