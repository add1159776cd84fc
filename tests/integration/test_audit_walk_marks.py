"""Compare, reconcile and health mark every number that rests on a column not walked whole, with the
reason: a * in the table and on the dashboard, a footnote, a 遍历说明 column in CSV and XLSX, and the
columns themselves (``walk_columns``) in JSON — as ``audit counts`` does."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.orm import Session

from audit.compare import TOTAL, compare_records, compare_view, compare_years
from audit.export import WALK_HEADER, rich_tables, to_csv, write_xlsx
from audit.health import health_record, health_views, inspect_health
from audit.reconcile import reconcile_records, reconcile_reports, reconcile_views
from storage import repository as repo
from storage.db import Database, open_database

logger = logging.getLogger(__name__)

T0 = datetime(2019, 2, 1, tzinfo=UTC)
SEED = Path(__file__).parents[1] / "fixtures" / "reports" / "seed_2018.txt"
SHORT_NOTE = "declared 40 records, walked 2"
BLOCKED_NOTE = "HTTP 403 (WAF)"
# path, taxonomy, how its walk ended, why
COLUMNS = [
    ("今日关注", "今日关注", "ok", None),
    ("政府文件", "政府文件", "incomplete", SHORT_NOTE),
    ("政府公告", "政府公告", "blocked", BLOCKED_NOTE),
    ("图片新闻", "图片", "ok", None),
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
    for n, (path, taxonomy, walk, note) in enumerate(COLUMNS):
        ids[path] = repo.ensure_column(s, site, path, f"http://hs/c{n}/", "trs", None, taxonomy, "exact", T0)
        repo.record_column_walk(
            s, ids[path], 1, 2, 40 if walk == "incomplete" else None, None, walk, note, T0
        )
    for n, (path, taxonomy, _, _) in enumerate(COLUMNS):
        for k in range(2):
            url = f"http://hs/{n}/{k}"
            repo.record_listing(
                s, site, ids[path], url, f"t{n}{k}", date(2018, 3 + k, 1), k, False, None, taxonomy, "column",
                "2018.1", T0,
            )  # fmt: skip
            repo.record_detail(
                s,
                site,
                url,
                {"kind": "article", "published_on": date(2018, 3 + k, 1), "fetch_status": "ok"},
                T0,
            )


def _text(tables: list) -> str:
    console = Console(width=400, record=True)
    for table in tables:
        console.print(table)
    return console.export_text()


def test_compare_by_column_marks_the_short_columns_and_every_total(db, tmp_path):
    with db.session() as s:
        rows = compare_years(s, [2018], site="heishan")
    records = {r["label"]: r for r in compare_records(rows, [2018])}
    assert records["今日关注"]["walk_columns"] == [] and records["图片新闻"]["walk_columns"] == []
    assert records["政府文件"]["walk_columns"] == [
        {"site": "heishan", "column": "政府文件", "walk": "incomplete", "walk_note": SHORT_NOTE}
    ]
    assert records["政府公告"]["walk_columns"][0]["walk"] == "blocked"
    assert {c["column"] for c in records[TOTAL]["walk_columns"]} == {"政府文件", "政府公告"}
    view = compare_view(rows, [2018])
    lines = {
        line.split("│")[3].strip(): line for line in _text(rich_tables([view])).splitlines() if "│" in line
    }
    assert "2*" in lines["政府文件"] and "2*" not in lines["今日关注"] and "8*" in lines[TOTAL]
    assert SHORT_NOTE in view.caption and BLOCKED_NOTE in view.caption and "未遍历完整" in view.caption
    table = list(csv.reader(io.StringIO(to_csv([view])[1:])))
    assert table[0][-1] == WALK_HEADER
    by_label = {row[2]: row for row in table[1:]}
    assert by_label["今日关注"][-1] == "" and by_label["今日关注"][3] == "2"  # numbers stay numbers
    assert by_label["政府文件"][-1] == f"政府文件（未遍历完整：{SHORT_NOTE}）"
    from openpyxl import load_workbook

    write_xlsx([view], tmp_path / "c.xlsx")
    sheet = load_workbook(tmp_path / "c.xlsx").active
    assert sheet.cell(1, len(table[0])).value == WALK_HEADER


def test_compare_by_taxonomy_and_kind_mark_the_rows_resting_on_short_columns(db):
    with db.session() as s:
        by_taxonomy = compare_records(compare_years(s, [2018], site="heishan", by="taxonomy"), [2018])
        by_kind = compare_records(compare_years(s, [2018], site="heishan", by="kind"), [2018])
    marked = {r["label"]: [c["column"] for c in r["walk_columns"]] for r in by_taxonomy}
    assert marked["政府文件"] == ["政府文件"] and marked["图片"] == [] and marked["今日关注"] == []
    assert all(len(r["walk_columns"]) == 2 for r in by_kind)  # a kind may be listed in any column


def test_health_marks_the_indicators_resting_on_the_walk(db):
    with db.session() as s:
        health = inspect_health(s, date(2019, 3, 1), site="heishan")
    record = json.loads(json.dumps(health_record(health), default=str))
    for indicator in record["indicators"]:
        assert {c["column"] for c in indicator["walk_columns"]} == {"政府文件", "政府公告"}
    summary = health_views(health)[0]
    assert SHORT_NOTE in summary.caption and BLOCKED_NOTE in summary.caption
    text = _text(rich_tables([summary]))
    assert "0*" in text


def test_reconcile_marks_the_claims_counting_items_of_short_columns(db):
    with db.session() as s:
        results = reconcile_reports(s, "heishan", 2018, [SEED.read_text(encoding="utf-8")])
    records = {r["key"]: r for r in reconcile_records(results)}
    assert [c["column"] for c in records["government_documents"]["walk_columns"]] == ["政府文件"]
    assert {c["column"] for c in records["items_published"]["walk_columns"]} == {"政府文件", "政府公告"}
    assert all(not r["walk_columns"] for r in records.values() if r["archived"] is None)
    view = reconcile_views(results)[0]
    assert SHORT_NOTE in view.caption
    table = list(csv.reader(io.StringIO(to_csv([view])[1:])))
    rows = {row[0]: row for row in table[2:] if row}
    documents = next(r for r in results if r.key == "government_documents")
    assert rows[documents.label][-1] == f"政府文件（未遍历完整：{SHORT_NOTE}）"


def test_dashboard_marks_compare_health_and_reconcile(db, db_url):
    from audit.web import create_app

    client = create_app(db_url, None, token="").test_client()
    compare = client.get("/compare?site=heishan&years=2018").get_data(as_text=True)
    assert 'class="walk-mark"' in compare and SHORT_NOTE in compare and BLOCKED_NOTE in compare
    health = client.get("/health?site=heishan&as_of=2019-03-01").get_data(as_text=True)
    assert 'class="walk-mark"' in health and SHORT_NOTE in health
    seed = SEED.read_text(encoding="utf-8")
    page = client.post("/reconcile", data={"site": "heishan", "year": "2018", "text": seed})
    assert 'class="walk-mark"' in page.get_data(as_text=True) and SHORT_NOTE in page.get_data(as_text=True)
    api = client.get("/api/compare?site=heishan&years=2018").get_json()
    assert any(r["walk_columns"] for r in api["rows"])
