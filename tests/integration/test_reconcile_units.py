"""Units as reports write them (issue 19): 图片96张 counts pictures, 视频新闻369条 items. On a small
archive whose picture items hold several images, some shown in more than one item, the reconciliation
counts 图片…张 by the distinct images and 图片新闻…条 by the picture items, says which unit it used, and
gives the other figure beside it — in the records, the summary, the full views (with the files behind
the number) and the counted (dashboard) path alike, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from audit.reconcile import reconcile_records, reconcile_reports, reconcile_views
from audit.reconcile_summary import reconcile_summary_view
from storage import reads
from storage import repository as repo
from storage.db import open_database

T0 = datetime(2019, 4, 1, tzinfo=UTC)
IMG = "http://hs/tp/{}.jpg"
# picture items of 2018 and their images: 3 items, 7 image entries, 5 distinct images (a and c are
# each shown twice); one picture item of 2017 whose images must not count; two video items, one
# file shared
PICTURES = {
    ("http://hs/tp/1", date(2018, 3, 1)): ["a", "b"],
    ("http://hs/tp/2", date(2018, 6, 1)): ["a", "c", "d"],
    ("http://hs/tp/3", date(2018, 9, 1)): ["c", "e"],
    ("http://hs/tp/old", date(2017, 9, 1)): ["z"],
}
VIDEOS = {
    ("http://hs/sp/1", date(2018, 2, 1)): ["http://hs/v/1.mp4"],
    ("http://hs/sp/2", date(2018, 5, 1)): ["http://hs/v/1.mp4"],
}


@pytest.fixture
def archive(db_url: str) -> Any:
    db = open_database(db_url)
    with db.session() as s:
        site = repo.ensure_site(s, "hs", "黑山县人民政府", "http://hs/", "trs")
        columns = {
            path: repo.ensure_column(s, site, path, f"http://hs/{n}/", "trs", None, None, "none", T0)
            for n, path in enumerate(("图片新闻", "视频新闻", "今日关注"))
        }

        def item(url: str, column: str, on: date, kind: str, **fields: Any) -> None:
            repo.record_listing(s, site, columns[column], url, url, on, 0, False, None, None, "x", "1", T0)
            fields = {"published_on": on, "fetch_status": "ok", "title": url, "kind": kind, **fields}
            repo.record_detail(s, site, url, fields, T0)

        for (url, on), names in PICTURES.items():
            item(url, "图片新闻", on, "picture", images=[IMG.format(n) for n in names])
        for (url, on), files in VIDEOS.items():
            item(url, "视频新闻", on, "video", videos=files)
        item("http://hs/news", "今日关注", date(2018, 4, 1), "article", images=[IMG.format("x")])
        s.commit()
    yield db
    db.dispose()


def _reconciled(db: Any, text: str, with_items: bool = True) -> dict[str, Any]:
    with db.session() as s:
        return {r.key: r for r in reconcile_reports(s, "hs", 2018, [text], with_items=with_items)}


def test_the_read_counts_distinct_images_of_the_years_picture_items(archive: Any) -> None:
    with archive.session() as s:
        media = reads.media_of_items(s, "hs", 2018, "picture")
        videos = reads.media_of_items(s, "hs", 2018, "video", "videos")
    assert media.items == 3 and media.count == 5
    assert sorted(media.files) == [IMG.format(n) for n in "abcde"]
    assert dict(zip(media.files, media.first_shown_in, strict=True))[IMG.format("c")] == "http://hs/tp/2"
    assert (videos.items, videos.count) == (2, 1)


@pytest.mark.parametrize("with_items", [True, False])
def test_pictures_by_the_sheet_are_the_distinct_images_with_the_items_beside(
    archive: Any, with_items: bool
) -> None:
    r = _reconciled(archive, "全年发布图片6张，视频新闻2条。", with_items)
    pictures, video = r["pictures"], r["video_news"]
    assert (pictures.claimed, pictures.archived, pictures.difference) == (6, 5, -1)
    assert pictures.measure is not None and pictures.measure.used == "images"
    assert (pictures.measure.other_measure, pictures.measure.other) == ("items", 3)
    assert "张" in pictures.unit_note and "按条 (items)：3" in pictures.unit_note
    assert pictures.item_count == 3  # the items behind the number are the picture items
    assert (video.claimed, video.archived) == (2, 2)
    assert video.measure is not None and video.measure.used == "items"
    assert (video.measure.other_measure, video.measure.other) == ("sources", 1)


def test_pictures_by_the_item_or_with_no_unit_count_the_picture_items(archive: Any) -> None:
    by_item = _reconciled(archive, "发布图片新闻3条。")["pictures"]
    assert (by_item.archived, by_item.measure.used, by_item.measure.other) == (3, "items", 5)
    bare = _reconciled(archive, "发布图片3，视频新闻2条。")["pictures"]
    assert (bare.unit, bare.archived, bare.measure.used) == ("", 3, "items")
    assert "未写单位" in bare.unit_note and "按张 (distinct images)：5" in bare.unit_note


def test_a_video_duration_cannot_be_checked(archive: Any) -> None:
    video = _reconciled(archive, "播出视频120分钟。")["video_news"]
    assert not video.checkable and video.archived is None and "时长" in (video.reason or "")


def test_the_unit_travels_to_the_records_the_summary_and_the_views(archive: Any) -> None:
    with archive.session() as s:
        results = reconcile_reports(s, "hs", 2018, ["全年发布图片6张，视频新闻2条。"])
    [record] = [r for r in reconcile_records(results) if r["key"] == "pictures"]
    assert record["unit"] == "张" and record["archived"] == 5
    assert record["measure"]["used"] == "images" and record["measure"]["other"] == 3
    assert len(record["items"]) == 3 and len(record["measure"]["files"]) == 5
    summary = reconcile_summary_view(results)
    [row] = [row for row in summary.rows if row[0] == "图片"]
    assert row[1:4] == ("6", "5", "-1") and "按张 (distinct images)" in row[4] and "按条 (items)：3" in row[4]
    claims, items, files = reconcile_views(results)
    [row] = [row for row in claims.rows if row[0] == "图片"]
    assert row[-2].endswith("按张 (distinct images)") and row[-1] == "按条 (items)：3"
    assert len([f for f in files.rows if f[0] == "图片"]) == 5
    assert len([i for i in items.rows if i[0] == "图片"]) == 3
