"""A log formatter that builds no per-page DEBUG records: at 10,000 pages they cost more than the
pages' routing, and zwgk reports what it crawled in its stats, its summary and the WARC files."""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter


class QuietLogFormatter(LogFormatter):
    def crawled(self, *args: Any, **kwargs: Any) -> Any:
        return None

    def scraped(self, *args: Any, **kwargs: Any) -> Any:
        return None
