"""pipelines/archive.py: every fetched exchange written to WARC as served, its place put on the
``Fetched`` record; an unchanged payload becomes a revisit; off without ``ZWGK_WARC_DIR``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.clock import FixedClock
from crawler.items import CrawlTarget, Detail, Fetched, Listing
from pipelines.archive import ArchivePipeline
from storage.warc import check_file, payload_digest, read_response

MOMENT = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
PAGE = "http://h/zfwj/1.html"
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Server", "TRS")]


def _settings(tmp_path: Path) -> dict:
    return {
        "ZWGK_WARC_DIR": str(tmp_path / "warc"),
        "ZWGK_WARC_MAX_BYTES": 10_000_000,
        "ZWGK_DB_URL": f"sqlite:///{tmp_path / 'zwgk.sqlite'}",
        "ZWGK_CLOCK": FixedClock(MOMENT),
    }


@pytest.fixture
def stage(tmp_path: Path):
    stage = ArchivePipeline.from_crawler(get_crawler(settings_dict=_settings(tmp_path)))
    stage.open_spider()
    stage.process_item(CrawlTarget("s", "S", "http://h/", "trs", "full", "http://h/", ["h"]))
    yield stage
    stage.close_spider()


def _fetched(body: bytes, status: int = 200, url: str = PAGE) -> Fetched:
    return Fetched("s", url, "detail", status, HEADERS, body, [("User-Agent", "zwgk")])


def test_without_a_warc_folder_the_stage_is_off(tmp_path: Path) -> None:
    settings = {k: v for k, v in _settings(tmp_path).items() if k != "ZWGK_WARC_DIR"}
    with pytest.raises(NotConfigured, match="ZWGK_WARC_DIR"):
        ArchivePipeline.from_crawler(get_crawler(settings_dict=settings))


def test_a_fetched_page_is_written_and_reads_back_as_served(stage: ArchivePipeline) -> None:
    body = "<p>通知</p>".encode()
    page = stage.process_item(_fetched(body))
    assert page.record_type == "response" and page.changed is True
    assert page.payload_digest == payload_digest(body)
    assert page.warc_file and page.warc_offset is not None and page.warc_length > 0
    back = read_response(stage.folder, page.warc_file, page.warc_offset)
    assert (back.url, back.status, back.body, back.date) == (PAGE, 200, body, MOMENT)
    assert ("Server", "TRS") in back.headers
    assert stage.crawler.stats.get_value("zwgk/warc_response") == 1


def test_the_same_payload_again_is_a_revisit_of_the_first(stage: ArchivePipeline) -> None:
    first = stage.process_item(_fetched(b"<p>same</p>"))
    again = stage.process_item(_fetched(b"<p>same</p>"))
    assert (again.record_type, again.changed) == ("revisit", False)
    assert again.payload_digest == first.payload_digest
    back = read_response(stage.folder, again.warc_file, again.warc_offset)
    assert back.record_type == "revisit" and back.body == b"<p>same</p>"
    changed = stage.process_item(_fetched(b"<p>edited</p>"))
    assert (changed.record_type, changed.changed) == ("response", True)
    assert stage.crawler.stats.get_value("zwgk/warc_revisit") == 1


def test_an_error_page_is_kept_but_never_becomes_a_revisit(stage: ArchivePipeline) -> None:
    stage.process_item(_fetched(b"gone"))  # the same bytes once served with 200
    again = stage.process_item(_fetched(b"gone", status=404))
    assert again.record_type == "response"
    assert stage.process_item(_fetched(b"gone", status=404)).record_type == "response"
    assert read_response(stage.folder, again.warc_file, again.warc_offset).status == 404


def test_the_time_fetched_is_the_records_own_else_the_clock(stage: ArchivePipeline) -> None:
    page = _fetched(b"<p>x</p>")
    page.fetched_at = "2020-01-02T03:04:05+00:00"
    stage.process_item(page)
    assert page.warc_file is not None and page.warc_offset is not None
    assert read_response(stage.folder, page.warc_file, page.warc_offset).date == datetime(
        2020, 1, 2, 3, 4, 5, tzinfo=UTC
    )


def test_closing_finishes_a_file_that_passes_the_check(tmp_path: Path) -> None:
    stage = ArchivePipeline.from_crawler(get_crawler(settings_dict=_settings(tmp_path)))
    stage.open_spider()
    stage.process_item(CrawlTarget("s", "S", "http://h/", "trs", "full", "http://h/", ["h"]))
    stage.process_item(_fetched(b"<p>a</p>"))
    stage.close_spider()
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    assert check_file(warc).ok
    assert not list((tmp_path / "warc").glob("*.open"))


@pytest.mark.parametrize(
    "record",
    [Detail("s", PAGE, 200, title="通知"), Listing("s", "http://h/zfwj/", "c", PAGE, "通知")],
    ids=lambda r: type(r).__name__,
)
def test_other_records_pass_through_unchanged(stage: ArchivePipeline, record) -> None:
    before = replace(record)
    assert stage.process_item(record) is record
    assert record == before
    assert not stage.crawler.stats.get_stats()
