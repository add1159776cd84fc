"""Count formats for auditors (table, JSON, CSV), the counting rules, and the report figures."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import UTC, date, datetime

import pytest
from rich.console import Console
from sqlalchemy.orm import Session

from audit.counts import counts_csv, counts_json, counts_table, format_counts
from audit.definitions import COUNTING_RULES, rules_text
from audit.figures import Figure, report_figures
from storage import repository as repo
from storage.db import Database
from storage.reads import CountRow, count_items

logger = logging.getLogger(__name__)

T0 = datetime(2019, 2, 1, tzinfo=UTC)
ROWS = [
    CountRow("heishan", "政务公开/政府文件", "政府文件", 2018, 71),
    CountRow("heishan", "其他栏目", None, None, 0),
]


def _county(s: Session) -> None:
    """Items of 2018 in the columns the annual report counts, plus a few that must not count."""
    site = repo.ensure_site(s, "heishan", "黑山县", "http://hs/", "trs")
    columns = {
        taxonomy: repo.ensure_column(s, site, name, f"http://hs/{n}/", "trs", f"C{n}", taxonomy, "exact", T0)
        for n, (name, taxonomy) in enumerate(
            [
                ("政府文件", "政府文件"),
                ("图片新闻", "图片"),
                ("视频新闻", "视频新闻"),
                ("重点工作", "政务公开重点工作"),
                ("财政信息", "政务公开重点工作/财政信息"),
            ]
        )
    }

    def listed(url: str, taxonomy: str, on: date, kind: str = "article", **media: list[str]) -> None:
        repo.record_listing(
            s, site, columns[taxonomy], url, "t", on, 0, False, "C", taxonomy, "column", "2018.1", T0
        )
        fields = {"kind": kind, "published_on": on, "fetch_status": "ok", **media}
        repo.record_detail(s, site, url, fields, T0)

    listed("http://hs/1", "政府文件", date(2018, 3, 1))
    listed("http://hs/1", "政务公开重点工作/财政信息", date(2018, 3, 1))  # cross-listed
    listed("http://hs/2", "政府文件", date(2019, 1, 1))
    listed(
        "http://hs/3", "图片", date(2018, 4, 1), kind="picture", images=["http://hs/a.jpg", "http://hs/b.jpg"]
    )
    listed("http://hs/4", "视频新闻", date(2018, 5, 1), kind="video", videos=["http://hs/v.mp4"])
    listed("http://hs/5", "视频新闻", date(2018, 6, 1), kind="video", videos=["http://hs/v.mp4"])
    listed("http://hs/6", "政务公开重点工作", date(2016, 1, 1))
    listed("http://hs/7", "政务公开重点工作/财政信息", date(2019, 6, 1))


def test_json_has_the_agreed_keys() -> None:
    data = json.loads(counts_json(ROWS))
    assert [set(obj) for obj in data] == [
        {"site", "column", "taxonomy", "year", "items", "walk", "walk_note"}
    ] * 2
    assert data[0] == {
        "site": "heishan",
        "column": "政务公开/政府文件",
        "taxonomy": "政府文件",
        "year": 2018,
        "items": 71,
        "walk": "ok",
        "walk_note": None,
    }
    assert data[1]["year"] is None and data[1]["taxonomy"] is None
    assert "政务公开" in counts_json(ROWS)  # Chinese kept readable, not \u-escaped


def test_csv_starts_with_a_bom_and_a_header() -> None:
    text = counts_csv(ROWS)
    assert text.startswith("\ufeff")
    raw = text.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["site", "column", "taxonomy", "year", "items", "walk", "walk_note"]
    assert rows[1] == ["heishan", "政务公开/政府文件", "政府文件", "2018", "71", "ok", ""]
    assert rows[2] == ["heishan", "其他栏目", "", "", "0", "ok", ""]


def test_table_has_chinese_headers_and_the_rules() -> None:
    table = counts_table(ROWS)
    assert [c.header for c in table.columns] == ["站点", "栏目", "分类", "年份", "条数"]
    console = Console(record=True, width=200)
    console.print(table)
    out = console.export_text()
    assert "政务公开/政府文件" in out and "71" in out
    assert "发布日期" in out  # the counting rules are printed beside the numbers
    assert isinstance(format_counts(ROWS, "json"), str)
    with pytest.raises(ValueError):
        format_counts(ROWS, "xml")


def test_rules_are_said_in_both_languages() -> None:
    assert len(COUNTING_RULES) >= 4
    zh, en = rules_text("zh"), rules_text("en")
    assert "发布日期" in zh and "每一个栏目" in zh and "不重复" in zh and "仍然计入" in zh
    assert "published date" in en and "every column" in en and "distinct" in en and "still count" in en


def test_report_figures_follow_the_counting_rules(db: Database) -> None:
    with db.session() as s:
        _county(s)
        figures = {f.key: f for f in report_figures(s, "heishan", 2018)}
        assert list(figures) == [
            "items_published",
            "pictures",
            "video_news",
            "government_documents",
            "feature_column_cumulative",
        ]
        assert {k: f.archived for k, f in figures.items()} == {
            "items_published": 4,  # 1, 3, 4, 5: hs/1 counted once although listed twice
            "pictures": 1,
            "video_news": 2,
            "government_documents": 1,
            "feature_column_cumulative": 2,  # hs/1 and hs/6 (2016); hs/7 is 2019
        }
        # beside the items: the distinct image files of the picture item, the one video file of two items
        pictures, videos = figures["pictures"], figures["video_news"]
        assert (pictures.other, pictures.other_measure, videos.other, videos.other_measure) == (
            2,
            "images",
            1,
            "sources",
        )
        assert figures["items_published"].label == "各类政府信息"
        assert all(isinstance(f, Figure) and f.claimed is None and f.definition for f in figures.values())


def test_formats_of_real_counts(db: Database) -> None:
    with db.session() as s:
        _county(s)
        rows = count_items(s, year=2018)
        data = json.loads(counts_json(rows))
        assert {d["column"]: d["items"] for d in data} == {
            "政府文件": 1,
            "图片新闻": 1,
            "视频新闻": 2,
            "重点工作": 0,
            "财政信息": 1,
        }
        assert counts_csv(rows).count("\r\n") == len(rows) + 1


def test_a_number_from_a_column_not_walked_whole_is_marked():
    rows = [
        CountRow("heishan", "政务公开/政府文件", "政府文件", 2018, 71),
        CountRow(
            "heishan", "政务公开/通知公告", None, 2018, 25, "incomplete", "declared 1648 records, walked 25"
        ),
        CountRow("heishan", "政务公开/人事信息", None, None, 0, "blocked", "HTTP 403 (WAF)"),
    ]
    data = json.loads(counts_json(rows))
    assert [(d["walk"], d["walk_note"]) for d in data] == [
        ("ok", None),
        ("incomplete", "declared 1648 records, walked 25"),
        ("blocked", "HTTP 403 (WAF)"),
    ]
    console = Console(width=200, record=True)
    console.print(counts_table(rows))
    text = "".join(console.export_text().split())  # the caption wraps at the table's width
    assert "25*" in text and "0*" in text and "71*" not in text
    assert "未遍历完整：declared1648records,walked25" in text
    assert "被拦截：HTTP403(WAF)" in text
    assert "walk" in counts_csv(rows).splitlines()[0]
