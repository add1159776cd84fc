"""Persist records through ``storage.repository``: the only pipeline that touches the database.

Writes are idempotent upserts committed in batches, so a run killed half-way loses at most one
uncommitted batch and the next run of the same crawl ends in the same state as an unbroken one.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy.orm import Session

from crawler.items import ColumnSeen, ColumnWalk, Detail, Listing, SiteSeen
from storage import repository
from storage.db import Database, database_url, open_database
from taxonomy import default_taxonomy

logger = logging.getLogger(__name__)

_DETAIL_FIELDS = (
    "title", "index_no", "doc_no", "publisher", "topic", "validity", "published_on", "written_on",
    "url_date", "kind", "body_text", "images", "videos", "fetch_status", "http_status", "encoding",
    "content_hash",
)  # fmt: skip


def detail_fields(detail: Detail) -> dict[str, Any]:
    """The values of a fetched detail page that the item row keeps."""
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
        if isinstance(item, SiteSeen):
            self.site_id = repository.ensure_site(self.session, item.site, item.name, item.base_url, item.cms)
        elif isinstance(item, ColumnSeen):
            node = default_taxonomy().get(item.taxonomy_code) if item.taxonomy_code else None
            self.column_ids[item.column_url] = repository.ensure_column(
                self.session, self.site_id, item.column_path, item.column_url, item.cms,
                item.taxonomy_code, node.path if node else None, item.taxonomy_rule, now,
            )  # fmt: skip
        elif isinstance(item, Listing):
            repository.record_listing(
                self.session, self.site_id, self._column_id(item.column_url), item.url, item.title,
                item.list_date, item.position, item.foreign, item.taxonomy_code, item.taxonomy_path,
                item.taxonomy_rule, item.taxonomy_version, now,
            )  # fmt: skip
        elif isinstance(item, Detail):
            repository.record_detail(self.session, self.site_id, item.url, detail_fields(item), now)
        elif isinstance(item, ColumnWalk):
            repository.record_column_walk(
                self.session, self._column_id(item.column_url), item.pages, item.found, item.declared_total,
                item.declared_pages, item.status, item.note, now,
            )  # fmt: skip
        self.pending += 1
        if self.pending >= self.batch:
            self.session.commit()
            self.pending = 0
        return item

    def _column_id(self, column_url: str) -> int:
        try:
            return self.column_ids[column_url]
        except KeyError:
            raise RuntimeError(f"a record names column {column_url} before the column was seen") from None

    def close_spider(self) -> None:
        if self.session is None or self.db is None:
            return
        self.session.commit()
        raw = self.crawler.stats.get_stats() if self.crawler.stats else {}
        stats = {k: v for k, v in raw.items() if isinstance(v, int | float | str)}
        fatal = getattr(self.crawler.spider, "fatal", None)
        status, code = ("failed", 3) if fatal else ("ok", 0)
        assert self.run_id is not None
        repository.finish_run(self.session, self.run_id, status, code, {**stats, "fatal": fatal})
        self.session.commit()
        self.session.close()
        self.db.dispose()
