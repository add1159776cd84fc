"""pipelines/hijack.py: the hijack scan attaches its signals to the fetched pages it should scan,
with the hosts its site is known by, counts the flagged pages, and leaves every other record alone."""

from __future__ import annotations

from dataclasses import replace

import pytest
from scrapy.utils.test import get_crawler

from crawler.items import CrawlTarget, Detail, Fetched, Listing, SiteSeen
from pipelines.hijack import IntegrityPipeline

HOME = "http://www.qingshi.gov.cn/"
HTML = [("Content-Type", "text/html; charset=utf-8")]
SPAM = '<div style="position:absolute; top:-9999px"><a href="http://bet.example/">澳门葡京</a></div>'


def _page(body: str, title: str = "通知公告_青石县人民政府") -> bytes:
    return (
        f'<html><head><title>{title}</title><meta name="SiteName" content="青石县人民政府"></head>'
        f"<body>{body}</body></html>"
    ).encode()


def _fetched(body: bytes, kind: str = "list", status: int = 200, headers=HTML) -> Fetched:
    return Fetched("qs", HOME + "tzgg/index.html", kind, status, headers, body, [])


@pytest.fixture
def stage() -> IntegrityPipeline:
    stage = IntegrityPipeline.from_crawler(get_crawler())
    stage.process_item(CrawlTarget("qs", "青石县人民政府", HOME, "trs", "full", HOME, ["www.qingshi.gov.cn"]))
    return stage


def test_a_spam_link_hidden_in_a_page_is_flagged_and_counted(stage: IntegrityPipeline) -> None:
    page = stage.process_item(_fetched(_page(SPAM)))
    assert {signal["kind"] for signal in page.signals} == {"hidden_link", "spam"}
    assert all(isinstance(signal, dict) and signal["severity"] for signal in page.signals)
    assert page.scanned is True
    assert stage.crawler.stats.get_value("zwgk/pages_flagged") == 1


def test_a_clean_page_is_scanned_with_nothing_found(stage: IntegrityPipeline) -> None:
    page = stage.process_item(_fetched(_page('<p>正文</p><a href="/zfwj/">政府文件</a>')))
    assert (page.signals, page.scanned) == ([], True)
    assert stage.crawler.stats.get_value("zwgk/pages_flagged") is None


def test_the_sites_own_hosts_come_from_its_crawl_target() -> None:
    stage = IntegrityPipeline.from_crawler(get_crawler())
    hosts = ["www.qingshi.gov.cn", "bet.example"]  # the hidden link now points at the site itself
    stage.process_item(CrawlTarget("qs", "青石县人民政府", HOME, "trs", "full", HOME, hosts))
    assert stage.process_item(_fetched(_page(SPAM))).signals == []


def test_the_name_the_home_page_gives_replaces_the_configured_one(stage: IntegrityPipeline) -> None:
    stage.process_item(SiteSeen("qs", "青石县人民政府网", HOME, "trs"))
    assert stage.sites["qs"] == ("青石县人民政府网", {"www.qingshi.gov.cn"})
    stage.process_item(SiteSeen("other", "不相干", "http://x/", "trs"))  # no target: not a site of this run
    assert "other" not in stage.sites


def test_a_gbk_page_is_decoded_before_the_scan(stage: IntegrityPipeline) -> None:
    body = _page(SPAM).decode().replace("utf-8", "gbk").encode("gbk")
    page = stage.process_item(_fetched(body, headers=[("Content-Type", "text/html; charset=GBK")]))
    assert {signal["kind"] for signal in page.signals} == {"hidden_link", "spam"}


@pytest.mark.parametrize(
    "fetched",
    [
        _fetched(_page(SPAM), status=404),
        _fetched(_page(SPAM), kind="attachment"),
        _fetched(_page(SPAM), headers=[("Content-Type", "application/pdf")]),
    ],
    ids=["not 200", "not a page kind scanned", "not html"],
)
def test_pages_it_does_not_scan_pass_through_untouched(stage: IntegrityPipeline, fetched: Fetched) -> None:
    assert stage.process_item(fetched) is fetched
    assert (fetched.signals, fetched.scanned) == ([], False)


def test_a_page_scanned_by_a_worker_is_counted_not_scanned_again(stage: IntegrityPipeline) -> None:
    worker_signals = [{"kind": "spam", "evidence": {}, "severity": "warning"}]
    page = _fetched(_page("<p>正文</p>"), kind="detail")
    page.scanned, page.signals = True, worker_signals
    assert stage.process_item(page).signals is worker_signals
    assert stage.crawler.stats.get_value("zwgk/pages_flagged") == 1


@pytest.mark.parametrize(
    "record",
    [Detail("qs", HOME + "a.html", 200, title="澳门葡京"), Listing("qs", HOME, "c", HOME + "a.html", "九游")],
    ids=lambda r: type(r).__name__,
)
def test_other_records_pass_through_unchanged(stage: IntegrityPipeline, record) -> None:
    before = replace(record)
    assert stage.process_item(record) is record
    assert record == before
