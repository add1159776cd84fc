"""A worker's column records: a column seen is committed at once (other workers look it up to store
its later list pages), a column walk waits for the batch (whose commit ends the list page's lease)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from scrapy.settings import Settings
from sqlalchemy import select

from crawler.items import ColumnSeen, ColumnWalk, CrawlTarget, Listing
from pipelines.store import StorePipeline
from storage.db import open_database
from storage.models import Column

SITE = "heishan"
COLUMNS = ("http://h/zfwj/", "http://h/gg/")


def _worker_store(db_url: str) -> tuple[StorePipeline, list[str]]:
    """A worker's store pipeline, and the list its session's commits are noted in."""
    settings = Settings({"ZWGK_DB_URL": db_url, "ZWGK_STORE_BATCH": 100, "ZWGK_DISTRIBUTED": True})
    crawler: Any = SimpleNamespace(settings=settings, spider=None, stats=None)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(CrawlTarget(SITE, "黑山县", "http://h/", "trs", "crawl", "http://h/"))
    commits: list[str] = []
    session: Any = pipeline.session
    commit = session.commit

    def noted() -> None:
        commits.append("commit")
        commit()

    session.commit = noted
    return pipeline, commits


def _columns(db_url: str) -> dict[str, tuple[str, int | None, int | None]]:
    """What another worker sees: each committed column's status, pages and items found."""
    db = open_database(db_url)
    with db.session() as s:
        rows = s.execute(select(Column.url, Column.status, Column.pages, Column.found_total)).all()
    db.dispose()
    return {url: (status, pages, found) for url, status, pages, found in rows}


def _walk(column: str, found: int) -> ColumnWalk:
    return ColumnWalk(SITE, column, "c", pages=2, found=found)


def test_a_column_seen_is_committed_at_once_and_its_walk_with_the_batch(db_url: str) -> None:
    pipeline, commits = _worker_store(db_url)
    for column in COLUMNS:
        pipeline.process_item(ColumnSeen(SITE, column, "c"))
    assert len(commits) == 2  # one each: another worker storing page 2 looks the column up
    assert _columns(db_url) == {column: ("unwalked", None, None) for column in COLUMNS}
    pipeline.process_item(Listing(SITE, COLUMNS[0], "c", "http://h/1.html", "标题", position=1))
    pipeline.process_item(_walk(COLUMNS[1], 0))
    pipeline.process_item(_walk(COLUMNS[0], 1))
    assert len(commits) == 2  # the walks wait for the batch
    assert _columns(db_url)[COLUMNS[0]] == ("unwalked", None, None)
    pipeline._commit()
    assert commits[2:] == ["commit", "commit"]  # the batch's flush, then _commit's own: none a walk
    assert _columns(db_url) == {COLUMNS[0]: ("ok", 2, 1), COLUMNS[1]: ("ok", 2, 0)}
    pipeline.close_spider()


def test_a_killed_workers_walk_is_not_stored_and_the_redone_one_is(db_url: str) -> None:
    killed, _ = _worker_store(db_url)
    killed.process_item(ColumnSeen(SITE, COLUMNS[0], "c"))
    killed.process_item(_walk(COLUMNS[0], 5))
    assert killed.session is not None and killed.db is not None
    killed.session.close()  # killed before its batch committed: the list page is still leased
    killed.db.dispose()
    assert _columns(db_url) == {COLUMNS[0]: ("unwalked", None, None)}
    redone, _ = _worker_store(db_url)  # another worker re-does the leased list page
    redone.process_item(_walk(COLUMNS[0], 5))  # the column is looked up: the killed one committed it
    redone.close_spider()
    assert _columns(db_url) == {COLUMNS[0]: ("ok", 2, 5)}
