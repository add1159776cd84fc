"""Persist records through ``storage.repository``: the only pipeline that touches the database.

Listings and details are buffered and written a batch at a time (one statement per table, not
several per record: per-record statements were most of a crawl's CPU). Each batch is committed, so a
run killed half-way loses at most one batch, and as the writes are idempotent upserts the next run
of the same crawl ends in the same state as an unbroken one.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy.orm import Session

from crawler.items import ColumnSeen, ColumnWalk, Delisted, Detail, Fetched, Listing, SiteSeen
from storage import evidence, repository
from storage.db import Database, database_url, open_database
from taxonomy import default_taxonomy

logger = logging.getLogger(__name__)

# Finding kinds the integrity scan decides afresh on every scanned page.
PAGE_SIGNAL_KINDS = ("hijacked", "hidden_link", "spam", "cloaking")

_DETAIL_FIELDS = (
    "title", "index_no", "doc_no", "publisher", "topic", "validity", "published_on", "written_on",
    "url_date", "kind", "body_text", "images", "videos", "fetch_status", "http_status", "encoding",
    "content_hash", "etag", "last_modified",
)  # fmt: skip


def detail_fields(detail: Detail) -> dict[str, Any]:
    """The values of a fetched detail page that the item row keeps.

    A 304 answer to a conditional request only confirms the page is still served unchanged: the
    item keeps everything an earlier fetch stored (its body, hash and validators).
    """
    if detail.not_modified:
        return {"fetch_status": "ok"}
    fields = {name: getattr(detail, name) for name in _DETAIL_FIELDS}
    fields["attachments"] = [asdict(a) for a in detail.attachments]
    return fields


class StorePipeline:
    def __init__(self, crawler: Crawler, db_url: str, batch: int) -> None:
        self.crawler = crawler
        self.db_url = db_url
        self.batch = batch
        self.db: Database | None = None
        self.session: Session | None = None
        self.site_id: int | None = None
        self.run_id: int | None = None
        self.column_ids: dict[str, int] = {}
        self.pending = 0
        self.listings: list[repository.ListingRow] = []
        self.details: list[repository.DetailRow] = []
        self.detail_urls: set[str] = set()
        self.captures: list[evidence.CaptureRow] = []
        self.signals: dict[str, list[dict[str, Any]]] = {}
        self.scanned: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        url = crawler.settings.get("ZWGK_DB_URL") or database_url()
        return cls(crawler, url, crawler.settings.getint("ZWGK_STORE_BATCH", 500))

    def open_spider(self) -> None:
        spider: Any = self.crawler.spider
        self.db = open_database(self.db_url)
        self.session = Session(self.db.engine)
        profile = spider.profile
        self.site_id = repository.ensure_site(
            self.session, profile.slug, profile.name, profile.base_url, profile.cms
        )
        self.run_id = repository.start_run(self.session, self.site_id, spider.crawl_mode, spider.target_label)
        self.session.commit()

    def process_item(self, item: Any) -> Any:
        assert self.session is not None and self.site_id is not None
        now = datetime.now(UTC)
        if isinstance(item, Fetched):
            self._buffer_capture(item, now)
        elif isinstance(item, Listing):
            self._buffer_listing(item, now)
        elif isinstance(item, Detail):
            self.details.append(repository.DetailRow(item.url, detail_fields(item), now))
            self.detail_urls.add(item.url)
        elif isinstance(item, SiteSeen):
            self._flush()  # the buffered records belong to the site seen before
            self.site_id = repository.ensure_site(self.session, item.site, item.name, item.base_url, item.cms)
        elif isinstance(item, ColumnSeen):
            node = default_taxonomy().get(item.taxonomy_code) if item.taxonomy_code else None
            self.column_ids[item.column_url] = repository.ensure_column(
                self.session, self.site_id, item.column_path, item.column_url, item.cms,
                item.taxonomy_code, node.path if node else None, item.taxonomy_rule, now,
            )  # fmt: skip
        elif isinstance(item, Delisted):
            self._flush()
            evidence.record_delisting(
                self.session, self.site_id, self._column_id(item.column_url), item.url, item.page_status, now,
                self.run_id,
            )  # fmt: skip
        elif isinstance(item, ColumnWalk):
            repository.record_column_walk(
                self.session, self._column_id(item.column_url), item.pages, item.found, item.declared_total,
                item.declared_pages, item.status, item.note, now,
            )  # fmt: skip
        self.pending += 1
        if self.pending >= self.batch:
            self._commit()
        return item

    def _buffer_capture(self, item: Fetched, now: datetime) -> None:
        if item.warc_file is None or item.warc_offset is None or item.payload_digest is None:
            return  # no WARC evidence configured (scrapy crawl without ZWGK_WARC_DIR)
        content_type = next((v for k, v in item.response_headers if k.lower() == "content-type"), None)
        self.captures.append(
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
                self.signals[item.url] = item.signals
            else:
                self.scanned.append(item.url)

    def _buffer_listing(self, item: Listing, now: datetime) -> None:
        if item.url in self.detail_urls:
            # Listings are written before details; this one must not overtake its item's detail.
            self._flush()
        row = repository.ListingRow(
            column_id=self._column_id(item.column_url),
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
        self.listings.append(row)

    def _flush(self) -> None:
        """Write the buffered captures, listings, then details (a detail may need its listing and
        points at its capture), then link captures to items and keep what the page scans found."""
        assert self.session is not None and self.site_id is not None
        now = datetime.now(UTC)
        ids = evidence.record_captures(self.session, self.site_id, self.run_id, self.captures)
        capture_of = {row.url: capture_id for row, capture_id in zip(self.captures, ids, strict=True)}
        details = [replace(row, capture_id=capture_of.get(row.url)) for row in self.details]
        repository.record_listings(self.session, self.site_id, self.listings)
        repository.record_details(self.session, self.site_id, details, run_id=self.run_id)
        if self.captures:
            evidence.link_captures(self.session, self.site_id, self.run_id)
        for url, signals in self.signals.items():
            evidence.record_page_signals(
                self.session, self.site_id, url, signals, now, capture_of.get(url), self.run_id
            )
        evidence.resolve_cleared(self.session, self.site_id, PAGE_SIGNAL_KINDS, self.scanned, now)
        self.captures.clear()
        self.signals.clear()
        self.scanned.clear()
        self.listings.clear()
        self.details.clear()
        self.detail_urls.clear()

    def _commit(self) -> None:
        assert self.session is not None
        self._flush()
        self.session.commit()
        self.pending = 0

    def _column_id(self, column_url: str) -> int:
        try:
            return self.column_ids[column_url]
        except KeyError:
            raise RuntimeError(f"a record names column {column_url} before the column was seen") from None

    def close_spider(self) -> None:
        if self.session is None or self.db is None:
            return
        self._commit()
        raw = self.crawler.stats.get_stats() if self.crawler.stats else {}
        stats = {k: v for k, v in raw.items() if isinstance(v, int | float | str)}
        fatal = getattr(self.crawler.spider, "fatal", None)
        status, code = ("failed", 3) if fatal else ("ok", 0)
        assert self.run_id is not None
        repository.finish_run(self.session, self.run_id, status, code, {**stats, "fatal": fatal})
        self.session.commit()
        self.session.close()
        self.db.dispose()
