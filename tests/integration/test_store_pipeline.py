"""The store pipeline buffers listings and details, writes them a batch at a time, commits per batch."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from scrapy.settings import Settings
from sqlalchemy import func, select

from crawler.items import ColumnSeen, ColumnWalk, CrawlTarget, Detail, Listing
from pipelines.store import StorePipeline
from storage.db import open_database
from storage.models import CrawlRun, Item, ItemColumn, ItemVersion

logger = logging.getLogger(__name__)

SITE = "heishan"
COLUMN = "http://h/zfwj/"


def _pipeline(db_url: str, batch: int) -> StorePipeline:
    settings = Settings({"ZWGK_DB_URL": db_url, "ZWGK_STORE_BATCH": batch})
    crawler: Any = SimpleNamespace(settings=settings, spider=None, stats=None)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(CrawlTarget(SITE, "黑山县", "http://h/", "trs", "crawl", "http://h/"))
    return pipeline


def _listing(n: int, column: str = COLUMN) -> Listing:
    return Listing(SITE, column, "政府文件", f"http://h/{n}.html", f"标题{n}", position=n)


def _detail(n: int, body: str = "正文") -> Detail:
    return Detail(
        SITE, f"http://h/{n}.html", 200, title=f"通知{n}", body_text=body, content_hash=f"{n}{body}"
    )


def _crawl() -> list[Any]:
    """Records as a spider yields them: the column, listings, their details, a cross-listing, the walk."""
    records: list[Any] = [ColumnSeen(SITE, COLUMN, "政府文件"), ColumnSeen(SITE, "http://h/gg/", "公告")]
    for n in range(7):
        records += [_listing(n), _detail(n)]
    records += [_listing(3, "http://h/gg/"), ColumnWalk(SITE, COLUMN, "政府文件", pages=1, found=7)]
    return records


def _state(db_url: str) -> dict[str, Any]:
    """The archive's content, without the times that differ between runs."""
    db = open_database(db_url)
    with db.session() as s:
        items = sorted(
            tuple(r) for r in s.execute(select(Item.url, Item.title, Item.fetch_status, Item.list_title))
        )
        members = s.execute(select(func.count()).select_from(ItemColumn)).scalar_one()
        versions = sorted(
            tuple(r) for r in s.execute(select(ItemVersion.content_hash, ItemVersion.version_no))
        )
    db.dispose()
    return {"items": items, "members": members, "versions": versions}


def _count(db_url: str, model: Any) -> int:
    db = open_database(db_url)
    with db.session() as s:
        n = s.execute(select(func.count()).select_from(model)).scalar_one()
    db.dispose()
    return int(n)


def test_records_are_written_a_batch_at_a_time(db_url: str) -> None:
    pipeline = _pipeline(db_url, batch=4)
    records = _crawl()
    for record in records[:3]:  # two columns and a listing: nothing committed yet
        pipeline.process_item(record)
    assert _count(db_url, Item) == 0
    pipeline.process_item(records[3])  # the fourth record fills the batch
    assert _count(db_url, Item) == 1 and _count(db_url, ItemVersion) == 1
    for record in records[4:]:
        pipeline.process_item(record)
    assert pipeline.listings or pipeline.details  # the last, partial batch waits for the close
    pipeline.close_spider()
    assert _state(db_url)["items"] == [
        (f"http://h/{n}.html", f"通知{n}", "ok", f"标题{n}") for n in range(7)
    ]  # fmt: skip
    assert _state(db_url)["members"] == 8
    db = open_database(db_url)
    with db.session() as s:
        run = s.execute(select(CrawlRun)).scalar_one()
        assert (run.status, run.exit_code) == ("ok", 0)
    db.dispose()


def test_a_listing_never_overtakes_its_items_detail(db_url: str) -> None:
    pipeline = _pipeline(db_url, batch=100)
    pipeline.process_item(ColumnSeen(SITE, COLUMN, "政府文件"))
    pipeline.process_item(_listing(1))
    pipeline.process_item(_detail(1))
    pipeline.process_item(_listing(2))  # another item: may be written ahead of the detail
    assert [r.url for r in pipeline.listings] == ["http://h/1.html", "http://h/2.html"]
    pipeline.process_item(_listing(1))  # the same item again: the buffer is written first
    assert [r.url for r in pipeline.listings] == ["http://h/1.html"] and pipeline.details == []
    pipeline.close_spider()
    assert _count(db_url, Item) == 2


def test_a_killed_run_rerun_ends_as_an_unbroken_one(db_url: str, tmp_path: Path) -> None:
    records = _crawl()
    unbroken = f"sqlite:///{tmp_path / 'unbroken' / 'zwgk.sqlite'}"
    pipeline = _pipeline(unbroken, batch=4)
    for record in records:
        pipeline.process_item(record)
    pipeline.close_spider()

    killed = _pipeline(db_url, batch=4)
    for record in records[:10]:
        killed.process_item(record)
    assert killed.session is not None and killed.db is not None
    killed.session.close()  # killed: the open batch (item 3) is lost, the committed ones stay
    killed.db.dispose()
    assert _count(db_url, Item) == 3
    rerun = _pipeline(db_url, batch=4)
    for record in records:
        rerun.process_item(record)
    rerun.close_spider()
    assert _state(db_url) == _state(unbroken)


def test_not_modified_keeps_the_stored_page_and_its_validators(db_url: str) -> None:
    pipeline = _pipeline(db_url, batch=1)
    pipeline.process_item(ColumnSeen(SITE, COLUMN, "政府文件"))
    pipeline.process_item(_listing(1))
    good = _detail(1)
    good.etag, good.last_modified = '"v1"', "Sat, 05 Jan 2019 08:00:00 GMT"
    pipeline.process_item(good)
    pipeline.process_item(Detail(SITE, "http://h/1.html", 304, not_modified=True))
    pipeline.close_spider()
    db = open_database(db_url)
    with db.session() as s:
        item = s.execute(select(Item)).scalar_one()
        kept = (item.title, item.body_text, item.content_hash, item.etag, item.last_modified)
        assert kept == ("通知1", "正文", "1正文", '"v1"', "Sat, 05 Jan 2019 08:00:00 GMT")
        assert (item.fetch_status, item.http_status) == ("ok", 200)
        assert s.execute(select(func.count()).select_from(ItemVersion)).scalar_one() == 1
    db.dispose()
