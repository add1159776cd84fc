"""Scan every fetched page for hijacking and tampering (被篡改, 暗链, cloaking) and attach the
signals to its ``Fetched`` record; the store pipeline keeps them as findings beside the capture.

The signatures are data (``crawler/extract/signatures.yaml``); this pipeline only decides which
pages to scan and with what the site is known to be called.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from scrapy.crawler import Crawler

from crawler.extract import decode_body
from crawler.extract.integrity import scan_page
from crawler.items import CrawlTarget, Fetched, SiteSeen

SCANNED_KINDS = ("home", "hub", "list", "detail")


class IntegrityPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # Each site's name and hosts (a page linking elsewhere, or naming another site, is suspect).
        self.sites: dict[str, tuple[str, set[str]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IntegrityPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, CrawlTarget):
            self.sites[item.site] = (item.name, set(item.allowed_hosts))
        elif isinstance(item, SiteSeen) and item.site in self.sites:
            self.sites[item.site] = (item.name, self.sites[item.site][1])  # the name its home page gives
        if not isinstance(item, Fetched) or item.status != 200 or item.page_kind not in SCANNED_KINDS:
            return item
        if item.scanned:  # a detail page: scanned beside its extraction, from the same parse
            self._count(item)
            return item
        # A worker crawls many sites: the record names its own.
        name, hosts = self.sites.get(item.site, (None, set()))
        content_type = next((v for k, v in item.response_headers if k.lower() == "content-type"), None)
        if content_type and "html" not in content_type.lower():
            return item
        text, _ = decode_body(item.body, content_type)
        signals = scan_page(text, item.url, name, hosts)
        item.signals = [asdict(signal) for signal in signals]
        item.scanned = True
        self._count(item)
        return item

    def _count(self, item: Fetched) -> None:
        if item.signals and self.crawler.stats:
            self.crawler.stats.inc_value("zwgk/pages_flagged")
