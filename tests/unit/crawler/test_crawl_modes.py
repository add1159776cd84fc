"""Crawl modes answer what a crawl fetches again and where it stops; the spider tests no mode names."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.adapters.base import Adapter
from crawler.adapters.ucap import FALLBACK_META, UcapAdapter
from crawler.clock import FixedClock, clock_from_settings
from crawler.known import KnownItems
from crawler.modes import MODES, crawl_mode, in_revalidation_share
from storage.frontier import CrawlState, KnownItem

logger = logging.getLogger(__name__)

TODAY = date(2026, 3, 1)
URL = "http://h/1.html"


def _known() -> CrawlState:
    state = CrawlState()
    state.items[URL] = KnownItem("ok", '"abc"', "Sun, 01 Mar 2026 00:00:00 GMT")
    state.items["http://h/2.html"] = KnownItem("error", None, None)
    return state


def test_the_four_modes_and_an_unknown_one() -> None:
    assert sorted(MODES) == ["discover", "full", "incremental", "sweep"]
    with pytest.raises(ValueError, match="unknown crawl mode 'nightly'"):
        crawl_mode("nightly")
    with pytest.raises(ValueError, match="between 0 and 1"):
        crawl_mode("sweep", 1.5)


def test_full_fetches_everything_and_discover_walks_no_listing() -> None:
    full, discover = crawl_mode("full"), crawl_mode("discover")
    assert full.detail_headers(URL, _known(), TODAY) == {}
    assert full.walks_listings and not discover.walks_listings
    assert not full.needs_known and not discover.needs_known


def test_incremental_skips_pages_fetched_well_and_stops_at_known_items() -> None:
    mode = crawl_mode("incremental")
    assert mode.detail_headers(URL, _known(), TODAY) is None
    assert mode.detail_headers("http://h/2.html", _known(), TODAY) == {}  # its last fetch failed
    known = {f"http://h/{n}.html" for n in range(10)}
    assert not mode.stops_at_known(["http://h/new.html", "http://h/1.html"], known)
    assert mode.stops_at_known(["http://h/1.html", "http://h/2.html", "http://h/3.html"], known)
    assert not mode.records_column_size and mode.needs_known


def test_sweep_revalidates_tonights_share_conditionally() -> None:
    mode = crawl_mode("sweep", 1.0)
    assert mode.detail_headers(URL, _known(), TODAY) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Sun, 01 Mar 2026 00:00:00 GMT",
    }
    assert mode.checks_delisted
    nights = [in_revalidation_share(URL, 0.25, date.fromordinal(TODAY.toordinal() + n)) for n in range(8)]
    assert nights.count(True) == 2  # once every four nights
    assert crawl_mode("sweep", 0.0).detail_headers(URL, _known(), TODAY) is None


def test_known_items_are_read_only_when_the_mode_needs_them() -> None:
    known = KnownItems(crawl_mode("full"), "postgresql://nowhere.invalid/none")
    assert known.load("site") == CrawlState()  # never connects: a full crawl needs nothing known


def test_the_clock_is_injectable() -> None:
    moment = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert clock_from_settings({"ZWGK_CLOCK": FixedClock(moment)}).now() == moment
    assert clock_from_settings({}).now().tzinfo is not None


def test_ucap_tries_the_other_name_of_its_second_page_once() -> None:
    request = Request("http://h/zcwj/list_2.shtml", meta={FALLBACK_META: "http://h/zcwj/list_1.shtml"})
    missing = HtmlResponse(request.url, status=404, body=b"", request=request)
    served = HtmlResponse(request.url, status=200, body=b"<html></html>", request=request)
    assert UcapAdapter().fallback_url(missing) == "http://h/zcwj/list_1.shtml"
    assert UcapAdapter().fallback_url(served) is None
    assert Adapter().fallback_url(missing) is None
