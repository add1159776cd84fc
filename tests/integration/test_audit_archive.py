"""Year comparison, reconciliation, health and exports on small archives, SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from audit.archived_report import reconcile_document
from audit.compare import TOTAL, compare_records, compare_view, compare_years
from audit.export import to_csv, write_xlsx
from audit.health import inspect_health
from audit.reconcile import reconcile_reports, reconcile_views
from storage import repository as repo
from storage.db import Database, open_database
from storage.findings import record_finding

logger = logging.getLogger(__name__)

T0 = datetime(2019, 2, 1, tzinfo=UTC)
FIXTURES = Path(__file__).parents[1] / "fixtures" / "reports"
COLUMNS = [
    ("今日关注", "ZJ", "今日关注"),
    ("政府文件", "ZFWJ", "政府文件"),
    ("政府公告", "ZFGG", "政府公告"),
    ("图片新闻", "TP", "图片"),
    ("重点工作/放管服改革", "ZDGZ.K01", "政务公开重点工作/放管服改革"),
    ("重点工作/财政信息", "ZDGZ.K02", "政务公开重点工作/财政信息"),
    ("重点工作/公共资源配置/住房保障", "ZDGZ.GGZY.01", "政务公开重点工作/公共资源配置/住房保障"),
    ("重点工作/公共资源配置/矿业权出让", "ZDGZ.GGZY.03", "政务公开重点工作/公共资源配置/矿业权出让"),
    ("县长信箱", None, None),
]


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    try:
        with database.session() as session:
            _county(session)
            session.commit()
        yield database
    finally:
        database.dispose()


def _county(s: Session) -> None:
    site = repo.ensure_site(s, "heishan", "黑山县", "http://hs/", "trs")
    ids = {}
    for n, (path, code, taxonomy) in enumerate(COLUMNS):
        ids[path] = repo.ensure_column(s, site, path, f"http://hs/c{n}/", "trs", code, taxonomy, "exact", T0)
        repo.record_column_walk(s, ids[path], 1, 0, None, None, "ok", None, T0)

    def item(url: str, column: str, on: date, **detail: object) -> None:
        taxonomy = dict((p, t) for p, _, t in COLUMNS)[column]
        repo.record_listing(
            s, site, ids[column], url, f"t{url}", on, 0, False, None, taxonomy, "column", "2018.1", T0
        )
        fields = {
            "kind": "article",
            "published_on": on,
            "fetch_status": "ok",
            "title": f"标题{url}",
            **detail,
        }
        repo.record_detail(s, site, url, fields, T0)

    item("http://hs/1", "政府文件", date(2018, 3, 1), doc_no="黑政办发〔2018〕47号")
    item("http://hs/1", "重点工作/财政信息", date(2018, 3, 1), doc_no="黑政办发〔2018〕47号")  # cross-listed
    item("http://hs/1b", "政府文件", date(2018, 5, 1))  # no 文号: not a document for table 二
    item("http://hs/2", "政府文件", date(2017, 1, 1))
    pictures = ["http://hs/3/a.jpg", "http://hs/3/b.jpg"]
    item("http://hs/3", "图片新闻", date(2018, 4, 1), kind="picture", images=pictures)
    item("http://hs/4", "今日关注", date(2019, 1, 20))
    item("http://hs/5", "重点工作/放管服改革", date(2018, 6, 1))
    item("http://hs/5", "重点工作/财政信息", date(2018, 6, 1))  # kept twice, counted once
    item("http://hs/6", "重点工作/公共资源配置/住房保障", date(2016, 6, 1))
    item("http://hs/7", "政府公告", date(2018, 7, 1))
    item("http://hs/8", "政府公告", date(2018, 8, 1), fetch_status="not_found")
    item("http://hs/9", "县长信箱", date(2019, 4, 1))  # after the as-of date of the health test
    record_finding(
        s, site, "hijacked", "http://hs/4", T0, evidence={"matches": [{"field": "title"}]}, severity="veto"
    )


def test_compare_shows_every_column_with_zeros_and_changes(db):
    with db.session() as s:
        rows = compare_years(s, [2017, 2018, 2019], site="heishan")
    got = {r.label: r.counts for r in rows}
    assert got["政府文件"] == {2017: 1, 2018: 2, 2019: 0}
    assert got["重点工作/公共资源配置/矿业权出让"] == {2017: 0, 2018: 0, 2019: 0}
    assert got["县长信箱"] == {2017: 0, 2018: 0, 2019: 1}
    assert got[TOTAL] == {2017: 1, 2018: 6, 2019: 2}
    total = next(r for r in rows if r.label == TOTAL)
    assert total.changes([2017, 2018, 2019]) == [5, -4]
    view = compare_view(rows, [2017, 2018, 2019])
    assert view.headers[-2:] == ("变化 2017→2018", "变化 2018→2019")
    assert len(view.rows) == len(COLUMNS) + 1


def test_compare_groups_count_distinct_items(db):
    with db.session() as s:
        rows = compare_years(s, [2016, 2018], site="heishan", by="taxonomy")
        kinds = compare_years(s, [2018], site="heishan", by="kind")
    groups = {r.label: r.counts for r in rows if r.kind == "group"}
    assert groups["保留的子栏目（15个子栏目）"] == {2016: 0, 2018: 2}  # hs/1 and hs/5, each once
    assert groups["公共资源配置（15个子栏目）"] == {2016: 1, 2018: 0}
    assert groups["重大建设项目批准和实施（6个子栏目）"] == {2016: 0, 2018: 0}
    members = next(r.members for r in rows if r.label.startswith("社会公益事业建设"))
    assert len(members) == 13
    assert {r.label: r.counts[2018] for r in kinds}["图片（picture）"] == 1
    assert json.loads(json.dumps(compare_records(rows, [2016, 2018])))[0]["counts"] == {"2016": 0, "2018": 2}


def test_reconcile_seed_against_a_small_archive(db):
    seed = (FIXTURES / "seed_2018.txt").read_text(encoding="utf-8")
    with db.session() as s:
        results = {r.key: r for r in reconcile_reports(s, "heishan", 2018, [seed])}
    published = results["items_published"]
    assert (published.claimed, published.archived, published.difference) == (1758, 6, -1752)
    assert {i.url for i in published.items} >= {"http://hs/1", "http://hs/8"}
    pictures = results["pictures"]  # 图片96张: by the distinct images, the picture items beside
    assert (pictures.archived, pictures.measure.used, pictures.measure.other, pictures.item_count) == (
        2,
        "images",
        1,
        1,
    )
    assert results["government_documents"].archived == 2
    assert results["feature_column_cumulative"].archived == 3  # hs/1, hs/5 and the 2016 hs/6
    assert results["kept_subcolumns"].archived == 2
    assert results["group_public_resources"].archived == 2
    assert "矿业权出让" not in results["group_public_resources"].evidence["named_not_in_archive"]
    assert (
        results["training_attendance"].checkable is False and results["training_attendance"].archived is None
    )
    top = results["top_columns"]
    assert top.archived == 4 and set(top.evidence["missing"]) == {"乡镇动态", "部门工作", "政府信息公开"}


def test_a_count_the_prose_gives_for_a_named_column(db):
    """设立了“财政信息”栏目……共公开发布信息N条: the items of the year in the columns mapped to 财政信息
    (hs/1 and hs/5, hs/5 listed twice); a column the taxonomy or the archive does not know is not
    checkable, saying why."""
    text = (
        "县政府网站设立了“财政信息”公开栏目，用于公开预决算等信息。2018年，共公开发布信息5条。"
        "设立了“住房保障”专栏，全年发布信息4条。设立了“乡村旅游”栏目，全年发布信息3条。"
    )
    with db.session() as s:
        results = [r for r in reconcile_reports(s, "heishan", 2018, [text]) if r.key == "column_items"]
    finance, housing, unknown = results
    assert (finance.checkable, finance.claimed, finance.archived) == (True, 5, 2)
    assert [i.url for i in finance.items] == ["http://hs/1", "http://hs/5"]
    assert finance.evidence["taxonomy"] == "政务公开重点工作/财政信息"
    assert (housing.checkable, housing.claimed, housing.archived) == (True, 4, 0)  # hs/6 is of 2016
    assert (unknown.checkable, unknown.claimed) == (False, 3) and "乡村旅游" in (unknown.reason or "")


def test_reconcile_a_website_statement_from_its_form(db):
    """The 政府网站工作年度报表 is reconciled like a report: its 信息发布 总数 against the year's items
    (as the seed's 发布各类政府信息 is), its other counts said to be out of the archive's sight."""
    page = (FIXTURES / "website_statement_2021.html").read_text(encoding="utf-8").replace("2021", "2018")
    seed = (FIXTURES / "seed_2018.txt").read_text(encoding="utf-8")
    with db.session() as s:
        results = reconcile_document(s, "heishan", 2018, page.encode("utf-8"), "statement.html")
        from_seed = {r.key: r for r in reconcile_reports(s, "heishan", 2018, [seed])}["items_published"]
    checkable = [r for r in results if r.checkable]
    assert [(r.key, r.claimed, r.archived) for r in checkable] == [
        ("items_published", 2533, from_seed.archived)
    ]
    assert {i.url for i in checkable[0].items} == {i.url for i in from_seed.items}
    assert "table 1, row" in checkable[0].text  # the cell it was read from
    others = {r.label: r.claimed for r in results if not r.checkable}
    assert others["网站报表 独立用户访问总量"] == 152340 and others["网站报表 办件量 总数"] == 1210
    assert others["网站报表 收到留言数量"] == 215 and others["网站报表 安全检测评估次数"] == 12
    assert all(r.reason for r in results if not r.checkable)
    with db.session() as s:  # pasted (the dashboard's form) or given as a saved page: the same claims
        pasted = reconcile_reports(s, "heishan", 2018, [page])
    assert [(r.key, r.claimed, r.archived) for r in pasted] == [
        (r.key, r.claimed, r.archived) for r in results
    ]


def test_reconcile_table_reports_and_identity(db):
    reports = [(FIXTURES / f"qingshi_{y}_report.html").read_text(encoding="utf-8") for y in (2020, 2021)]
    with db.session() as s:
        results = {r.key: r for r in reconcile_reports(s, "heishan", 2018, reports[:1])}
        both = {r.key: r for r in reconcile_reports(s, "heishan", 2021, reports)}
    assert "table2_issued" not in results  # a 2020 report says nothing about 2018
    issued = both["table2_issued"]
    assert issued.claimed == 5 and issued.archived == 0 and "文号" in issued.definition
    assert both["identity_normative_documents"].difference == 0
    assert both["table2_normative_documents_repealed"].checkable is False


def test_table_two_counts_documents_with_doc_no(db):
    report = (FIXTURES / "qingshi_2021_report.html").read_text(encoding="utf-8").replace("2021年", "2018年")
    with db.session() as s:
        issued = {r.key: r for r in reconcile_reports(s, "heishan", 2018, [report])}["table2_issued"]
    assert [i.url for i in issued.items] == ["http://hs/1"]


def test_health_as_of_a_date(db):
    with db.session() as s:
        health = {i.key: i for i in inspect_health(s, date(2019, 2, 1), site="heishan").indicators}
        later = {i.key: i for i in inspect_health(s, date(2019, 6, 1), site="heishan").indicators}
        before = {i.key: i for i in inspect_health(s, date(2019, 1, 1)).indicators}
    empty = [e["column"] for e in health["empty_columns"].evidence]
    assert sorted(empty) == ["县长信箱", "重点工作/公共资源配置/矿业权出让"]  # 县长信箱's item is later
    assert health["homepage_stale"].fails is False  # hs/4 on 2019-01-20 is within two weeks
    assert later["homepage_stale"].fails is True
    stale = {e["column"] for e in health["stale_columns"].evidence}
    # 政府公告 (notice) last published 2018-08-01, exactly six months back: not yet stale.
    assert stale == {
        "重点工作/公共资源配置/住房保障",
        "重点工作/放管服改革",
        "重点工作/财政信息",
        "政府文件",
        "图片新闻",
    }
    assert health["stale_columns"].fails is True
    assert [e["url"] for e in health["broken_links"].evidence] == ["http://hs/8"]
    assert health["hijacked_pages"].fails is True and health["hijacked_pages"].count == 1
    assert before["hijacked_pages"].count == 0  # not yet seen on that day


def test_exports_csv_with_bom_and_xlsx(db, tmp_path):
    from openpyxl import load_workbook

    seed = (FIXTURES / "seed_2018.txt").read_text(encoding="utf-8")
    with db.session() as s:
        views = reconcile_views(reconcile_reports(s, "heishan", 2018, [seed]))
    text = to_csv(views)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["报告核对"] and "报告数" in rows[1]
    path = tmp_path / "r.xlsx"
    write_xlsx(views, path)
    book = load_workbook(path)
    assert book.sheetnames == ["报告核对", "依据条目", "依据文件"]  # 依据文件: the 2 images of 图片
    sheet = book["报告核对"]
    assert sheet.freeze_panes == "A2" and sheet["F1"].value == "报告数"
    assert sheet.column_dimensions["B"].width > 10
    assert book["依据条目"].max_row > 7


@pytest.mark.parametrize("state", ["live", "rollup", "remapped"])
def test_reconcile_page_shows_the_cli_numbers_and_links_to_the_items(db, db_url, tmp_path, state):
    """The page and the API count (they list no items) and give the CLI's numbers; each claim that
    counts items links to a paged list holding exactly the items the CLI lists behind it. Also when
    a column was mapped to 政府文件 after its items were listed (memberships keep the old path)."""
    import html as html_lib
    import re

    from sqlalchemy import update

    from audit.web import create_app
    from storage import rollup
    from storage.models import Column
    from zwgk.cli import main

    if state == "remapped":
        with db.session() as s:
            s.execute(update(Column).where(Column.path == "政府公告").values(taxonomy_path="政府文件"))
            s.commit()
    if state != "live":
        assert rollup.refresh(db) is not None
    table = (FIXTURES / "qingshi_2021_report.html").read_text(encoding="utf-8").replace("2021年", "2018年")
    (tmp_path / "table.html").write_text(table, encoding="utf-8")
    statement = (FIXTURES / "website_statement_2021.html").read_text(encoding="utf-8").replace("2021", "2018")
    (tmp_path / "statement.html").write_text(statement, encoding="utf-8")
    app = create_app(db_url, None, token="")
    client = app.test_client()
    try:
        for report in (FIXTURES / "seed_2018.txt", tmp_path / "table.html", tmp_path / "statement.html"):
            out = tmp_path / "cli.json"
            argv = ["audit", "reconcile", "--db", db_url, "--site", "heishan", "--year", "2018"]
            assert main([*argv, "--report", str(report), "--format", "json", "-o", str(out)]) == 0
            cli = json.loads(out.read_text(encoding="utf-8"))["claims"]
            stated = "table2_issued" if report.name == "table.html" else "items_published"
            assert stated in {c["key"] for c in cli if c["checkable"]}
            text = report.read_text(encoding="utf-8")
            page = client.post("/reconcile", data={"site": "heishan", "year": "2018", "text": text})
            assert page.status_code == 200
            body = page.get_data(as_text=True)
            if report.name == "seed_2018.txt":  # 图片96张: by the 2 distinct images, the 1 item beside
                assert "按张 (distinct images)" in body and "按条 (items)：1" in body
            api = client.post(
                "/api/reconcile", json={"site": "heishan", "year": 2018, "text": text}
            ).get_json()
            assert [c["key"] for c in api["claims"]] == [c["key"] for c in cli]
            linked = 0
            for mine, theirs in zip(api["claims"], cli, strict=True):
                for name in ("claimed", "archived", "difference", "checkable", "evidence", "unit"):
                    assert mine[name] == theirs[name], (theirs["key"], name)
                if theirs["measure"] is not None:  # the API gives the figures, the CLI the files too
                    assert mine["measure"] == {k: v for k, v in theirs["measure"].items() if k != "files"}
                    if theirs["measure"]["used"] == "images":
                        assert len(theirs["measure"]["files"]) == theirs["archived"]
                assert mine["item_count"] == theirs["item_count"] and "items" not in mine
                if theirs["archived"] is not None:
                    assert f'<td class="num">{theirs["archived"]}</td>' in body
                if not theirs["items"]:
                    continue
                linked += 1
                html_url = mine["items_url"].removeprefix("/api")
                assert html_lib.escape(html_url) in body  # the page's link to the same list
                listed, number = [], 1
                while True:
                    got = client.get(mine["items_url"] + f"&page={number}").get_json()
                    assert got["total"] == theirs["item_count"]
                    listed += [r["url"] for r in got["rows"]]
                    if not got["has_next"]:
                        break
                    number += 1
                assert sorted(listed) == sorted(i["url"] for i in theirs["items"]), theirs["key"]
                shown = client.get(html_url).get_data(as_text=True)
                hrefs = re.findall(r'class="item-link" href="/item/\d+">([^<]*)<', shown)
                assert len(hrefs) == min(len(listed), 50)
            assert linked >= 1
        assert client.get("/reconcile/items?site=heishan&year=2018&claim=top_columns").status_code == 404
        assert client.get("/api/reconcile/items?year=2018&claim=pictures").status_code == 400
        assert client.get("/reconcile/items?site=heishan&year=2018&claim=pictures&scope=x").status_code == 400
    finally:
        app.config["ZWGK_ARCHIVE"].dispose()
