"""The archive's storage on SQLite and PostgreSQL: migrations, idempotent writes, counting rules."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from storage import repository as repo
from storage import runs
from storage.db import Database, DatabaseError, alembic_config, database_url, open_database
from storage.models import Base, Column, CrawlRun, Item, ItemColumn, Site
from storage.reads import (
    CountRow,
    count_distinct_items,
    count_groups_by_year,
    count_in_columns,
    count_in_subtree,
    count_items,
    count_under_by_year,
    list_sites,
)
from storage.search import include_name

logger = logging.getLogger(__name__)

T0 = datetime(2019, 1, 5, 8, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)
TABLES = {"site", "column", "item", "item_column", "crawl_run"}


def _column(s: Session, site_id: int, path: str, url: str, taxonomy: str | None, at: datetime = T0) -> int:
    code = None if taxonomy is None else f"code:{taxonomy}"
    rule = None if taxonomy is None else "exact"
    return repo.ensure_column(s, site_id, path, url, "trs", code, taxonomy, rule, at)


def _listing(
    s: Session,
    site_id: int,
    column_id: int,
    url: str,
    list_date: date | None,
    taxonomy: str | None,
    at: datetime = T0,
    position: int = 0,
    foreign: bool = False,
) -> int:
    code = None if taxonomy is None else f"code:{taxonomy}"
    rule = None if taxonomy is None else "column"
    version = None if taxonomy is None else "2018.1"
    return repo.record_listing(
        s,
        site_id,
        column_id,
        url,
        f"标题 {url}",
        list_date,
        position,
        foreign,
        code,
        taxonomy,
        rule,
        version,
        at,
    )


def _scenario(s: Session) -> dict[str, int]:
    """A small county: a cross-listed item, an undated-page fallback, an empty column, a picture."""
    site = repo.ensure_site(s, "heishan", "黑山县人民政府", "http://www.heishan.gov.cn/", "trs")
    news = _column(s, site, "政务公开/政府文件", "http://www.heishan.gov.cn/zfwj/", "政府文件")
    policy = _column(s, site, "政策文件", "http://www.heishan.gov.cn/zcwj/", "政府文件")
    empty = _column(
        s, site, "政务公开重点工作/财政信息", "http://www.heishan.gov.cn/czxx/", "政务公开重点工作/财政信息"
    )
    pics = _column(s, site, "图片新闻", "http://www.heishan.gov.cn/tpxw/", "图片")
    a = _listing(
        s, site, news, "http://www.heishan.gov.cn/zfwj/201812/t1.html", date(2018, 12, 30), "政府文件"
    )
    _listing(s, site, policy, "http://www.heishan.gov.cn/zfwj/201812/t1.html", date(2018, 12, 31), "政府文件")
    b = _listing(
        s,
        site,
        news,
        "http://www.heishan.gov.cn/zfwj/201901/t2.html",
        date(2019, 1, 2),
        "政府文件",
        position=1,
    )
    c = _listing(s, site, pics, "http://www.heishan.gov.cn/tpxw/t3.html", date(2018, 5, 1), "图片")
    repo.record_detail(
        s,
        site,
        "http://www.heishan.gov.cn/zfwj/201812/t1.html",
        {"title": "关于印发的通知", "published_on": date(2019, 1, 3), "fetch_status": "ok"},
        T0,
    )
    repo.record_detail(
        s,
        site,
        "http://www.heishan.gov.cn/zfwj/201901/t2.html",
        {"fetch_status": "not_found", "http_status": 404},
        T0,
    )
    repo.record_detail(
        s,
        site,
        "http://www.heishan.gov.cn/tpxw/t3.html",
        {"kind": "picture", "published_on": "2018-05-01", "images": [{"url": "a.jpg", "name": "图"}]},
        T0,
    )
    repo.record_column_walk(s, news, 2, 2, 2, 1, "ok", None, T0)
    run = runs.start_run(s, site, "crawl", "http://www.heishan.gov.cn/")
    runs.finish_run(s, run, "ok", 0, {"items": 3})
    return {
        "site": site,
        "news": news,
        "policy": policy,
        "empty": empty,
        "pics": pics,
        "a": a,
        "b": b,
        "c": c,
    }


def _table_counts(s: Session) -> dict[str, int]:
    models: list[Any] = [Site, Column, Item, ItemColumn, CrawlRun]
    return {m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one() for m in models}


# --- migrations and opening -------------------------------------------------------------------


def test_migrations_apply_fresh_and_again_keeping_data(db_url: str) -> None:
    first = open_database(db_url)
    assert TABLES <= set(inspect(first.engine).get_table_names())
    with first.session() as s:
        _scenario(s)
    first.dispose()
    again = open_database(db_url)
    with again.engine.connect() as connection:
        # The search index (migration 0006) is dialect-specific DDL that no model describes.
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert connection.execute(text("select version_num from alembic_version")).scalar_one() == head
    with again.session() as s:
        assert s.execute(select(func.count()).select_from(Item)).scalar_one() == 3
    again.dispose()


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = open_database(database_url(tmp_path / "new" / "folder"))
    with db.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert c.execute(text("PRAGMA busy_timeout")).scalar_one() >= 1000
    db.dispose()
    assert (tmp_path / "new" / "folder" / "zwgk.sqlite").exists()


def test_database_url_prefers_explicit_url_then_folder_then_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert database_url(tmp_path, "postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url(tmp_path) == f"sqlite:///{tmp_path.resolve()}/zwgk.sqlite"
    monkeypatch.setenv("ZWGK_DATA", str(tmp_path / "env"))
    assert database_url() == f"sqlite:///{(tmp_path / 'env').resolve()}/zwgk.sqlite"
    monkeypatch.delenv("ZWGK_DATA")
    monkeypatch.chdir(tmp_path)
    assert database_url() == f"sqlite:///{tmp_path.resolve()}/zwgk-data/zwgk.sqlite"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("nosuchdriver://x", "unknown database driver"),
        ("not a url at all", "malformed database URL"),
        ("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/test", "cannot open database"),
        ("sqlite:////proc/zwgk-nope/zwgk.sqlite", "cannot create the folder"),
    ],
)
def test_open_database_failures_are_one_clear_line(url: str, words: str) -> None:
    with pytest.raises(DatabaseError) as raised:
        open_database(url)
    message = str(raised.value)
    assert words in message
    assert "\n" not in message
    assert "s3cret" not in message
    if "127.0.0.1:1" in url:
        assert "postgres:***@127.0.0.1:1/test" in message


def test_open_database_under_a_file_is_not_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError, match="cannot create the folder"):
        open_database(f"sqlite:///{blocker}/sub/zwgk.sqlite")


def test_session_commits_or_rolls_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        repo.ensure_site(s, "x", "X", "http://x/", None)
        raise RuntimeError("boom")
    with db.session() as s:
        assert list_sites(s) == []
        repo.ensure_site(s, "x", "X", "http://x/", None)
    with db.session() as s:
        assert [site.slug for site in list_sites(s)] == ["x"]


# --- idempotent writes ------------------------------------------------------------------------


def test_repeating_every_call_changes_no_count(db: Database) -> None:
    with db.session() as s:
        ids = _scenario(s)
    with db.session() as s:
        tables, rows = _table_counts(s), count_items(s)
    with db.session() as s:
        again = _scenario(s)
    with db.session() as s:
        assert {k: v for k, v in again.items()} == ids
        after = _table_counts(s)
        assert after == {**tables, "crawl_run": tables["crawl_run"] + 1}  # every run is its own record
        assert count_items(s) == rows
        assert count_items(s, by="taxonomy") == count_items(s, by="taxonomy")


def test_listing_keeps_earliest_dates_and_first_seen(db: Database) -> None:
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        col = _column(s, site, "A", "http://h/a/", None)
        item = _listing(s, site, col, "http://h/a/1.html", date(2018, 3, 2), None, at=T1)
        _listing(s, site, col, "http://h/a/1.html", date(2018, 3, 1), None, at=T0)
        _listing(s, site, col, "http://h/a/1.html", date(2018, 3, 9), None, at=T1)
        _listing(s, site, col, "http://h/a/1.html", None, None, at=T1)
    with db.session() as s:
        row = s.get_one(Item, item)
        member = s.get_one(ItemColumn, (item, col))
        assert row.list_date == member.list_date == date(2018, 3, 1)
        assert row.first_seen == member.first_seen == T0
        assert row.last_seen == member.last_seen == T1
        assert row.first_seen.tzinfo is not None
        assert row.fetch_status == "pending"
        assert row.counted_on == date(2018, 3, 1) and row.counted_on_basis == "list"


def test_item_takes_taxonomy_of_its_first_classified_membership(db: Database) -> None:
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        unmapped = _column(s, site, "其他", "http://h/qt/", None)
        files = _column(s, site, "政府文件", "http://h/zfwj/", "政府文件")
        notices = _column(s, site, "公告", "http://h/gg/", "政府公告")
        item = _listing(s, site, unmapped, "http://h/1.html", date(2018, 1, 1), None)
        assert s.get_one(Item, item).taxonomy_path is None
        _listing(s, site, files, "http://h/1.html", date(2018, 1, 1), "政府文件")
        _listing(s, site, notices, "http://h/1.html", date(2018, 1, 1), "政府公告")
        s.expire_all()
        found = s.get_one(Item, item)
        assert (found.taxonomy_path, found.taxonomy_version, found.taxonomy_rule) == (
            "政府文件",
            "2018.1",
            "column",
        )


def test_foreign_listing_is_flagged(db: Database) -> None:
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        col = _column(s, site, "A", "http://h/a/", None)
        item = _listing(s, site, col, "http://other.gov.cn/1.html", date(2018, 2, 1), None, foreign=True)
        row = s.get_one(Item, item)
        assert row.foreign and row.fetch_status == "foreign"
        assert count_in_columns(s, "h", column_path="A", year=2018) == 1


def test_column_walk_and_runs_are_recorded(db: Database) -> None:
    with db.session() as s:
        ids = _scenario(s)
        col = s.get_one(Column, ids["news"])
        assert (col.pages, col.found_total, col.declared_total, col.status) == (2, 2, 2, "ok")
        assert s.get_one(Column, ids["empty"]).status == "unwalked"
        run = s.execute(select(CrawlRun)).scalar_one()
        assert run.status == "ok" and run.exit_code == 0 and run.stats == {"items": 3}
        assert run.finished_at is not None and run.finished_at.tzinfo is not None
        with pytest.raises(ValueError):
            repo.record_column_walk(s, ids["news"], 1, 1, None, None, "weird", None, T0)
        with pytest.raises(ValueError):
            repo.record_detail(s, ids["site"], "http://h/x", {"colour": "red"}, T0)


# --- counting rules ---------------------------------------------------------------------------


def test_cross_listed_item_counts_in_each_column_and_once_in_totals(db: Database) -> None:
    with db.session() as s:
        _scenario(s)
        rows = count_items(s, year=2019)
        by_column = {row.column: row.items for row in rows}
        assert by_column["政务公开/政府文件"] == 2  # a (published 2019) and b (404, list date 2019)
        assert by_column["政策文件"] == 1  # a again, cross-listed
        taxonomy = count_items(s, year=2019, by="taxonomy")
        assert taxonomy == [CountRow("heishan", None, "政府文件", 2019, 2)]
        assert count_distinct_items(s, "heishan", 2019) == 2
        assert count_in_columns(s, "heishan", taxonomy_path="政府文件", year=2019) == 2
        assert count_in_columns(s, "heishan", column_path="政策文件", year=2019) == 1


def test_empty_column_appears_with_zero(db: Database) -> None:
    with db.session() as s:
        _scenario(s)
        rows = count_items(s, site="heishan")
        assert CountRow("heishan", "政务公开重点工作/财政信息", "政务公开重点工作/财政信息", None, 0) in rows
        assert [r.site for r in rows] == ["heishan"] * len(rows)
        assert rows == sorted(rows, key=lambda r: (r.column or "", r.year is None, r.year or 0))
        in_2018 = {r.column: (r.year, r.items) for r in count_items(s, year=2018)}
        assert in_2018["政务公开重点工作/财政信息"] == (2018, 0)
        assert in_2018["图片新闻"] == (2018, 1)
        assert count_items(s, site="nowhere") == []


def test_counted_on_falls_back_to_list_date_then_switches_to_published(db: Database) -> None:
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        col = _column(s, site, "A", "http://h/a/", "政府文件")
        item = _listing(s, site, col, "http://h/a/1.html", date(2018, 12, 31), "政府文件")
        assert count_in_columns(s, "h", column_path="A", year=2018) == 1
        repo.record_detail(s, site, "http://h/a/1.html", {"published_on": date(2019, 1, 2)}, T1)
        row = s.get_one(Item, item)
        s.refresh(row)
        assert (row.counted_on, row.counted_on_basis) == (date(2019, 1, 2), "published")
        assert count_in_columns(s, "h", column_path="A", year=2018) == 0
        assert count_in_columns(s, "h", column_path="A", year=2019) == 1
        _listing(s, site, col, "http://h/a/1.html", date(2018, 12, 1), "政府文件")
        s.refresh(row)
        assert row.counted_on == date(2019, 1, 2) and row.list_date == date(2018, 12, 1)


def test_failed_refetch_keeps_the_good_fields(db: Database) -> None:
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        good = {
            "title": "关于做好2018年工作的通知",
            "doc_no": "黑政办发〔2018〕47号",
            "published_on": date(2018, 6, 1),
            "body_text": "正文",
            "attachments": [{"url": "http://h/f.doc", "name": "附件1"}],
            "fetch_status": "ok",
            "http_status": 200,
            "content_hash": "abc",
        }
        item = repo.record_detail(s, site, "http://h/1.html", good, T0)
        again = repo.record_detail(
            s,
            site,
            "http://h/1.html",
            {
                "title": None,
                "body_text": None,
                "published_on": None,
                "fetch_status": "blocked",
                "http_status": 412,
            },
            T1,
        )
        assert again == item
        row = s.get_one(Item, item)
        s.refresh(row)
        assert (row.title, row.doc_no, row.body_text) == (good["title"], good["doc_no"], "正文")
        assert row.attachments == good["attachments"]
        assert (row.published_on, row.counted_on, row.counted_on_basis) == (
            date(2018, 6, 1),
            date(2018, 6, 1),
            "published",
        )
        assert (row.fetch_status, row.http_status) == ("blocked", 412)
        assert row.detail_fetched_at == T0 and row.last_seen == T1
        assert row.fetch_note is None  # none was given

        # why a fetch failed is kept until a good fetch clears it
        repo.record_detail(
            s,
            site,
            "http://h/1.html",
            {"fetch_status": "blocked", "http_status": 521, "fetch_note": "jiasule"},
            T1,
        )
        s.refresh(row)
        assert (row.fetch_status, row.fetch_note, row.title) == ("blocked", "jiasule", good["title"])
        repo.record_detail(s, site, "http://h/1.html", {**good, "fetch_note": None}, T1)
        s.refresh(row)
        assert (row.fetch_status, row.fetch_note) == ("ok", None)


def test_online_only_leaves_out_gone_pages(db: Database) -> None:
    with db.session() as s:
        _scenario(s)
        everything = {r.column: r.items for r in count_items(s, year=2019)}
        online = {r.column: r.items for r in count_items(s, year=2019, online_only=True)}
        assert everything["政务公开/政府文件"] == 2
        assert online["政务公开/政府文件"] == 1  # the 404 page still counts, except online-only


def test_subtree_counts_distinct_items_up_to_a_date(db: Database) -> None:
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        root = _column(s, site, "重点工作", "http://h/zd/", "政务公开重点工作")
        leaf = _column(s, site, "财政信息", "http://h/cz/", "政务公开重点工作/财政信息")
        near = _column(s, site, "重点工作其他", "http://h/zx/", "政务公开重点工作X")
        _listing(s, site, root, "http://h/1.html", date(2018, 3, 1), "政务公开重点工作")
        _listing(s, site, leaf, "http://h/1.html", date(2018, 3, 1), "政务公开重点工作/财政信息")
        _listing(s, site, leaf, "http://h/2.html", date(2017, 3, 1), "政务公开重点工作/财政信息")
        _listing(s, site, leaf, "http://h/3.html", date(2019, 3, 1), "政务公开重点工作/财政信息")
        _listing(s, site, near, "http://h/4.html", date(2018, 3, 1), "政务公开重点工作X")
        assert count_in_subtree(s, "h", "政务公开重点工作") == 3
        assert count_in_subtree(s, "h", "政务公开重点工作", until=date(2018, 12, 31)) == 2
        assert count_in_subtree(s, "h", "政务公开重点工作", year=2017) == 1
        assert count_in_subtree(s, "h", "政务公开重点工作/财政信息", until=date(2018, 12, 31)) == 2


def test_group_counts_in_one_pass_count_each_item_once_per_group(db: Database) -> None:
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        root = _column(s, site, "重点工作", "http://h/zd/", "政务公开重点工作")
        leaf = _column(s, site, "财政信息", "http://h/cz/", "政务公开重点工作/财政信息")
        other = _column(s, site, "安全生产", "http://h/aq/", "政务公开重点工作/安全生产")
        near = _column(s, site, "重点工作其他", "http://h/zx/", "政务公开重点工作X")
        _listing(s, site, root, "http://h/1.html", date(2018, 3, 1), "政务公开重点工作")
        _listing(s, site, leaf, "http://h/1.html", date(2018, 3, 1), "政务公开重点工作/财政信息")
        _listing(s, site, other, "http://h/1.html", date(2018, 3, 1), "政务公开重点工作/安全生产")
        _listing(s, site, leaf, "http://h/2.html", date(2017, 3, 1), "政务公开重点工作/财政信息")
        _listing(s, site, other, "http://h/3.html", date(2018, 5, 1), "政务公开重点工作/安全生产")
        _listing(s, site, near, "http://h/4.html", date(2018, 3, 1), "政务公开重点工作X")
        groups = {
            "feature": ["政务公开重点工作"],
            "kept": ["政务公开重点工作/财政信息", "政务公开重点工作/安全生产"],
            "finance": ["政务公开重点工作/财政信息"],
            "none": ["政务公开重点工作/没有"],
        }
        found = count_groups_by_year(s, groups, [2017, 2018], "h")
        # 1.html is listed three times under the feature column and twice in "kept": once each.
        assert found["feature"] == {"h": {2017: 1, 2018: 2}}
        assert found["kept"] == {"h": {2017: 1, 2018: 2}}
        assert found["finance"] == {"h": {2017: 1, 2018: 1}}
        assert found["none"] == {}
        assert count_under_by_year(s, ["政务公开重点工作"], [2018]) == {"h": {2018: 2}}
        assert count_under_by_year(s, ["政务公开重点工作X"], [2018], "h") == {"h": {2018: 1}}
