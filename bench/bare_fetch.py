"""Scrapy's own floor on the benchmark site: fetch every page with zwgk's settings, do nothing.

    .venv/bin/python -m bench.bare_fetch http://127.0.0.1:PORT/ SITE_DIR   # SITE_DIR: the exported site

Requests every file of SITE_DIR (no link following, no parsing, no records) with zwgk's crawl
settings for loopback, and prints wall and CPU seconds: what no Scrapy-based crawler of this site
can go below in one process (bench/README.md, "Why the targets are out of reach").
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as zwgk_settings


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Any) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("site_dir", type=Path)
    args = parser.parse_args()
    base = args.base_url.rstrip("/") + "/"
    urls = [base + str(p.relative_to(args.site_dir)) for p in sorted(args.site_dir.rglob("*")) if p.is_file()]
    settings = Settings()
    settings.setmodule(zwgk_settings)
    settings.setdict(
        {
            "ITEM_PIPELINES": {},
            "DOWNLOADER_MIDDLEWARES": {},
            "ROBOTSTXT_OBEY": False,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
            "LOG_LEVEL": "WARNING",
        }
    )
    started = time.monotonic()
    process = CrawlerProcess(settings)
    process.crawl(BareSpider, urls=urls)
    process.start()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"{len(urls):,} pages fetched, nothing parsed: {time.monotonic() - started:.1f} s wall, "
        f"{usage.ru_utime + usage.ru_stime:.1f} s CPU"
    )


if __name__ == "__main__":
    main()
