"""Crawl modes: what a crawl of each kind fetches again, where it stops, and what it checks after.

- ``full``: every column walked whole, every detail page fetched;
- ``incremental``: a column's walk stops where known items begin; only pages not yet fetched well;
- ``sweep``: every column walked whole; new pages fetched, tonight's share of known ones
  revalidated conditionally (ETag / Last-Modified); items a listing no longer shows are checked;
- ``discover``: columns found from the home page, no listing walked (the profile is the result).

The spider asks its mode; it tests no mode names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import date
from typing import ClassVar

from storage.frontier import CrawlState

# An incremental walk stops on the first list page where this many known items appear: new items
# sit on top of a listing, and a small overlap survives reordering and pinned items.
KNOWN_OVERLAP = 3


def in_revalidation_share(url: str, fraction: float, today: date) -> bool:
    """Whether ``url`` is revalidated tonight when ``fraction`` of known pages are, one share a night.

    Pages are split into round(1/fraction) stable buckets by a hash of the URL; night n takes
    bucket n mod buckets, so every page is revalidated once every 1/fraction nights.
    """
    if fraction >= 1:
        return True
    if fraction <= 0:
        return False
    buckets = max(1, round(1 / fraction))
    bucket = int(hashlib.sha1(url.encode()).hexdigest()[:8], 16) % buckets
    return bucket == today.toordinal() % buckets


class CrawlMode:
    """One kind of crawl. The defaults are a full crawl's answers."""

    name: ClassVar[str] = "full"
    # Whether the crawl needs what the archive already knows of a site (loaded before it starts).
    needs_known: ClassVar[bool] = False
    # Whether columns' listings are walked (discover only finds the columns).
    walks_listings: ClassVar[bool] = True
    # Whether a complete walk's size is recorded for the monitors (a walk cut short is no size).
    records_column_size: ClassVar[bool] = True
    # Whether known items a complete walk no longer lists are fetched to see if they are gone.
    checks_delisted: ClassVar[bool] = False

    def __init__(self, revalidate_fraction: float = 1.0) -> None:
        if not 0 <= revalidate_fraction <= 1:
            raise ValueError(f"--revalidate-fraction must be between 0 and 1, got {revalidate_fraction}")
        self.revalidate_fraction = revalidate_fraction

    def stops_at_known(self, new_urls: Collection[str], known_urls: Collection[str]) -> bool:
        """Whether a list page whose new entries are ``new_urls`` ends the column's walk."""
        return False

    def detail_headers(self, url: str, known: CrawlState, today: date) -> dict[str, str] | None:
        """Headers for fetching the detail page ``url``, or None when this crawl does not fetch it."""
        return {}


class FullMode(CrawlMode):
    name = "full"


class DiscoverMode(CrawlMode):
    name = "discover"
    walks_listings = False


class IncrementalMode(CrawlMode):
    name = "incremental"
    needs_known = True
    records_column_size = False

    def stops_at_known(self, new_urls: Collection[str], known_urls: Collection[str]) -> bool:
        hits = sum(1 for url in new_urls if url in known_urls)
        return hits > 0 and hits >= min(KNOWN_OVERLAP, len(known_urls))

    def detail_headers(self, url: str, known: CrawlState, today: date) -> dict[str, str] | None:
        return None if known.is_fetched(url) else {}


class SweepMode(CrawlMode):
    name = "sweep"
    needs_known = True
    checks_delisted = True

    def detail_headers(self, url: str, known: CrawlState, today: date) -> dict[str, str] | None:
        if not known.is_fetched(url):
            return {}
        if not in_revalidation_share(url, self.revalidate_fraction, today):
            return None
        item = known.items[url]
        headers = {}
        if item.etag:
            headers["If-None-Match"] = item.etag
        if item.last_modified:
            headers["If-Modified-Since"] = item.last_modified
        return headers


MODES: dict[str, type[CrawlMode]] = {
    mode.name: mode for mode in (FullMode, IncrementalMode, SweepMode, DiscoverMode)
}


def crawl_mode(name: str, revalidate_fraction: float | str = 1.0) -> CrawlMode:
    """The mode called ``name``; a ValueError names the known ones."""
    if name not in MODES:
        raise ValueError(f"unknown crawl mode {name!r}; expected one of {', '.join(MODES)}")
    return MODES[name](float(revalidate_fraction))


__all__ = [
    "MODES",
    "CrawlMode",
    "DiscoverMode",
    "FullMode",
    "IncrementalMode",
    "SweepMode",
    "crawl_mode",
    "in_revalidation_share",
]
