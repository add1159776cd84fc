"""An item's kind from the evidence an auditor would use: the column it is listed in wins over its
page, and the page's own kind stays beside it with its reason."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from scrapy.settings import Settings
from sqlalchemy import select

from audit.web import create_app
from crawler.extract import extract_detail
from crawler.items import ColumnSeen, CrawlTarget, Detail, Listing
from pipelines.store import StorePipeline
from storage import repository
from storage.db import open_database
from storage.models import Column, Item, utcnow

logger = logging.getLogger(__name__)

SITE = "heishan"
PICTURES = "http://h/tpxw/"
VIDEOS = "http://h/spxw/"
NEWS = "http://h/jrgz/"
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"

# A 图片新闻 page as they usually are: one photo and several paragraphs (an article by its page alone).
TEXT_HEAVY = (
    "<html><body><div id='zoom'><p><img src='/tpxw/1.jpg'></p>"
    + "".join(f"<p>{'青石县召开全县经济工作会议，部署来年重点任务。' * 4}</p>" for _ in range(5))
    + "</div></body></html>"
).encode()


def _pipeline(db_url: str) -> StorePipeline:
    settings = Settings({"ZWGK_DB_URL": db_url, "ZWGK_STORE_BATCH": 3})
    crawler: Any = SimpleNamespace(settings=settings, spider=None, stats=None)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.process_item(CrawlTarget(SITE, "黑山县", "http://h/", "trs", "crawl", "http://h/"))
    return pipeline


def _page(url: str, body: bytes) -> Detail:
    return extract_detail(url, body, "text/html; charset=utf-8", SITE)


def _kinds(db_url: str) -> dict[str, tuple[Any, ...]]:
    with open_database(db_url).session() as s:
        rows = s.execute(
            select(Item.url, Item.kind, Item.kind_reason, Item.kind_from_page, Item.kind_page_reason)
        )
        return {r.url.rsplit("/", 1)[-1]: tuple(r)[1:] for r in rows}


def test_the_column_wins_and_the_page_is_kept(db_url: str) -> None:
    sctcm = (REAL / "sctcm-sc-gov-cn" / "detail-20230719.html").read_bytes()
    pipeline = _pipeline(db_url)
    records: list[Any] = [
        ColumnSeen(SITE, PICTURES, "新闻中心/图片新闻"),
        ColumnSeen(SITE, VIDEOS, "新闻中心/视频新闻"),
        ColumnSeen(SITE, NEWS, "新闻中心/今日关注"),
        # the detail before its listing, and after it: the order does not matter
        _page("http://h/1.html", TEXT_HEAVY),
        Listing(SITE, PICTURES, "新闻中心/图片新闻", "http://h/1.html", "会议"),
        Listing(SITE, VIDEOS, "新闻中心/视频新闻", "http://h/2.html", "视频"),
        _page("http://h/2.html", TEXT_HEAVY),
        # a real video page listed in an ordinary column: its page decides
        Listing(SITE, NEWS, "新闻中心/今日关注", "http://h/3.html", "中医药"),
        _page("http://h/3.html", sctcm),
        # listed in an ordinary column and in 图片新闻: the kind column wins
        Listing(SITE, NEWS, "新闻中心/今日关注", "http://h/4.html", "两栏"),
        _page("http://h/4.html", TEXT_HEAVY),
        Listing(SITE, PICTURES, "新闻中心/图片新闻", "http://h/4.html", "两栏"),
        # an ordinary article in an ordinary column
        Listing(SITE, NEWS, "新闻中心/今日关注", "http://h/5.html", "文章"),
        _page("http://h/5.html", TEXT_HEAVY.replace(b"<img src='/tpxw/1.jpg'>", b"")),
    ]
    for record in records:
        pipeline.process_item(record)
    pipeline.close_spider()

    kinds = _kinds(db_url)
    page_reason = "1 images, 464 chars of text"
    assert kinds["1.html"] == ("picture", "column 图片新闻", "article", page_reason)
    assert kinds["2.html"] == ("video", "column 视频新闻", "article", page_reason)
    assert kinds["3.html"][:3] == ("video", kinds["3.html"][3], "video")
    assert kinds["3.html"][3].startswith("video: <video> mp4")
    assert kinds["4.html"] == ("picture", "column 图片新闻", "article", page_reason)
    assert kinds["5.html"] == (
        "article",
        "0 images, 464 chars of text",
        "article",
        "0 images, 464 chars of text",
    )
    with open_database(db_url).session() as s:
        columns = {name: kind for name, kind in s.execute(select(Column.name, Column.kind))}
    assert columns == {"图片新闻": "picture", "视频新闻": "video", "今日关注": None}


def test_a_kind_column_read_later_rekinds_nothing_until_listed_again(db_url: str) -> None:
    """Direct writes: a page's kind stands until a listing in a kind column is recorded."""
    db = open_database(db_url)
    now = utcnow()
    with db.session() as s:
        site = repository.ensure_site(s, SITE, "黑山县", "http://h/", "trs")
        news = repository.ensure_column(s, site, "今日关注", NEWS, "trs", None, None, None, now)
        pics = repository.ensure_column(
            s, site, "图说黑山", PICTURES, "trs", None, None, None, now, "picture", "pattern 图说黑山"
        )
        repository.record_detail(
            s, site, "http://h/9.html", {"kind": "video", "kind_reason": "video: x"}, now
        )
        repository.record_listing(
            s, site, news, "http://h/9.html", "t", None, 0, False, None, None, None, None, now
        )
        assert s.execute(select(Item.kind, Item.kind_reason)).one() == ("video", "video: x")
        repository.record_listing(
            s, site, pics, "http://h/9.html", "t", None, 0, False, None, None, None, None, now
        )
        row = s.execute(select(Item.kind, Item.kind_reason, Item.kind_from_page)).one()
        assert tuple(row) == ("picture", "column 图说黑山", "video")
        # a page that could not be fetched says nothing of its kind
        gone = {"kind": "article", "kind_reason": "", "fetch_status": "not_found", "http_status": 404}
        repository.record_detail(s, site, "http://h/8.html", gone, now)
        row = s.execute(select(Item.kind, Item.kind_from_page).where(Item.url == "http://h/8.html")).one()
        assert tuple(row) == ("article", None)


def test_the_item_view_shows_the_kind_and_both_reasons(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'zwgk.sqlite'}"
    db = open_database(url)
    now = utcnow()
    with db.session() as s:
        site = repository.ensure_site(s, SITE, "黑山县", "http://h/", "trs")
        pics = repository.ensure_column(
            s, site, "图片新闻", PICTURES, "trs", None, None, None, now, "picture", "name 图片新闻"
        )
        item = repository.record_listing(
            s, site, pics, "http://h/7.html", "会议", date(2018, 5, 1), 0, False, None, None, None, None, now
        )
        fields = {"title": "会议", "kind": "article", "kind_reason": "1 images, 464 chars of text"}
        repository.record_detail(s, site, "http://h/7.html", fields, now)
    db.dispose()
    app = create_app(url, tmp_path / "warc", token="", today=date(2019, 3, 20))
    app.config["TESTING"] = True
    try:
        client = app.test_client()
        html = client.get(f"/item/{item}").get_data(as_text=True)
        data = client.get(f"/api/items/{item}").get_json()
    finally:
        app.config["ZWGK_ARCHIVE"].dispose()
    assert "图片（依据：column 图片新闻）" in html
    assert "页面本身看似文章（1 images, 464 chars of text），以所在栏目为准" in html
    assert (data["kind"], data["kind_reason"], data["kind_from_page"]) == (
        "picture",
        "column 图片新闻",
        "article",
    )


def test_a_column_whose_kind_changes_rekinds_every_item_listed_in_it(db_url: str) -> None:
    """kinds.yaml edited, or an archive from before kinds (its columns' kind empty): the next crawl's
    column record decides the kind of every item the column lists, not only the items listed again
    (an incremental crawl stops at the first known item)."""
    db = open_database(db_url)
    now = utcnow()
    with db.session() as s:
        site = repository.ensure_site(s, SITE, "黑山县", "http://h/", "trs")
        pics = repository.ensure_column(s, site, "图片新闻", PICTURES, "trs", None, None, None, now)
        for n in range(3):
            url = f"http://h/tpxw/{n}.html"
            repository.record_detail(s, site, url, {"kind": "article", "kind_reason": "text"}, now)
            repository.record_listing(s, site, pics, url, "t", None, n, False, None, None, None, None, now)
        assert set(s.scalars(select(Item.kind))) == {"article"}
        again = repository.ensure_column(
            s, site, "图片新闻", PICTURES, "trs", None, None, None, now, "picture", "name 图片新闻"
        )
        assert again == pics
        rows = set(s.execute(select(Item.kind, Item.kind_reason, Item.kind_from_page)))
        assert rows == {("picture", "column 图片新闻", "article")}
        # and back: the page's own kind again
        repository.ensure_column(s, site, "图片新闻", PICTURES, "trs", None, None, None, now)
        assert set(s.execute(select(Item.kind, Item.kind_reason))) == {("article", "text")}
    db.dispose()
