"""Site setup for the portal spiders: a site's profile (from a file or a bare URL), its records,
and what every callback shares (the site of a request, the exchange a response was)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.adapters import Adapter
from crawler.clock import Clock, clock_from_settings
from crawler.items import CrawlTarget, Fetched, SiteFailed
from crawler.known import KnownItems
from crawler.modes import CrawlMode, crawl_mode
from crawler.profile import ColumnSpec, SiteProfile, load_profile
from storage.db import database_url

logger = logging.getLogger(__name__)

_URL = re.compile(r"^https?://", re.IGNORECASE)


def slug_for_url(url: str) -> str:
    """A site slug for a portal known only by its URL: host and port, dots as dashes."""
    split = urlsplit(url)
    host = (split.hostname or "site").replace(".", "-")
    return f"{host}-{split.port}" if split.port else host


def url_profile(url: str, slug: str | None = None) -> SiteProfile:
    """The profile of a portal known only by its URL: no columns yet (discovered from its home page)."""
    host = urlsplit(url).hostname or ""
    return SiteProfile(
        slug=slug or slug_for_url(url), name=host, base_url=url, allowed_hosts=[host], columns=[], cms="mixed"
    )


def target_profile(target: str, slug: str | None = None) -> tuple[SiteProfile, str | None]:
    """The profile a crawl target names (a profile file, or a portal's URL) and its home URL, if any."""
    if not target:
        raise ValueError("the portal spider needs -a target=PROFILE.yaml or -a target=URL")
    if _URL.match(target):
        return url_profile(target, slug), target
    return load_profile(target), None


@dataclass
class ColumnState:
    """A column being walked: its spec and adapter (the walk's counts live in a ``WalkState``)."""

    spec: ColumnSpec
    adapter: Adapter | None = None
    site: str = ""
    walk_note: str | None = None


def header_pairs(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def failed_request(failure: Failure) -> Request:
    request: Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy on errbacks
    return request


class SiteSpider(Spider):
    """What the portal spiders share: the crawl mode, the sites' profiles and known items, the
    clock, and the records that say which site is crawled and whether it failed."""

    def __init__(
        self,
        mode: str = "full",
        revalidate_fraction: float | str = 1.0,
        known: KnownItems | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.mode: CrawlMode = crawl_mode(mode, revalidate_fraction)
        # Without one handed in (``scrapy crawl portal``), nothing is known: every item is new.
        self.known_items = known or KnownItems(self.mode)
        self.profile: SiteProfile | None = None
        self.target_label = "worker"
        self.home_urls: dict[str, str] = {}
        self.profiles: dict[str, SiteProfile] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        if kwargs.get("known") is None:
            # ``scrapy crawl portal -a mode=sweep``: the archive is read where the store writes
            mode = crawl_mode(kwargs.get("mode", "full"), kwargs.get("revalidate_fraction", 1.0))
            kwargs["known"] = KnownItems(mode, crawler.settings.get("ZWGK_DB_URL") or database_url())
        return super().from_crawler(crawler, *args, **kwargs)

    @cached_property
    def clock(self) -> Clock:
        return clock_from_settings(getattr(self, "settings", None))

    def site_profile(self, slug: str | None) -> SiteProfile:
        """The profile of the site ``slug`` (a request's ``meta["site"]``; None: this crawl's one)."""
        if slug is None:
            assert self.profile is not None, "a request without meta['site'] in a crawl of many sites"
            return self.profile
        return self.profiles[slug]

    def _site_of(self, meta: Any) -> SiteProfile:
        return self.site_profile(meta.get("site"))

    def crawl_target(self, slug: str) -> CrawlTarget:
        """The record that begins ``slug``'s crawl run (before any other record of the site)."""
        profile = self.site_profile(slug)
        own = self.profile is not None and slug == self.profile.slug
        target = self.target_label if own else (self.home_urls.get(slug) or slug)
        return CrawlTarget(
            slug,
            profile.name,
            profile.base_url,
            profile.cms,
            self.mode.name,
            target,
            list(profile.allowed_hosts),
        )

    def _fail(self, slug: str, message: str) -> SiteFailed:
        if self.profile is None or slug != self.profile.slug:
            logger.error("site %s: %s", slug, message)
        return SiteFailed(slug, message)

    def _fetched(self, response: Response, page_kind: str) -> Fetched:
        request = response.request
        return Fetched(
            site=self._site_of(response.meta).slug,
            url=response.url,
            page_kind=page_kind,
            status=response.status,
            response_headers=header_pairs(response.headers),
            body=response.body,
            request_headers=header_pairs(request.headers) if request is not None else [],
            method=request.method if request is not None else "GET",
            request_body=request.body if request is not None else b"",
            fetched_at=self.clock.now().isoformat(),
        )
