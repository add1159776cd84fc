"""Every count of ``storage.reads``, once per tally (live and summed from the rollup), on SQLite and
PostgreSQL: exact numbers for a hand-built archive whose items are counted by hand below."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

import pytest

from storage import reads, rollup
from storage import repository as repo
from storage.db import Database, open_database
from storage.reads.tallies import TALLIES

logger = logging.getLogger(__name__)

T0 = datetime(2019, 7, 1, tzinfo=UTC)
YEARS = [2016, 2017, 2018, 2019]
# column path → its taxonomy path
COLUMNS = {
    "公开/政府文件": "政府文件",
    "公开/财政信息": "政务公开重点工作/财政信息",
    "图片新闻": "图片",
    "视频新闻": "视频新闻",
    "重点工作": "政务公开重点工作",
    "空栏目": None,
}
# (n, column path, date, kind, 文号): item http://hs/n listed in the column. Item 1 is listed twice;
# item 11 is undated; 文号 "无" is no 文号.
LISTINGS: list[tuple[int, str, date | None, str, str | None]] = [
    (1, "公开/政府文件", date(2018, 3, 1), "article", None),
    (1, "公开/财政信息", date(2018, 3, 1), "article", None),
    (2, "公开/政府文件", date(2019, 1, 1), "article", None),
    (3, "图片新闻", date(2018, 4, 1), "picture", None),
    (4, "视频新闻", date(2018, 5, 1), "video", None),
    (5, "视频新闻", date(2018, 6, 1), "video", None),
    (6, "重点工作", date(2016, 1, 1), "article", None),
    (7, "公开/财政信息", date(2019, 6, 1), "article", None),
    (8, "公开/政府文件", date(2018, 7, 1), "article", "黑政发〔2018〕1号"),
    (9, "公开/政府文件", date(2018, 8, 1), "article", "无"),
    (10, "公开/政府文件", date(2018, 9, 1), "document", None),
    (11, "图片新闻", None, "picture", None),
]


def _build(db: Database) -> None:
    with db.session() as s:
        site = repo.ensure_site(s, "hs", "黑山县", "http://hs/", "trs")
        ids = {
            path: repo.ensure_column(s, site, path, f"http://hs/c{n}/", "trs", None, tax, "exact", T0)
            for n, (path, tax) in enumerate(COLUMNS.items())
        }
        for n, path, on, kind, doc_no in LISTINGS:
            url = f"http://hs/{n}"
            tax = COLUMNS[path]
            repo.record_listing(s, site, ids[path], url, "t", on, 0, False, None, tax, "column", "1", T0)
            fields = {"kind": kind, "published_on": on, "doc_no": doc_no, "fetch_status": "ok"}
            repo.record_detail(s, site, url, fields, T0)
        other = repo.ensure_site(s, "other", "别县", "http://other/", "trs")
        column = repo.ensure_column(
            s, other, "政府文件", "http://other/c/", "trs", None, "政府文件", "exact", T0
        )
        repo.record_listing(
            s,
            other,
            column,
            "http://other/1",
            "t",
            date(2018, 2, 1),
            0,
            False,
            None,
            "政府文件",
            "column",
            "1",
            T0,
        )
        repo.record_detail(s, other, "http://other/1", {"kind": "article", "fetch_status": "ok"}, T0)


@pytest.fixture(params=sorted(TALLIES))
def archive(request: pytest.FixtureRequest, db_url: str) -> Any:
    """A session on the hand-built archive that counts with the tally named by the parameter."""
    db = open_database(db_url)
    _build(db)
    if request.param == "rollup":
        assert rollup.refresh(db) is not None
    with db.session() as session:
        assert reads.tally_name(session) == request.param
        yield session
    db.dispose()


def test_count_table_by_column(archive: Any) -> None:
    rows = {(r.column, r.year): r.items for r in reads.count_items(archive, "hs", by="column")}
    assert rows == {
        ("公开/政府文件", 2018): 4,
        ("公开/政府文件", 2019): 1,
        ("公开/财政信息", 2018): 1,
        ("公开/财政信息", 2019): 1,
        ("图片新闻", 2018): 1,
        ("图片新闻", None): 1,
        ("空栏目", None): 0,
        ("视频新闻", 2018): 2,
        ("重点工作", 2016): 1,
    }
    in_2018 = {r.column: r.items for r in reads.count_items(archive, "hs", 2018, by="column")}
    assert in_2018 == {
        "公开/政府文件": 4,
        "公开/财政信息": 1,
        "图片新闻": 1,
        "空栏目": 0,
        "视频新闻": 2,
        "重点工作": 0,
    }


def test_count_table_by_taxonomy(archive: Any) -> None:
    rows = {(r.taxonomy, r.year): r.items for r in reads.count_items(archive, "hs", by="taxonomy")}
    assert rows == {
        ("政府文件", 2018): 4,
        ("政府文件", 2019): 1,
        ("政务公开重点工作/财政信息", 2018): 1,
        ("政务公开重点工作/财政信息", 2019): 1,
        ("图片", 2018): 1,
        ("图片", None): 1,
        ("视频新闻", 2018): 2,
        ("政务公开重点工作", 2016): 1,
    }
    assert reads.count_taxonomy_by_year(archive, [2018], "hs") == {
        ("hs", "政府文件"): {2018: 4},
        ("hs", "政务公开重点工作/财政信息"): {2018: 1},
        ("hs", "图片"): {2018: 1},
        ("hs", "视频新闻"): {2018: 2},
    }


def test_counts_by_year(archive: Any) -> None:
    assert reads.count_sites_by_year(archive, YEARS, "hs") == {"hs": {2016: 1, 2017: 0, 2018: 7, 2019: 2}}
    assert reads.count_sites_by_year(archive, [2018]) == {"hs": {2018: 7}, "other": {2018: 1}}
    assert reads.count_kinds_by_year(archive, [2018], "hs") == {
        ("hs", "article"): {2018: 3},
        ("hs", "document"): {2018: 1},
        ("hs", "picture"): {2018: 1},
        ("hs", "video"): {2018: 2},
    }
    assert reads.count_columns_by_year(archive, [2018, 2019], "hs") == {
        ("hs", "公开/政府文件"): {2018: 4, 2019: 1},
        ("hs", "公开/财政信息"): {2018: 1, 2019: 1},
        ("hs", "图片新闻"): {2018: 1, 2019: 0},
        ("hs", "空栏目"): {2018: 0, 2019: 0},
        ("hs", "视频新闻"): {2018: 2, 2019: 0},
        ("hs", "重点工作"): {2018: 0, 2019: 0},
    }
    assert reads.count_under_by_year(archive, ["政务公开重点工作"], [2016, 2018, 2019], "hs") == {
        "hs": {2016: 1, 2018: 1, 2019: 1}
    }
    groups = {"feature": ["政务公开重点工作"], "media": ["视频新闻", "图片"]}
    assert reads.count_groups_by_year(archive, groups, [2018], "hs") == {
        "feature": {"hs": {2018: 1}},
        "media": {"hs": {2018: 3}},
    }


def test_single_counts(archive: Any) -> None:
    assert reads.count_distinct_items(archive, "hs", 2018) == 7
    assert reads.count_distinct_items(archive, "hs", 2018, kind="picture") == 1
    assert reads.count_documents(archive, "hs", 2018, "政府文件") == 2  # a 文号, or of kind document
    assert reads.count_in_columns(archive, "hs", taxonomy_path="政府文件", year=2018) == 4
    assert reads.count_in_columns(archive, "hs", column_path="公开/财政信息", year=2018) == 1
    assert reads.count_in_subtree(archive, "hs", "政务公开重点工作", until=date(2018, 12, 31)) == 2
    assert sorted(reads.count_site_items(archive).values()) == [1, 11]
    assert reads.newest_counted_on(archive, "hs") == date(2019, 6, 1)
    assert reads.first_year(archive, "hs") == 2016


def test_column_states_as_of_a_date(archive: Any) -> None:
    states = {c.path: (c.items, c.newest) for c in reads.column_states(archive, date(2018, 12, 31), "hs")}
    assert states == {
        "公开/政府文件": (4, date(2018, 9, 1)),
        "公开/财政信息": (1, date(2018, 3, 1)),
        "图片新闻": (2, date(2018, 4, 1)),  # the undated item counts, without a date
        "空栏目": (0, None),
        "视频新闻": (2, date(2018, 6, 1)),
        "重点工作": (1, date(2016, 1, 1)),
    }


def test_lists_hold_what_the_counts_count(archive: Any) -> None:
    documents = reads.list_items(archive, "hs", year=2018, column_taxonomy="政府文件", documents=True)
    assert [i.url for i in documents] == ["http://hs/8", "http://hs/10"]
    assert len(documents) == reads.count_documents(archive, "hs", 2018, "政府文件")
    page = reads.claim_items(archive, "hs", {"year": 2018, "column_taxonomy": "政府文件", "documents": True})
    assert [r.url for r in page.rows] == ["http://hs/8", "http://hs/10"]
    under = reads.list_items(archive, "hs", until=date(2018, 12, 31), under="政务公开重点工作")
    assert [(i.url, i.column) for i in under] == [
        ("http://hs/6", "重点工作"),
        ("http://hs/1", "公开/政府文件"),  # the first of its columns by path
    ]
