"""pipelines/chain.py: the stages as one Scrapy pipeline, behaving as Scrapy's own chain would."""

from __future__ import annotations

import logging

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawler.items import Detail, Fetched
from pipelines.chain import PipelineChain

SEEN: list[str] = []


class Recorder:
    def __init__(self, name: str, fail_on: str | None = None, drop_on: str | None = None) -> None:
        self.name, self.fail_on, self.drop_on = name, fail_on, drop_on

    def process_item(self, item):
        kind = type(item).__name__
        SEEN.append(f"{self.name}:{kind}")
        if kind == self.fail_on:
            raise OSError("disk full")
        if kind == self.drop_on:
            raise DropItem(f"{self.name} drops a {kind}")
        return item

    def open_spider(self) -> None:
        SEEN.append(f"open {self.name}")

    def close_spider(self) -> None:
        SEEN.append(f"close {self.name}")
        if self.fail_on == "close":
            raise OSError("cannot flush")


class Off:
    @classmethod
    def from_crawler(cls, crawler):
        raise NotConfigured("no folder")


class Counting:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item):
        item.note += "+"
        return item


def _detail_with_page() -> Detail:
    page = Fetched("s", "http://h/a.html", "detail", 200, [], b"<html></html>", [])
    return Detail("s", "http://h/a.html", 200, page=page)


@pytest.fixture(autouse=True)
def _clear():
    SEEN.clear()


def test_a_detail_carrying_its_page_goes_through_after_the_page() -> None:
    chain = PipelineChain([Recorder("a"), Recorder("b")])
    detail = _detail_with_page()
    assert chain.process_item(detail) is detail
    assert SEEN == ["a:Fetched", "b:Fetched", "a:Detail", "b:Detail"]
    assert detail.page is None  # not carried further (feeds, signals)


def test_a_page_failing_in_a_stage_does_not_take_its_detail_with_it(caplog) -> None:
    chain = PipelineChain([Recorder("archive", fail_on="Fetched"), Recorder("store")])
    with caplog.at_level(logging.ERROR):
        chain.process_item(_detail_with_page())
    assert SEEN == ["archive:Fetched", "archive:Detail", "store:Detail"]
    assert any(
        "failed on the page http://h/a.html" in r.message
        for r in caplog.records
        if r.levelno == logging.ERROR
    )


def test_a_dropped_page_leaves_its_detail_and_a_dropped_detail_is_dropped() -> None:
    chain = PipelineChain([Recorder("validate", drop_on="Fetched"), Recorder("store")])
    chain.process_item(_detail_with_page())
    assert SEEN == ["validate:Fetched", "validate:Detail", "store:Detail"]
    with pytest.raises(DropItem):
        PipelineChain([Recorder("validate", drop_on="Detail")]).process_item(Detail("s", "u", 200))


def test_stages_open_in_order_and_close_in_reverse_even_when_one_fails(caplog) -> None:
    chain = PipelineChain([Recorder("validate"), Recorder("archive", fail_on="close"), Recorder("store")])
    chain.open_spider()
    with caplog.at_level(logging.ERROR):
        chain.close_spider()
    assert SEEN == [
        "open validate", "open archive", "open store", "close store", "close archive", "close validate"
    ]  # fmt: skip
    assert any("Recorder failed to close" in r.message for r in caplog.records)


def test_stages_come_from_zwgk_pipelines_in_their_order_and_unconfigured_ones_are_left_out(caplog) -> None:
    crawler = get_crawler(
        settings_dict={
            "ZWGK_PIPELINES": {
                "tests.unit.pipelines.test_chain.Counting": 200,
                "tests.unit.pipelines.test_chain.Off": 100,
                "tests.unit.pipelines.test_chain.Recorder": None,
            }
        }
    )
    with caplog.at_level(logging.WARNING):
        chain = PipelineChain.from_crawler(crawler)
    assert [type(s).__name__ for s in chain.stages] == ["Counting"]
    assert any("tests.unit.pipelines.test_chain.Off is off: no folder" in r.message for r in caplog.records)
    assert chain.process_item(Detail("s", "u", 200)).note == "+"
