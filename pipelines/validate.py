"""Drop records that cannot be stored faithfully, and say why in the log and the stats."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import (
    AttachmentFile,
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
from storage.models import FETCH_STATUSES

_KNOWN = (
    CrawlTarget, SiteFailed, Fetched, SiteSeen, ColumnSeen, Listing, Detail, ColumnWalk, Delisted, AttachmentFile,
)  # fmt: skip
# What a fetch can end in: every stored fetch status but "pending" (an item not fetched yet).
_FETCH_STATUSES = frozenset(FETCH_STATUSES) - {"pending"}


def problems(record: Any) -> list[str]:
    """What is wrong with a record; empty when it can be stored."""
    if not isinstance(record, _KNOWN):
        return [f"unknown record type {type(record).__name__}"]
    found = []
    if not getattr(record, "site", ""):
        found.append("no site")
    url = (
        getattr(record, "url", None) or getattr(record, "column_url", None) or getattr(record, "base_url", "")
    )
    if not isinstance(record, SiteFailed) and not str(url).startswith(("http://", "https://")):
        found.append(f"not an http(s) URL: {url!r}")
    if isinstance(record, Listing | ColumnWalk | ColumnSeen) and not record.column_path:
        found.append("no column path")
    if isinstance(record, Detail) and record.fetch_status not in _FETCH_STATUSES:
        found.append(f"unknown fetch status {record.fetch_status!r}")
    return found


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        found = problems(item)
        if found:
            if self.crawler.stats:
                self.crawler.stats.inc_value("zwgk/invalid_records")
            raise DropItem(f"invalid {type(item).__name__}: {'; '.join(found)}")
        return item
