"""Turn raw strings into values: dates, canonical URLs, whitespace in titles."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urlsplit, urlunsplit

from crawler.extract import listing_date, parse_date
from crawler.items import ColumnSeen, ColumnWalk, Delisted, Detail, Listing

_SPACE = re.compile(r"[\s\u3000\xa0]+")


def canonical_url(url: str) -> str:
    """One spelling per page: no fragment, lower-case scheme and host, no default port."""
    url = urldefrag(url.strip())[0]
    split = urlsplit(url)
    host = (split.hostname or "").lower()
    port = split.port
    if port and not ((split.scheme == "http" and port == 80) or (split.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return urlunsplit((split.scheme.lower(), host, split.path or "/", split.query, ""))


def clean_text(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


class NormalisePipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, Listing):
            item.url = canonical_url(item.url)
            item.column_url = canonical_url(item.column_url)
            item.title = clean_text(item.title)
            if item.list_date is None and item.list_date_raw:
                item.list_date = listing_date(item.list_date_raw, item.url)
        elif isinstance(item, Detail):
            item.url = canonical_url(item.url)
            item.title = clean_text(item.title)
            if item.published_on is None and item.published_raw:
                item.published_on = parse_date(item.published_raw)
            if item.written_on is None and item.written_raw:
                item.written_on = parse_date(item.written_raw)
        elif isinstance(item, ColumnWalk | ColumnSeen):
            item.column_url = canonical_url(item.column_url)
        elif isinstance(item, Delisted):
            item.url = canonical_url(item.url)
            item.column_url = canonical_url(item.column_url)
        return item
