"""The worker's spider: the portal spider serving every site of a run, sites started when idle."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from crawler.cluster.keys import BUSY_TTL_MS, RUN_TTL, Keys
from crawler.cluster.runs import profile_from_json
from crawler.cluster.shared_walkstate import RedisWalkState
from crawler.profile import SiteProfile
from crawler.spiders.portal import PortalSpider

logger = logging.getLogger(__name__)

# The stat listing the sites this worker started (the run's jobs it popped), in order.
SITES_STARTED = "zwgk/sites_started"


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
            # the first record of the site in this worker: the store begins its crawl run
            self._emit(self.crawl_target(slug))
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
        logger.info("worker %s starts site %s", self.worker_id, slug)
        assert self.crawler.engine is not None and self.crawler.stats is not None
        started = self.crawler.stats.get_value(SITES_STARTED) or []
        self.crawler.stats.set_value(SITES_STARTED, [*started, slug])
        self.known_items.load(slug)
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
