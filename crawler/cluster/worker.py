"""Running a worker: its Scrapy settings, the crawl of the current run until idle, its summary."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler, CrawlerProcess
from sqlalchemy.engine import make_url

from crawler.cluster.heartbeat import named_sessions
from crawler.cluster.keys import DEFAULT_PREFIX, Keys, connect, current_run
from crawler.cluster.spider import SITES_STARTED, WorkerSpider
from crawler.items import ColumnWalk, Detail
from crawler.known import KnownItems
from crawler.modes import crawl_mode
from crawler.runner import SiteFailures, crawl_settings, report_progress


class WorkerTally:
    """What this worker has done so far, for its progress reports: detail records and column walks
    it ended, counted as they are scraped (a column is walked by whichever workers take its list
    pages; the one taking its last ends it, so each column counts once across the workers)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.items = 0
        self.columns = 0
        crawler.signals.connect(self._scraped, signal=signals.item_scraped)

    def _scraped(self, item: Any, **_: Any) -> None:
        if isinstance(item, Detail):
            self.items += 1
        elif isinstance(item, ColumnWalk):
            self.columns += 1

    def snapshot(self) -> dict[str, Any]:
        """Pages fetched, items and columns done, and the sites this worker has worked on (slug →
        columns in its profile): the single-process crawl's counts, plus the sites."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        profiles = getattr(self.crawler.spider, "profiles", None) or {}
        site_columns = {slug: len(profile.columns) for slug, profile in profiles.items()}
        return {
            "pages": stats.get("response_received_count", 0),
            "items": self.items,
            "columns": self.columns,
            "columns_total": sum(site_columns.values()),
            "sites": len(site_columns),
            "site_columns": site_columns,
        }


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def worker_settings_overrides(redis_url: str, keys: Keys) -> dict[str, Any]:
    """The Scrapy settings that make a crawl a worker of the run ``keys``."""
    return {
        "ZWGK_DISTRIBUTED": True,
        "ZWGK_REDIS_URL": redis_url,
        "ZWGK_REDIS_PREFIX": keys.prefix,
        "SCHEDULER": "crawler.cluster.scheduler.WorkerScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_QUEUE_CLASS": "crawler.cluster.leases.LeasedPriorityQueue",
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
            "crawler.cluster.scope.SiteScopeMiddleware": 50,
            "crawler.middlewares.ListPageCapMiddleware": 60,
            "crawler.cluster.politeness.ClusterPolitenessMiddleware": 150,  # after robots.txt: its fetch waits too
            "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
            "crawler.middlewares.FollowRedirectMiddleware": 600,
        },
        # Each site is a run of its own in the database; the worker's start has no profile.
        # Leases end only once the store commits (crawler/cluster/leases.py): a worker killed
        # mid-batch loses nothing, so a worker commits as seldom as the lone crawl.
        "ZWGK_STORE_BATCH": 500,
    }


# A frozen worker's open transaction would hold its row locks for ever and block the workers that
# redo its reclaimed requests. The live workers end it once its leases expire (heartbeat.py); in
# case they cannot (a role not allowed to), PostgreSQL ends a worker's session idle in a transaction
# this long. Long, since a live worker may sit in a read-only transaction between two batches.
IDLE_IN_TRANSACTION_S = 300


def with_session_timeout(db_url: str, seconds: float = IDLE_IN_TRANSACTION_S) -> str:
    """``db_url`` whose PostgreSQL sessions end when idle in a transaction ``seconds`` long."""
    url = make_url(db_url)
    if not url.drivername.startswith("postgresql"):
        return db_url
    option = f"-c idle_in_transaction_session_timeout={int(seconds * 1000)}"
    options = url.query.get("options")
    joined = f"{options} {option}" if isinstance(options, str) and options else option
    return url.update_query_dict({"options": joined}).render_as_string(hide_password=False)


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
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    progress_interval: float | None = None,
) -> dict[str, Any]:
    """Work on the current run until it has been idle ``idle_exit`` seconds; returns a summary.

    ``on_progress`` is called every ``progress_interval`` seconds (default: the setting
    ``ZWGK_PROGRESS_INTERVAL``) with this worker's counts so far (:meth:`WorkerTally.snapshot`)."""
    client = connect(redis_url)
    deadline = time.monotonic() + wait_for_run
    run = current_run(client, prefix)
    while run is None and time.monotonic() < deadline:
        time.sleep(0.2)
        run = current_run(client, prefix)
    if run is None:
        return {"run": None, "sites": [], "pages": 0, "note": "nothing queued"}
    keys = Keys(prefix, run)
    wid = worker_id()
    given_url = db_url
    db_url = named_sessions(wid, with_session_timeout(db_url))
    settings = crawl_settings(
        [], db_url, None, log_level, {**worker_settings_overrides(redis_url, keys), **(overrides or {})}
    )
    if warc_dir is not None:
        settings.set("ZWGK_WARC_DIR", warc_dir, priority="cmdline")
    # Requests other workers queue are picked up within half a second, not Scrapy's 5 s heartbeat.
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = 0.5  # type: ignore[attr-defined]
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WorkerSpider)
    failures = SiteFailures(crawler)
    tally = WorkerTally(crawler)
    if on_progress is not None:
        every = progress_interval or settings.getfloat("ZWGK_PROGRESS_INTERVAL")
        report_progress(crawler, tally.snapshot, on_progress, every)
    meta: dict[str, str] = client.hgetall(keys.meta)  # type: ignore[assignment]
    mode = crawl_mode(meta.get("mode", "full"), meta.get("revalidate_fraction", 1.0))
    process.crawl(
        crawler,
        client=client,
        keys=keys,
        mode=mode.name,
        revalidate_fraction=mode.revalidate_fraction,
        known=KnownItems(mode, db_url),  # each site's, read when the worker starts it or first meets it
        idle_exit=idle_exit,
        worker_id=wid,
        db_url=given_url,
    )
    started = time.monotonic()
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    elapsed = time.monotonic() - started
    return {
        "run": run,
        "worker": wid,
        "sites": list(stats.get(SITES_STARTED, [])),
        "pages": stats.get("response_received_count", 0),
        "details_ok": stats.get("zwgk/details_ok", 0),
        "list_pages": stats.get("zwgk/list_pages", 0),
        "seconds": round(elapsed, 2),
        "errors": stats.get("log_count/ERROR", 0),
        "finish_reason": stats.get("finish_reason"),
        "failed_sites": dict(failures.by_site),
    }
