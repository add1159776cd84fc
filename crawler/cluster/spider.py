"""The worker's spider: the portal spider serving every site of a run, sites started when idle."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.internet import task
from twisted.python.failure import Failure

from crawler import settings as defaults
from crawler.cluster.heartbeat import Heartbeat
from crawler.cluster.keys import BUSY_TTL_MS, RUN_TTL, Keys
from crawler.cluster.leases import LEASE_META, OWNER_META, drop, leases_held, reclaim
from crawler.cluster.runs import profile_from_json
from crawler.cluster.shared_walkstate import RedisWalkState
from crawler.profile import SiteProfile
from crawler.spiders.portal import PortalSpider

logger = logging.getLogger(__name__)

# The stat listing the sites this worker started (the run's jobs it popped), in order.
SITES_STARTED = "zwgk/sites_started"


class WorkerSpider(PortalSpider):
    """The portal spider serving every site of a distributed run: profiles from Redis, walk state
    in Redis, site starts taken from the run's job list when the worker has nothing to do.

    Requests and jobs are leased (crawler/cluster/leases.py): each callback runs with the walk
    state's ``owner`` set to its request's identity, and its lease is dropped once the store has
    committed what it gave.
    """

    name = "portal_worker"

    def __init__(self, *, client: redis.Redis, keys: Keys, mode: str, revalidate_fraction: float,
                 idle_exit: float, worker_id: str, db_url: str = "", **kwargs: Any) -> None:  # fmt: skip
        walk = RedisWalkState(client, keys)
        super().__init__(
            mode=mode,
            revalidate_fraction=revalidate_fraction,
            walk=walk,
            distributed=True,
            **kwargs,
        )
        self.client, self.keys = client, keys
        self.shared_walk = walk
        self.idle_exit = idle_exit
        self.worker_id = worker_id
        self.idle_since: float | None = None
        self._heartbeat: task.LoopingCall | None = None
        self._pulse: Heartbeat | None = None  # the thread renewing the leases (heartbeat.py)
        self.db_url = db_url
        self.lease_ttl = defaults.ZWGK_LEASE_TTL
        self._finished: list[str] = []  # leases whose callbacks are done, dropped at the next commit
        self._store: Any = None
        self._scheduler: Any = None  # crawler/cluster/scheduler.py: sends its queued requests on demand

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WorkerSpider:
        spider: Any = super().from_crawler(crawler, *args, **kwargs)
        spider.lease_ttl = crawler.settings.getfloat("ZWGK_LEASE_TTL", defaults.ZWGK_LEASE_TTL)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider  # type: ignore[no-any-return]

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

    # -- leases ----------------------------------------------------------------------------------

    def leased(self, request: Request) -> None:
        """Called by the queue for each request it leased to this worker: a request made from a
        leased one (a redirect, a retry) carries the leases before it, ended with it."""
        held = request.meta.get("zwgk_leases") or []
        request.meta["zwgk_leases"] = [*held, request.meta[LEASE_META]]

    def _leased(self, meta: Any, records: Iterable[Any] | None) -> Iterator[Any]:
        """The callback's records, with the walk owner set while each is made; its leases are
        done once the last has gone through the pipelines (synchronous: stored at the next commit)."""
        owner = meta.get(OWNER_META)
        try:
            if records is not None:
                steps = iter(records)
                while True:
                    self.shared_walk.owner = owner
                    try:
                        record = next(steps)
                    except StopIteration:
                        return
                    finally:
                        self.shared_walk.owner = None
                    yield record
        finally:
            self._finished.extend(meta.get("zwgk_leases") or [])

    def _run(self, meta: Any, callback: Callable[..., Any], arg: Any) -> Iterator[Any]:
        self.shared_walk.owner = meta.get(OWNER_META)
        try:
            records = callback(arg)
        finally:
            self.shared_walk.owner = None
        return self._leased(meta, records)

    def parse_home(self, response: Response) -> Iterator[Any]:
        return self._run(response.meta, super().parse_home, response)

    def parse_discovered(self, response: Response) -> Iterator[Any]:
        return self._run(response.meta, super().parse_discovered, response)

    def parse_list(self, response: Response) -> Iterator[Any]:
        return self._run(response.meta, super().parse_list, response)

    async def parse_detail(self, response: Response) -> Iterator[Any]:  # type: ignore[override]
        return self._leased(response.meta, await super().parse_detail(response))

    async def parse_attachment(self, response: Response) -> Iterator[Any]:  # type: ignore[override]
        return self._leased(response.meta, await super().parse_attachment(response))

    def attachment_failed(self, failure: Failure) -> Iterator[Any]:
        return self._run(_meta(failure), super().attachment_failed, failure)

    def parse_delisted(self, response: Response) -> Iterator[Any]:
        return self._run(response.meta, super().parse_delisted, response)

    def home_failed(self, failure: Failure) -> Iterator[Any]:
        return self._run(_meta(failure), super().home_failed, failure)

    def list_failed(self, failure: Failure) -> Iterator[Any]:
        return self._run(_meta(failure), super().list_failed, failure)

    def detail_failed(self, failure: Failure) -> Iterator[Any]:
        return self._run(_meta(failure), super().detail_failed, failure)

    def attach_scheduler(self, scheduler: Any) -> None:
        """The scheduler holds the requests queued in this reactor turn until it sends them: they
        are sent before any lease ends (a leased callback's requests are in Redis before its lease
        is dropped)."""
        self._scheduler = scheduler

    def _drop(self, ready: list[str]) -> None:
        if not ready:
            return
        if self._scheduler is not None:
            self._scheduler.send_queued()
        drop(self.client, self.keys, self.worker_id, ready)

    def _hook_store(self) -> None:
        """Drop the finished leases each time the store commits (its ``_commit``)."""
        assert self.crawler.engine is not None
        scraper: Any = self.crawler.engine.scraper
        stages = [stage for pipe in scraper.itemproc.middlewares for stage in getattr(pipe, "stages", [pipe])]
        store = next((stage for stage in stages if hasattr(stage, "_commit")), None)
        if store is None:
            return  # no store (-s ITEM_PIPELINES={}): leases end when the callbacks do
        self._store = store
        commit = store._commit

        def committed() -> None:
            ready, self._finished = self._finished, []
            try:
                commit()
            except BaseException:
                self._finished[:0] = ready
                raise
            self._drop(ready)

        store._commit = committed

    def _settle(self) -> None:
        """Idle: commit what the store holds so the finished leases end, and so that no
        transaction stays open while idle (PostgreSQL ends sessions idle in one: worker.py)."""
        if self._store is None:
            ready, self._finished = self._finished, []
            self._drop(ready)
        else:
            self._store._commit()

    def on_opened(self, spider: Any) -> None:
        self._hook_store()
        engine = getattr(getattr(self._store, "db", None), "engine", None)
        self._pulse = Heartbeat(self.client, self.keys, self.worker_id, self.lease_ttl, engine, self.db_url)
        self._pulse.beat()  # alive before the first lease is taken
        self._pulse.start()
        self._heartbeat = task.LoopingCall(self.beat)
        self._heartbeat.start(0.5, now=True)

    def on_closed(self, spider: Any, reason: str = "finished") -> None:
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        if self._pulse is not None:
            self._pulse.stop()
            self._pulse.join(timeout=5)
        pipe = self.client.pipeline()
        pipe.delete(self.keys.busy(self.worker_id))
        if reason == "finished":
            # idle, the store closed and committed: whatever this worker still holds is done
            # (a request dropped before any callback). Otherwise the leases return to the queue.
            pipe.delete(self.keys.lease(self.worker_id), self.keys.alive(self.worker_id))
        pipe.execute()

    def beat(self) -> None:
        """Say in Redis whether this worker has work in flight; keep the run's keys alive; tell the
        lease thread that the reactor turns (it renews the alive key only while it does)."""
        if self._pulse is not None:
            self._pulse.tick()
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
        """Start the next queued site; else close once the whole run has been idle long enough.

        Dead workers' leases are taken back to the queue first; a live worker's keep the run open.
        """
        self._settle()
        reclaim(self.client, self.keys, self.worker_id)
        job_lease = self.keys.job_lease(self.worker_id)
        slug = self.client.lmove(self.keys.jobs, job_lease, "LEFT", "RIGHT")
        if slug is not None:
            self.idle_since = None
            self._start_site(str(slug))
            if self._scheduler is not None:
                self._scheduler.send_queued()  # the site's first requests are in Redis: the job is done
            self.client.lrem(job_lease, 1, str(slug))
            raise DontCloseSpider
        others_busy = any(
            key != self.keys.busy(self.worker_id)
            for key in self.client.scan_iter(match=self.keys.busy_prefix + "*", count=100)
        )
        if (
            others_busy
            or self.client.zcard(self.keys.requests)
            or leases_held(self.client, self.keys, self.worker_id)
        ):
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
        self.shared_walk.owner = f"job:{slug}"  # a job taken again begins the same columns again
        try:
            records = list(self.site_start(slug))
        finally:
            self.shared_walk.owner = None
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


def _meta(failure: Failure) -> Any:
    request = getattr(failure, "request", None)
    return request.meta if request is not None else {}
