"""pipelines/normalise.py: raw strings turned into values (canonical URLs, clean titles, dates);
records it has nothing to do for pass through untouched."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from crawler.items import ColumnSeen, ColumnWalk, CrawlTarget, Delisted, Detail, Fetched, Listing
from pipelines.normalise import NormalisePipeline, canonical_url, clean_text

COLUMN = "HTTP://H.Example:80/zfwj/#top"


@pytest.fixture
def stage() -> NormalisePipeline:
    return NormalisePipeline()  # as pipelines/chain.py builds it: no settings of its own


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTP://WWW.H.Example/a.html#x", "http://www.h.example/a.html"),
        ("http://h:80/a.html", "http://h/a.html"),
        ("https://h:443/a.html", "https://h/a.html"),
        ("http://h:8080/a.html?b=1&a=2", "http://h:8080/a.html?b=1&a=2"),
        ("  http://h  ", "http://h/"),
        ("https://h:80/a", "https://h:80/a"),
    ],
)
def test_one_spelling_per_page(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_clean_text_folds_every_kind_of_space() -> None:
    assert clean_text("  关于\u3000印发\xa0\n\t通知  ") == "关于 印发 通知"
    assert clean_text(None) == ""


def test_a_listing_gets_canonical_urls_a_clean_title_and_its_list_date(stage) -> None:
    listing = Listing("s", COLUMN, "政府文件", "http://H/zfwj/1.html#p", " 关于\u3000印发 ", "2020-03-05")
    assert stage.process_item(listing) is listing
    assert (listing.url, listing.column_url) == ("http://h/zfwj/1.html", "http://h.example/zfwj/")
    assert listing.title == "关于 印发"
    assert listing.list_date == date(2020, 3, 5)
    assert listing.list_date_raw == "2020-03-05"  # the raw string is kept beside the value
    assert listing.column_path == "政府文件"


def test_a_date_already_read_is_not_read_again(stage) -> None:
    listing = Listing("s", "http://h/", "c", "http://h/1.html", "t", "2020-03-05", list_date=date(2019, 1, 1))
    stage.process_item(listing)
    assert listing.list_date == date(2019, 1, 1)


def test_a_listing_without_a_readable_date_keeps_none(stage) -> None:
    listing = Listing("s", "http://h/", "c", "http://h/1.html", "t", "去年")
    stage.process_item(listing)
    assert listing.list_date is None


def test_a_detail_gets_its_published_and_written_dates(stage) -> None:
    detail = Detail(
        "s",
        "HTTP://H/zfwj/1.html#top",
        200,
        title="\n通知\n",
        published_raw="2021年7月8日",
        written_raw="2021-07-01",
    )
    assert stage.process_item(detail) is detail
    assert (detail.url, detail.title) == ("http://h/zfwj/1.html", "通知")
    assert (detail.published_on, detail.written_on) == (date(2021, 7, 8), date(2021, 7, 1))
    dated = Detail("s", "http://h/1.html", 200, published_raw="2021-07-08", published_on=date(2000, 1, 1))
    assert stage.process_item(dated).published_on == date(2000, 1, 1)


def test_walks_columns_and_delistings_get_canonical_urls(stage) -> None:
    walk = stage.process_item(ColumnWalk("s", COLUMN, "c", pages=2, found=3))
    seen = stage.process_item(ColumnSeen("s", COLUMN, "c"))
    gone = stage.process_item(Delisted("s", COLUMN, "HTTP://H/1.html#a", 404))
    assert walk.column_url == seen.column_url == gone.column_url == "http://h.example/zfwj/"
    assert gone.url == "http://h/1.html"


@pytest.mark.parametrize(
    "record",
    [
        Fetched("s", "HTTP://H/a.html#x", "detail", 200, [], b"<p>  x  </p>", []),
        CrawlTarget("s", "S", "HTTP://H/", "trs", "full", "HTTP://H/#x"),
    ],
    ids=lambda r: type(r).__name__,
)
def test_records_as_served_pass_through_untouched(stage, record) -> None:
    before = replace(record)
    assert stage.process_item(record) is record
    assert record == before  # a WARC capture keeps the URL as requested
