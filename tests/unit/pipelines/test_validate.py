"""pipelines/validate.py: what the validate stage passes through, what it drops and why."""

from __future__ import annotations

from datetime import date

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import (
    AttachmentFile,
    ColumnSeen,
    ColumnWalk,
    CrawlTarget,
    Delisted,
    Detail,
    Fetched,
    Listing,
    SiteFailed,
    SiteSeen,
)
from pipelines.validate import ValidatePipeline, problems

COLUMN = "http://h/zfwj/"


@pytest.fixture
def stage() -> ValidatePipeline:
    return ValidatePipeline.from_crawler(get_crawler())


GOOD = [
    CrawlTarget("s", "S", "http://h/", "trs", "full", "http://h/", ["h"]),
    SiteFailed("s", "home page unreachable"),
    Fetched("s", "http://h/", "home", 200, [], b"<html></html>", []),
    SiteSeen("s", "S", "http://h/", "trs"),
    ColumnSeen("s", COLUMN, "政府文件"),
    Listing("s", COLUMN, "政府文件", "http://h/zfwj/1.html", "通知", list_date=date(2020, 1, 2)),
    Detail("s", "https://h/zfwj/1.html", 200),
    Detail("s", "http://h/zfwj/2.html", 404, fetch_status="not_found"),
    ColumnWalk("s", COLUMN, "政府文件", pages=1, found=1),
    Delisted("s", COLUMN, "http://h/zfwj/3.html", 404),
    AttachmentFile("s", "http://h/a.pdf", "http://h/zfwj/1.html", "a.pdf", 200),
]


@pytest.mark.parametrize("record", GOOD, ids=lambda r: type(r).__name__)
def test_every_well_formed_record_passes_unchanged(stage: ValidatePipeline, record) -> None:
    assert problems(record) == []
    assert stage.process_item(record) is record


BAD = [
    ("a dict", {"site": "s", "url": "http://h/"}, "unknown record type dict"),
    ("no site", Detail("", "http://h/a.html", 200), "no site"),
    ("relative URL", Detail("s", "/a.html", 200), "not an http(s) URL: '/a.html'"),
    ("ftp URL", Fetched("s", "ftp://h/a", "detail", 200, [], b"", []), "not an http(s) URL"),
    ("listing without column", Listing("s", COLUMN, "", "http://h/1.html", "t"), "no column path"),
    ("walk without column", ColumnWalk("s", COLUMN, "", pages=1, found=0), "no column path"),
    ("column without path", ColumnSeen("s", COLUMN, ""), "no column path"),
    (
        "odd fetch status",
        Detail("s", "http://h/a.html", 200, fetch_status="maybe"),
        "unknown fetch status 'maybe'",
    ),
    ("column URL", ColumnSeen("s", "zfwj/", "政府文件"), "not an http(s) URL: 'zfwj/'"),
]


@pytest.mark.parametrize(("record", "reason"), [(r, why) for _, r, why in BAD], ids=[n for n, _, _ in BAD])
def test_a_record_that_cannot_be_stored_is_dropped_with_its_reason(stage, record, reason) -> None:
    with pytest.raises(DropItem, match="invalid") as dropped:
        stage.process_item(record)
    assert reason in str(dropped.value)


def test_every_problem_is_named_and_each_drop_is_counted(stage: ValidatePipeline) -> None:
    record = Listing("", COLUMN, "", "x", "t")
    assert problems(record) == ["no site", "not an http(s) URL: 'x'", "no column path"]
    for _ in range(2):
        with pytest.raises(DropItem):
            stage.process_item(record)
    assert stage.crawler.stats.get_value("zwgk/invalid_records") == 2


def test_a_site_failure_needs_no_url(stage: ValidatePipeline) -> None:
    failed = SiteFailed("s", "DNS lookup failed")
    assert stage.process_item(failed) is failed
    assert problems(SiteFailed("", "x")) == ["no site"]
