"""A worker's progress snapshot: what it has scraped and the sites it has worked on."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy import signals
from scrapy.utils.test import get_crawler

from crawler.cluster.worker import WorkerTally
from crawler.items import ColumnWalk, Detail


def test_the_snapshot_counts_details_column_walks_pages_and_sites():
    crawler = get_crawler()
    crawler.stats.set_value("response_received_count", 42)  # type: ignore[union-attr]
    tally = WorkerTally(crawler)
    walk = ColumnWalk(site="a", column_url="http://a/c/", column_path="c", pages=3, found=20)
    for item in (
        Detail(site="a", url="http://a/1", http_status=200),
        walk,
        Detail(site="a", url="http://a/2", http_status=404),
    ):
        crawler.signals.send_catch_log(signals.item_scraped, item=item, response=None, spider=None)
    crawler.spider = SimpleNamespace(
        profiles={"a": SimpleNamespace(columns=[1, 2, 3]), "b": SimpleNamespace(columns=[])}
    )
    assert tally.snapshot() == {
        "pages": 42,
        "items": 2,
        "columns": 1,
        "columns_total": 3,
        "sites": 2,
        "site_columns": {"a": 3, "b": 0},
    }


def test_before_the_spider_opens_the_snapshot_is_empty():
    assert WorkerTally(get_crawler()).snapshot()["sites"] == 0
