"""storage.reads.reports.report_items: the archived items that may be a year's annual report — in a
年报 column (named for the year, or published the next year), or titled for the year's report, the
site's own before a department's — and those that may be its 政府网站工作年度报表 — titled so, or in a
column so named; for the year, or naming none and published the next year, January first — on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage import repository as repo
from storage.db import open_database
from storage.reads.reports import report_items, statement_items

T0 = datetime(2019, 4, 1, tzinfo=UTC)


def test_report_items_by_column_and_by_title(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            site = repo.ensure_site(s, "hs", "黑山县人民政府", "http://hs/", "trs")
            columns = {
                path: repo.ensure_column(s, site, path, f"http://hs/{n}/", "trs", None, None, "none", T0)
                for n, path in enumerate(("政府信息公开", "政府信息公开年报", "今日关注"))
            }

            def item(url: str, column: str, on: date, title: str, attachments: list | None = None) -> None:
                repo.record_listing(
                    s, site, columns[column], url, title, on, 0, False, None, None, "x", "1", T0
                )
                fields = {
                    "published_on": on,
                    "fetch_status": "ok",
                    "title": title,
                    "attachments": attachments,
                }
                repo.record_detail(s, site, url, fields, T0)

            pdf = [{"url": "http://hs/ndbg/a.pdf", "name": "年报.pdf"}]
            item(
                "http://hs/dept", "政府信息公开", date(2018, 11, 1), "县教育局2018年政府信息公开工作年度报告"
            )
            item(
                "http://hs/own",
                "政府信息公开",
                date(2019, 1, 20),
                "黑山县人民政府2018年政府信息公开工作年度报告",
            )
            item(
                "http://hs/old",
                "政府信息公开",
                date(2018, 1, 20),
                "黑山县人民政府2017年政府信息公开工作年度报告",
            )
            item("http://hs/news", "今日关注", date(2019, 1, 5), "县政府召开2018年政务公开工作会议")
            item("http://hs/nb", "政府信息公开年报", date(2019, 3, 1), "年度报告", pdf)
            item("http://hs/nb17", "政府信息公开年报", date(2019, 3, 2), "2017年度报告（补发）")
            s.commit()
            found = report_items(s, "hs", 2018)
            assert [(i.url, i.found_by) for i in found] == [
                ("http://hs/nb", "column"),  # in the 年报 column, naming no year, published in 2019
                ("http://hs/own", "title"),  # the site's own report
                ("http://hs/dept", "title"),  # a department's
            ]
            assert found[0].attachments == tuple(pdf) and found[0].column == "政府信息公开年报"
            assert [i.url for i in report_items(s, "hs", 2017)] == ["http://hs/nb17", "http://hs/old"]
            assert report_items(s, "hs", 2016) == []
    finally:
        db.dispose()


def test_statement_items_by_title_by_column_and_by_date(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.session() as s:
            site = repo.ensure_site(s, "hs", "黑山县人民政府", "http://hs/", "trs")
            columns = {
                path: repo.ensure_column(s, site, path, f"http://hs/{n}/", "trs", None, None, "none", T0)
                for n, path in enumerate(("今日关注", "政府网站年度报表", "政府信息公开年报"))
            }

            def item(url: str, column: str, on: date, title: str) -> None:
                repo.record_listing(
                    s, site, columns[column], url, title, on, 0, False, None, None, "x", "1", T0
                )
                fields = {"published_on": on, "fetch_status": "ok", "title": title}
                repo.record_detail(s, site, url, fields, T0)

            item("http://hs/late", "今日关注", date(2019, 3, 5), "黑山县人民政府网站工作年度报表（补发）")
            item("http://hs/jan", "今日关注", date(2019, 1, 28), "黑山县人民政府网站工作年度报表")
            item("http://hs/col", "政府网站年度报表", date(2019, 2, 1), "报表公示")
            item("http://hs/y17", "今日关注", date(2019, 1, 10), "2017年度政府网站工作年度报表")
            item(
                "http://hs/nb",
                "政府信息公开年报",
                date(2019, 1, 15),
                "黑山县人民政府2018年政府信息公开工作年度报告",
            )
            item("http://hs/news", "今日关注", date(2019, 1, 5), "县政府召开网站工作会议")
            s.commit()
            found = statement_items(s, "hs", 2018)
            assert [(i.url, i.found_by) for i in found] == [
                ("http://hs/jan", "title"),  # by 31 January, named by its title
                ("http://hs/late", "title"),  # named by its title, after January (still the next year's)
                ("http://hs/col", "column"),  # only its column names the statement
            ]
            assert [i.url for i in statement_items(s, "hs", 2017)] == ["http://hs/y17"]  # its title's year
            assert statement_items(s, "hs", 2019) == []
    finally:
        db.dispose()
