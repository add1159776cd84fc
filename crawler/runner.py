"""Run one crawl in this process: settings for the target, signals for progress, the outcome.

Twisted's reactor runs once per process, so callers that crawl several times (the tests) run
``zwgk crawl`` in a subprocess.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.completeness import NOT_COMPLETE
from crawler.items import ColumnWalk, Detail, SiteFailed
from crawler.known import KnownItems
from crawler.modes import crawl_mode
from crawler.profile import SiteProfile
from crawler.spiders.portal import PortalSpider
from crawler.spiders.sites import target_profile

# Politeness keys a profile may set, and the Scrapy setting each one drives.
POLITENESS_SETTINGS = {
    "download_delay": "DOWNLOAD_DELAY",
    "concurrent_per_host": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "robots": "ROBOTSTXT_OBEY",
    "autothrottle": "AUTOTHROTTLE_ENABLED",
    "user_agent": "USER_AGENT",
}

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3
EXIT_PARTIAL = 5
EXIT_INTERRUPTED = 7  # SIGINT / SIGTERM: stopped early; the next run of any mode completes it

INTERRUPT_NOTE = (
    "interrupted: finishing the pages in flight, recording what is pending; "
    "press Ctrl-C again to stop at once"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def project_settings() -> Settings:
    """zwgk's own Scrapy settings, whatever the working directory: an installed ``zwgk`` run by cron
    or systemd finds no ``scrapy.cfg``, and Scrapy's defaults alone break the crawl."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def crawl_settings(hosts: list[str], db_url: str, politeness: dict[str, Any] | None = None,
                   log_level: str = "WARNING", overrides: dict[str, Any] | None = None) -> Settings:  # fmt: skip
    """Project settings, loosened for loopback targets, then the profile's politeness, then overrides."""
    settings = project_settings()
    settings.set("ZWGK_DB_URL", db_url, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    if hosts and all(is_loopback(h) for h in hosts):
        # The bundled replica on 127.0.0.1: nobody to be polite to.
        for name, value in {
            "ROBOTSTXT_OBEY": False,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        }.items():
            settings.set(name, value, priority="project")
    for key, value in (politeness or {}).items():
        if key in POLITENESS_SETTINGS:
            settings.set(POLITENESS_SETTINGS[key], value, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


@dataclass
class CrawlOutcome:
    """What a finished crawl reports: its exit code, the reason when it failed, and its counts."""

    exit_code: int
    fatal: str | None
    stats: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    profile: SiteProfile | None = None
    interrupted: int = 0  # the number of stop signals received (1 graceful, 2 at once)
    # Every column that did not end complete, by path, with its status and reason.
    not_complete: list[dict[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        get = self.stats.get
        return {
            "exit_code": self.exit_code,
            "error": self.fatal,
            "columns_not_complete": self.not_complete,
            "pages": get("response_received_count", 0),
            "list_pages": get("zwgk/list_pages", 0),
            "details_ok": get("zwgk/details_ok", 0),
            "details_not_found": get("zwgk/details_not_found", 0),
            "details_blocked": get("zwgk/details_blocked", 0),
            "details_error": get("zwgk/details_error", 0),
            "details_out_of_scope": get("zwgk/details_out_of_scope", 0),
            "details_too_large": get("zwgk/details_too_large", 0),
            "columns": self.columns,
            "traps_not_followed": {
                key.rsplit("/", 1)[-1]: value
                for key, value in self.stats.items()
                if key.startswith("zwgk/trap_links/")
            },
            "finish_reason": get("finish_reason"),
            "interrupted": bool(self.interrupted),
        }


def run_crawl(
    target: str | SiteProfile,
    db_url: str,
    *,
    slug: str | None = None,
    mode: str = "full",
    revalidate_fraction: float = 1.0,
    warc_dir: str | None = None,
    log_level: str = "WARNING",
    overrides: dict[str, Any] | None = None,
    on_record: Callable[[Any], None] | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    progress_interval: float | None = None,
) -> CrawlOutcome:
    """Crawl one portal (a profile, a profile file or a URL) into the database at ``db_url``.

    ``on_progress`` is called every ``progress_interval`` seconds (default: the setting
    ``ZWGK_PROGRESS_INTERVAL``) with the counts so far (:func:`progress_snapshot`)."""
    crawl_kind = crawl_mode(mode, revalidate_fraction)  # refused before anything starts
    if isinstance(target, SiteProfile):
        profile, home_url, label = target, None, None
    else:
        profile, home_url = target_profile(target, slug)
        label = target
    settings = crawl_settings(profile.allowed_hosts, db_url, profile.politeness, log_level, overrides)
    if warc_dir is not None:
        settings.set("ZWGK_WARC_DIR", warc_dir, priority="cmdline")
    # What the archive knows of the site, read once here: the spider opens no database.
    known = KnownItems(crawl_kind, settings.get("ZWGK_DB_URL") or db_url)
    known.load(profile.slug)
    process = _Process(settings)
    crawler = process.create_crawler(PortalSpider)
    columns: dict[str, int] = {}
    not_complete: list[dict[str, str]] = []
    details_done = [0]  # detail pages done, for the progress report
    failures = SiteFailures(crawler)

    def scraped(item: Any, **_: Any) -> None:
        if isinstance(item, Detail):
            details_done[0] += 1
        if isinstance(item, ColumnWalk):
            columns[item.status] = columns.get(item.status, 0) + 1
            if item.status in NOT_COMPLETE:
                not_complete.append({"column": item.column_path, "status": item.status, "reason": item.note})
        if on_record is not None:
            on_record(item)

    crawler.signals.connect(scraped, signal=signals.item_scraped)
    if on_progress is not None:
        every = progress_interval or settings.getfloat("ZWGK_PROGRESS_INTERVAL")
        report_progress(
            crawler, lambda: progress_snapshot(crawler, columns, profile, details_done[0]), on_progress, every
        )
    process.crawl(
        crawler,
        target=label,
        profile=profile,
        home_url=home_url,
        mode=crawl_kind.name,
        revalidate_fraction=crawl_kind.revalidate_fraction,
        known=known,
    )
    process.start()
    if process.signals_received > 1:
        _let_go(crawler)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    fatal = failures.by_site.get(profile.slug)
    if process.signals_received:
        code = EXIT_INTERRUPTED
    elif fatal:
        code = EXIT_UNREACHABLE
    elif stats.get("finish_reason") != "finished" or stats.get("log_count/ERROR"):
        # An exception in a callback or a pipeline loses records: never report such a run as clean.
        code = EXIT_ERROR
    elif any(columns.get(status) for status in NOT_COMPLETE):
        code = EXIT_PARTIAL
    else:
        code = EXIT_OK
    return CrawlOutcome(code, fatal, dict(stats), columns, profile, process.signals_received, not_complete)


def progress_snapshot(
    crawler: Crawler, columns: dict[str, int], profile: SiteProfile, items: int
) -> dict[str, Any]:
    """The crawl so far: pages fetched, items (detail records) done, columns walked of the profile's."""
    get = (crawler.stats.get_stats() if crawler.stats else {}).get
    return {
        "pages": get("response_received_count", 0),
        "items": items,
        "columns": sum(columns.values()),
        "columns_total": len(profile.columns),
    }


def report_progress(
    crawler: Crawler,
    snapshot: Callable[[], dict[str, Any]],
    report: Callable[[dict[str, Any]], None],
    every: float,
) -> None:
    """Call ``report(snapshot())`` every ``every`` seconds while the spider runs."""
    from twisted.internet import task

    loop = task.LoopingCall(lambda: report(snapshot()))

    def opened(**_: Any) -> None:
        loop.start(every, now=False)

    def closed(**_: Any) -> None:
        if loop.running:
            loop.stop()

    crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)


def _let_go(crawler: Crawler) -> None:
    """After a stop at once: roll back the pipelines' open database sessions (their pipeline was
    never closed), so that the run can be recorded as interrupted."""
    scraper = getattr(crawler.engine, "scraper", None)
    for pipeline in getattr(getattr(scraper, "itemproc", None), "middlewares", ()):
        session = getattr(pipeline, "session", None)
        if session is not None:
            with contextlib.suppress(Exception):
                session.rollback()
                session.close()


class _Process(CrawlerProcess):
    """Scrapy's process, counting the stop signals: the first one says on the console what happens
    (Scrapy logs it at INFO only), the second stops at once and quietly."""

    signals_received = 0

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.signals_received += 1
        os.write(2, (INTERRUPT_NOTE + "\n").encode())  # no buffered stream in a signal handler
        super()._signal_shutdown(signum, frame)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        self.signals_received += 1
        os.write(2, b"stopping at once\n")
        logging.disable(logging.CRITICAL)  # the requests cut short are no news to the operator
        super()._signal_kill(signum, frame)


class SiteFailures:
    """The sites whose crawl failed, from the ``SiteFailed`` records a crawl yields (stored or not)."""

    def __init__(self, crawler: Crawler) -> None:
        self.by_site: dict[str, str] = {}
        crawler.signals.connect(self._seen, signal=signals.item_scraped)
        crawler.signals.connect(self._seen, signal=signals.item_dropped)

    def _seen(self, item: Any, **_: Any) -> None:
        if isinstance(item, SiteFailed):
            self.by_site[item.site] = item.message


__all__ = [
    "EXIT_INTERRUPTED",
    "CrawlOutcome",
    "SiteFailures",
    "crawl_settings",
    "progress_snapshot",
    "report_progress",
    "project_settings",
    "run_crawl",
]
