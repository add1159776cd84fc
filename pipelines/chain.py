"""The record pipelines as one Scrapy pipeline: each stage keeps its one concern, Scrapy sees one.

Scrapy runs every item through each entry of ``ITEM_PIPELINES`` with its own asynchronous
machinery (a coroutine and Deferreds per item and per stage); for a crawl yielding ~20,000 small
records through six synchronous stages that machinery cost about as much CPU as the stages' own
work (measured on the benchmark site: bench/README.md). ``PipelineChain`` is the only entry of
``ITEM_PIPELINES``; it builds the stages listed in ``ZWGK_PIPELINES`` (same form: class path →
order) and calls them in order, in plain Python.

Stages are ordinary Scrapy pipelines (``from_crawler``, ``open_spider``, ``process_item``,
``close_spider``) and are treated as Scrapy treats pipelines: a stage raising ``NotConfigured`` is
left out (said in the log), ``DropItem`` ends the item's way through the chain, stages open in
order and close in reverse order (the store, last in, closes first), and a stage that fails to
close does not keep the others from closing.

A ``Detail`` carrying its ``page`` (the ``Fetched`` exchange it was read from) is two records in
one: the page goes through the stages first, then the Detail, as if yielded apart; a page that is
dropped or fails in a stage does not take its Detail with it.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

logger = logging.getLogger(__name__)


class PipelineChain:
    def __init__(self, stages: list[Any]) -> None:
        self.stages = stages
        self._process = [stage.process_item for stage in stages if hasattr(stage, "process_item")]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PipelineChain:
        listed = crawler.settings.getdict("ZWGK_PIPELINES")
        stages = []
        for path, order in sorted(listed.items(), key=lambda entry: entry[1] or 0):
            if order is None:
                continue  # disabled, as in ITEM_PIPELINES
            try:
                stages.append(build_from_crawler(load_object(path), crawler))
            except NotConfigured as exc:
                logger.warning("pipeline stage %s is off: %s", path, exc)
        return cls(stages)

    def open_spider(self) -> None:
        for stage in self.stages:
            if hasattr(stage, "open_spider"):
                stage.open_spider()

    def process_item(self, item: Any) -> Any:
        page = getattr(item, "page", None)
        if page is not None:
            item.page = None
            try:
                self._run(page)
            except DropItem as exc:
                logger.warning("Dropped: %s", exc)
            except Exception:
                # logged at ERROR, so the run is not reported clean; the Detail still goes on
                logger.exception("a pipeline stage failed on the page %s", getattr(page, "url", "?"))
        return self._run(item)

    def _run(self, item: Any) -> Any:
        for process in self._process:
            item = process(item)
        return item

    def close_spider(self) -> None:
        for stage in reversed(self.stages):
            if hasattr(stage, "close_spider"):
                try:
                    stage.close_spider()
                except Exception:
                    logger.exception("pipeline stage %s failed to close", type(stage).__name__)
