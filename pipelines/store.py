"""Persist records through ``storage.repository``: the only pipeline that touches the database.

Listings and details are buffered and written a batch at a time (one statement per table, not
several per record: per-record statements were most of a crawl's CPU). Each batch is committed, so a
run killed half-way loses at most one batch, and as the writes are idempotent upserts the next run
of the same crawl ends in the same state as an unbroken one.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import Any, TypeVar

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.clock import clock_from_settings
from crawler.extract.integrity import SIGNAL_KINDS
from crawler.items import (
    ColumnSeen,
    ColumnWalk,
    CrawlTarget,
    Delisted,
    Detail,
    Fetched,
    Listing,
    SiteFailed,
    SiteSeen,
)
from storage import evidence, reads, repository, runs
from storage.db import Database, database_url, open_database
from storage.models import Item
from taxonomy import default_taxonomy
from taxonomy.kinds import column_kind

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

# The values of a fetched detail page that the item row keeps: the Detail fields the Item table has
# (its url and attachments are written on their own).
_DETAIL_FIELDS = tuple(
    f.name
    for f in dataclass_fields(Detail)
    if f.name in Item.__table__.columns and f.name not in ("url", "attachments")
)


def detail_fields(detail: Detail) -> dict[str, Any]:
    """The values of a fetched detail page that the item row keeps.

    A 304 answer to a conditional request only confirms the page is still served unchanged: the
    item keeps everything an earlier fetch stored (its body, hash and validators).
    """
    if detail.not_modified:
        return {"fetch_status": "ok"}
    fields = {name: getattr(detail, name) for name in _DETAIL_FIELDS}
    fields["attachments"] = [asdict(a) for a in detail.attachments]
    fields["fetch_note"] = detail.note or None
    return fields


@dataclass
class _SiteRun:
    """One site's part of a crawl: its ids, its crawl run, and its records waiting for the next batch."""

    slug: str
    site_id: int
    run_id: int | None = None
    column_ids: dict[str, int] = field(default_factory=dict)
    listings: list[repository.ListingRow] = field(default_factory=list)
    details: list[repository.DetailRow] = field(default_factory=list)
    detail_urls: set[str] = field(default_factory=set)
    captures: list[evidence.CaptureRow] = field(default_factory=list)
    signals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    scanned: list[str] = field(default_factory=list)
    walks: list[tuple[int, ColumnWalk, datetime]] = field(default_factory=list)  # column id, walk, when

    def clear(self) -> None:
        self.walks.clear()
        self.captures.clear()
        self.signals.clear()
        self.scanned.clear()
        self.listings.clear()
        self.details.clear()
        self.detail_urls.clear()


# Attempts at a batch that PostgreSQL aborted as a deadlock (workers writing the same items).
DEADLOCK_ATTEMPTS = 6


class StorePipeline:
    """Write every site's records; a crawl run per site (per worker and site in a distributed crawl).

    In a distributed crawl (``ZWGK_DISTRIBUTED``) other workers write the same sites at the same
    time: every write is committed at once (a batch at a time), a batch PostgreSQL aborts as a
    deadlock is retried, and a column another worker began is looked up in the database.
    """

    def __init__(self, crawler: Crawler, db_url: str, batch: int, distributed: bool = False) -> None:
        self.crawler = crawler
        self.db_url = db_url
        self.batch = batch
        self.distributed = distributed
        self.broken: str | None = None
        self.db: Database | None = None
        self.session: Session | None = None
        self.sites: dict[str, _SiteRun] = {}
        self.failed: dict[str, str] = {}
        self.pending = 0
        self.clock = clock_from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        url = crawler.settings.get("ZWGK_DB_URL") or database_url()
        return cls(
            crawler,
            url,
            crawler.settings.getint("ZWGK_STORE_BATCH", 500),
            crawler.settings.getbool("ZWGK_DISTRIBUTED", False),
        )

    @property
    def listings(self) -> list[repository.ListingRow]:
        """The listings waiting for the next batch, every site's."""
        return [row for site in self.sites.values() for row in site.listings]

    @property
    def details(self) -> list[repository.DetailRow]:
        """The details waiting for the next batch, every site's."""
        return [row for site in self.sites.values() for row in site.details]

    def open_spider(self) -> None:
        self.db = open_database(self.db_url)
        self.session = Session(self.db.engine)

    def _begin(self, target: CrawlTarget) -> None:
        """Ensure the site row and begin its crawl run (once per site: a worker may announce it again)."""
        if target.site in self.sites:
            return
        session = self._session()
        site_id = repository.ensure_site(session, target.site, target.name, target.base_url, target.cms)
        site = self.sites[target.site] = _SiteRun(target.site, site_id)
        site.run_id = runs.start_run(session, site_id, target.mode, target.target)
        session.commit()

    def _site(self, slug: str) -> _SiteRun:
        """The site ``slug``'s state; its ``CrawlTarget`` record came first."""
        site = self.sites.get(slug)
        if site is None:
            raise RuntimeError(f"a record of site {slug} before the CrawlTarget that begins its run")
        return site

    def process_item(self, item: Any) -> Any:
        if self.broken is not None:
            raise DropItem(f"not stored: the archive database failed earlier ({self.broken})")
        try:
            return self._process(item)
        except SQLAlchemyError as exc:
            # A database that is gone (restarted, full) loses every record after it: stop the crawl
            # now, say so once, and let the next run complete the archive (writes are idempotent).
            self.broken = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            logger.error(
                "the archive database failed: %s; stopping the crawl, run it again to complete", self.broken
            )
            if self.crawler.engine is not None:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_failed"))
            raise DropItem(f"not stored: {self.broken}") from exc

    def _process(self, item: Any) -> Any:
        assert self.session is not None
        if isinstance(item, CrawlTarget):
            self._begin(item)
            return item
        if isinstance(item, SiteFailed):
            self.failed[item.site] = item.message
            return item
        site = self._site(item.site)
        now = self.clock.now()
        if isinstance(item, Fetched):
            self._buffer_capture(site, item, now)
        elif isinstance(item, Listing):
            self._buffer_listing(site, item, now)
        elif isinstance(item, Detail):
            site.details.append(repository.DetailRow(item.url, detail_fields(item), now))
            site.detail_urls.add(item.url)
        elif isinstance(item, SiteSeen):
            self._flush()  # the buffered records belong to the site seen before
            self._write(
                lambda: repository.ensure_site(self._session(), item.site, item.name, item.base_url, item.cms)
            )
        elif isinstance(item, ColumnSeen):
            node = default_taxonomy().get(item.taxonomy_code) if item.taxonomy_code else None
            says = column_kind(item.column_path.rsplit("/", 1)[-1], item.taxonomy_code)
            site.column_ids[item.column_url] = self._write(
                lambda: repository.ensure_column(
                    self._session(),
                    site.site_id,
                    item.column_path,
                    item.column_url,
                    item.cms,
                    item.taxonomy_code,
                    node.path if node else None,
                    item.taxonomy_rule,
                    now,
                    says.kind if says else None,
                    f"{says.rule} {says.evidence}" if says else None,
                )  # fmt: skip
            )
        elif isinstance(item, Delisted):
            self._flush()
            column_id = self._column_id(site, item.column_url)
            self._write(
                lambda: evidence.record_delisting(
                    self._session(), site.site_id, column_id, item.url, item.page_status, now, site.run_id
                )
            )
        elif isinstance(item, ColumnWalk):
            # With the batch, not on its own: nothing reads a walk's end during the crawl, and the
            # lease of the list page that ended the walk lasts until the batch commits.
            site.walks.append((self._column_id(site, item.column_url), item, now))
        self.pending += 1
        if self.pending >= self.batch:
            self._commit()
        return item

    def _session(self) -> Session:
        assert self.session is not None
        return self.session

    def _write(self, statement: Callable[[], _T]) -> _T:
        """Run a statement now; in a distributed crawl in a transaction of its own, retried on deadlock
        (the buffered batch waits for its own commit: between batches the session holds no write)."""
        if not self.distributed:
            return statement()
        return self._retrying(statement)

    def _retrying(self, work: Callable[[], _T]) -> _T:
        assert self.session is not None
        for attempt in range(DEADLOCK_ATTEMPTS):
            try:
                result = work()
                self.session.commit()
                return result
            except DBAPIError as exc:
                self.session.rollback()
                if attempt + 1 == DEADLOCK_ATTEMPTS or not _is_retryable(exc):
                    raise
                logger.warning("store: %s; retrying the batch", str(exc.orig).splitlines()[0])
                time.sleep(0.05 * (attempt + 1) + random.random() * 0.1)
        raise AssertionError("unreachable")

    def _buffer_capture(self, site: _SiteRun, item: Fetched, now: datetime) -> None:
        if item.warc_file is None or item.warc_offset is None or item.payload_digest is None:
            return  # no WARC evidence configured (scrapy crawl without ZWGK_WARC_DIR)
        content_type = next((v for k, v in item.response_headers if k.lower() == "content-type"), None)
        site.captures.append(
            evidence.CaptureRow(
                url=item.url,
                page_kind=item.page_kind,
                fetched_at=datetime.fromisoformat(item.fetched_at) if item.fetched_at else now,
                http_status=item.status,
                content_type=content_type[:500] if content_type else None,
                payload_digest=item.payload_digest,
                payload_length=len(item.body),
                record_type=item.record_type or "response",
                warc_file=item.warc_file,
                warc_offset=item.warc_offset,
                warc_length=item.warc_length or 0,
                changed=item.changed,
            )
        )
        if item.status == 200 and item.page_kind in ("home", "hub", "list", "detail"):
            if item.signals:
                site.signals[item.url] = item.signals
            else:
                site.scanned.append(item.url)

    def _buffer_listing(self, site: _SiteRun, item: Listing, now: datetime) -> None:
        if item.url in site.detail_urls:
            # Listings are written before details; this one must not overtake its item's detail.
            self._flush()
        row = repository.ListingRow(
            column_id=self._column_id(site, item.column_url, item.column_path),
            url=item.url,
            list_title=item.title,
            list_date=item.list_date,
            position=item.position,
            foreign=item.foreign,
            taxonomy_code=item.taxonomy_code,
            taxonomy_path=item.taxonomy_path,
            taxonomy_rule=item.taxonomy_rule,
            taxonomy_version=item.taxonomy_version,
            seen_at=now,
        )
        site.listings.append(row)

    def _flush(self) -> None:
        """Write every site's buffered records (in a distributed crawl: and commit them)."""
        if self.distributed:
            if any(self._has_buffered(site) for site in self.sites.values()):
                self._retrying(self._flush_all)
            return
        self._flush_all()

    @staticmethod
    def _has_buffered(site: _SiteRun) -> bool:
        return bool(
            site.captures or site.listings or site.details or site.signals or site.scanned or site.walks
        )

    def _flush_all(self) -> None:
        for site in self.sites.values():
            if self._has_buffered(site):
                self._flush_site(site)
        # Only once every statement succeeded: a batch rolled back is written again from its buffers.
        for site in self.sites.values():
            site.clear()

    def _flush_site(self, site: _SiteRun) -> None:
        """Write the buffered captures, listings, then details (a detail may need its listing and
        points at its capture), then link captures to items and keep what the page scans found."""
        session = self._session()
        now = self.clock.now()
        captures, listings, details = site.captures, site.listings, site.details
        if self.distributed:
            # One order of rows for every worker, so concurrent batches lock rows in the same order.
            captures = sorted(captures, key=lambda row: row.url)
            listings = sorted(listings, key=lambda row: row.url)
            details = sorted(details, key=lambda row: row.url)
        ids = evidence.record_captures(session, site.site_id, site.run_id, captures)
        capture_of = {row.url: capture_id for row, capture_id in zip(captures, ids, strict=True)}
        details = [replace(row, capture_id=capture_of.get(row.url)) for row in details]
        repository.record_listings(session, site.site_id, listings)
        repository.record_details(session, site.site_id, details, run_id=site.run_id)
        if captures:
            evidence.link_captures(session, site.site_id, site.run_id)
        for url, signals in site.signals.items():
            evidence.record_page_signals(
                session, site.site_id, url, signals, now, capture_of.get(url), site.run_id
            )
        evidence.resolve_cleared(session, site.site_id, SIGNAL_KINDS, site.scanned, now)
        # Column rows in id order: concurrent batches lock them in the same order.
        for column_id, walk, seen_at in sorted(site.walks, key=lambda entry: entry[0]):
            repository.record_column_walk(
                session, column_id, walk.pages, walk.found, walk.declared_total, walk.declared_pages,
                walk.status, walk.note, seen_at,
            )  # fmt: skip

    def _commit(self) -> None:
        assert self.session is not None
        self._flush()
        self.session.commit()
        self.pending = 0

    def _column_id(self, site: _SiteRun, column_url: str, column_path: str | None = None) -> int:
        column_id = site.column_ids.get(column_url)
        if column_id is None and self.distributed:
            column_id = self._lookup_column(site, column_url)
        if column_id is None:
            raise RuntimeError(f"a record names column {column_url} before the column was seen")
        site.column_ids[column_url] = column_id
        return column_id

    def _lookup_column(self, site: _SiteRun, column_url: str) -> int | None:
        """The id of a column another worker began (it commits its column before walking on)."""
        session = self._session()
        for attempt in range(20 if self.distributed else 1):
            found = reads.column_id_at(session, site.site_id, column_url)
            if found is not None:
                return found
            session.commit()  # a fresh snapshot for the next look
            time.sleep(0.05 * (attempt + 1))
        return None

    def _mark_failed(self, run_id: int) -> None:
        assert self.db is not None
        with Session(self.db.engine) as session:
            runs.finish_run(session, run_id, "failed", 1, {"store_failed": self.broken})
            session.commit()

    def _close_broken(self) -> None:
        """After a database failure: mark this run failed if the database answers again, and let go."""
        assert self.session is not None and self.db is not None
        _ignore_errors(self.session.rollback)
        _ignore_errors(self.session.close)
        for site in self.sites.values():
            if site.run_id is not None:
                _ignore_errors(functools.partial(self._mark_failed, site.run_id))
        self.db.dispose()

    def close_spider(self) -> None:
        if self.session is None or self.db is None:
            return
        if self.broken is not None:
            self._close_broken()
            return
        self._commit()
        raw = self.crawler.stats.get_stats() if self.crawler.stats else {}
        stats = {k: v for k, v in raw.items() if isinstance(v, int | float | str)}
        for site in self.sites.values():
            fatal = self.failed.get(site.slug)
            status, code = ("failed", 3) if fatal else ("ok", 0)
            assert site.run_id is not None
            runs.finish_run(self.session, site.run_id, status, code, {**stats, "fatal": fatal})
        self.session.commit()
        self.session.close()
        self.db.dispose()


def _ignore_errors(work: Callable[[], Any]) -> None:
    try:
        work()
    except SQLAlchemyError:
        pass


def _is_retryable(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "deadlock" in text or "could not serialize" in text or "database is locked" in text
