"""The Scrapy spider a user writes first: follow every link, yield each page's URL and title.

    scrapy runspider bench/naive_spider.py -a start_url=http://127.0.0.1:PORT/ -o pages.jsonl

bench/run runs it with Scrapy's default settings, except no robots.txt, no AutoThrottle and zwgk's
per-host concurrency on loopback, as the baseline a user would pick instead of zwgk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class NaiveSpider(CrawlSpider):
    name = "naive"
    rules = (Rule(LinkExtractor(), follow=True, callback="parse_page"),)

    def __init__(self, start_url: str = "http://127.0.0.1:8080/", *args: Any, **kwargs: Any) -> None:
        self.start_urls = [start_url]
        self.allowed_domains = [urlsplit(start_url).hostname or "127.0.0.1"]
        super().__init__(*args, **kwargs)

    def parse_page(self, response: Response) -> Iterator[dict[str, str | None]]:
        yield {"url": response.url, "title": response.css("title::text").get()}
