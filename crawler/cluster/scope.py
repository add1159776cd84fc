"""Scope for a spider of many sites: each request is checked against its own site's hosts."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from crawler.middlewares import URL_LENGTH_LIMIT, OutOfScope, profile_hosts, scope_refusal


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
