"""The dashboard through Flask's test client, on a small SQLite archive built with the repository.

Every page answers; archive values are escaped; the headers keep hostile archived pages contained;
the token, when set, is required everywhere; nothing the dashboard answers changes the archive.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, text

from audit.web import create_app
from audit.web.security import RAW_CSP
from storage import repository as repo
from storage import runs
from storage.db import open_database
from storage.findings import record_finding
from storage.models import Capture
from storage.warc import WarcWriter

logger = logging.getLogger(__name__)

T0 = datetime(2018, 6, 1, 8, 0, tzinfo=UTC)
XSS = "<script>alert(1)</script>"
HIJACKED_PAGE = (
    "<html><head><title>开云手机官网入口·(中国)官方网站</title>"
    "<script>window.__pwned = 1; alert('pwned')</script></head>"
    "<body><h1>2018年政府信息公开工作年度报告</h1>"
    '<div style="display:none"><a href="http://spam.example/">开云</a></div>'
    '<img src="http://evil.example/x.png" onerror="alert(2)"></body></html>'
).encode()
TODAY = date(2019, 3, 1)
MANY = 60  # more than one page of a column's items


@dataclass
class Archive:
    folder: Path
    url: str
    warc: Path
    ids: dict[str, int]


def _listing(s, site_id, column_id, url, on, title, taxonomy="政府信息公开/政府文件"):
    return repo.record_listing(
        s, site_id, column_id, url, title, on, 0, False, "gov_docs", taxonomy, "column", "2018.1", T0
    )


def build_archive(folder: Path) -> Archive:
    """A site with three columns (one blocked), 60 items, an XSS title, two versions, captures."""
    url = f"sqlite:///{folder / 'zwgk.sqlite'}"
    warc_dir = folder / "warc"
    db = open_database(url)
    ids: dict[str, int] = {}
    with db.session() as s:
        site = repo.ensure_site(s, "tiny", "样例县<b>人民政府</b>", "http://127.0.0.1/", "trs")
        docs = repo.ensure_column(
            s,
            site,
            "政府信息公开/政府文件",
            "http://127.0.0.1/zfwj/",
            "trs",
            "gov_docs",
            "政府信息公开/政府文件",
            "exact",
            T0,
        )
        news = repo.ensure_column(s, site, "今日关注", "http://127.0.0.1/jrgz/", "trs", None, None, None, T0)
        blocked = repo.ensure_column(
            s, site, "乡镇动态", "http://127.0.0.1/xzdt/", "trs", None, None, None, T0
        )
        for column_id in (docs, news):
            repo.record_column_walk(s, column_id, 2, MANY, MANY, 2, "ok", None, T0)
        repo.record_column_walk(s, blocked, 0, 0, None, None, "blocked", "412 瑞数", T0)
        for n in range(MANY):
            on = date(2017 + n % 2, 1 + n % 12, 1 + n % 28)
            _listing(s, site, docs, f"http://127.0.0.1/zfwj/{n}.html", on, f"黑政办发文件{n}")
        ids["xss"] = _listing(s, site, news, "http://127.0.0.1/jrgz/x.html", date(2018, 5, 1), XSS)
        ids["docs"], ids["news"], ids["blocked"] = docs, news, blocked
        page = "http://127.0.0.1/jrgz/x.html"
        fields = {
            "title": XSS,
            "index_no": "11210726/2018-00047",
            "doc_no": "黑政办发〔2018〕47号",
            "published_on": date(2018, 5, 1),
            "body_text": "第一句。第二句<img src=x onerror=alert(3)>。",
            "content_hash": "h1",
            "fetch_status": "ok",
            "http_status": 200,
        }
        with WarcWriter(warc_dir, worker="test") as writer:
            first = writer.write_exchange(
                page, T0, 200, "OK", [("Content-Type", "text/html; charset=utf-8")], HIJACKED_PAGE, []
            )
        capture_ids = []
        for n, loc in enumerate([first]):
            capture_ids.append(
                s.execute(
                    insert(Capture)
                    .values(
                        site_id=site,
                        item_id=ids["xss"],
                        url=page,
                        page_kind="detail",
                        fetched_at=T0 + timedelta(minutes=n),
                        http_status=200,
                        content_type="text/html; charset=utf-8",
                        payload_digest=loc.payload_digest,
                        payload_length=len(HIJACKED_PAGE),
                        record_type=loc.record_type,
                        warc_file=loc.file,
                        warc_offset=loc.offset,
                        warc_length=loc.length,
                    )
                    .returning(Capture.id)
                ).scalar_one()
            )
        ids["capture"] = capture_ids[0]
        repo.record_detail(s, site, page, fields, T0, capture_ids[0])
        edited = {**fields, "body_text": "第一句。第二句已改写。", "content_hash": "h2"}
        repo.record_detail(s, site, page, edited, T0 + timedelta(days=30), capture_ids[0])
        # A capture whose recorded file name tries to leave the WARC folder.
        ids["evil_capture"] = s.execute(
            insert(Capture)
            .values(
                site_id=site,
                url=page,
                page_kind="detail",
                fetched_at=T0,
                http_status=200,
                payload_digest="x",
                payload_length=1,
                record_type="response",
                warc_file="../../../../etc/passwd",
                warc_offset=0,
                warc_length=1,
            )  # fmt: skip
            .returning(Capture.id)
        ).scalar_one()
        record_finding(
            s, site, "hijacked", page, T0, evidence={"title": XSS}, severity="veto", item_id=ids["xss"],
            capture_id=capture_ids[0],
        )  # fmt: skip
        run = runs.start_run(s, site, "full", "http://127.0.0.1/")
        runs.finish_run(s, run, "ok", 0, {"pages": MANY})
    db.dispose()
    return Archive(folder, url, warc_dir, ids)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return build_archive(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def app(archive: Archive) -> Iterator[Flask]:
    application = create_app(archive.url, archive.warc, token="", today=TODAY)
    application.config["TESTING"] = True
    yield application
    application.config["ZWGK_ARCHIVE"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def pages(a: Archive) -> list[str]:
    i = a.ids
    return [
        "/",
        "/?as_of=2018-12-31",
        "/site/tiny",
        f"/column/{i['docs']}",
        f"/column/{i['docs']}?year=2018&page=2",
        "/compare",
        "/compare?site=tiny&years=2017,2018&by=taxonomy",
        "/compare?years=2017&years=2018&by=kind",
        "/health?site=tiny&as_of=2018-12-31",
        "/findings",
        "/findings?site=tiny&kind=hijacked",
        "/search",
        "/search?q=黑政办发",
        "/search?q=2018-00047&field=index_no",
        "/search?q=〔2018〕47&field=doc_no",
        f"/item/{i['xss']}",
        f"/item/{i['xss']}?from=1&to=2",
        f"/capture/{i['capture']}",
        f"/raw/{i['capture']}",
        "/reconcile",
        "/reconcile/items?site=tiny&year=2018&claim=items_published&scope=year&page=2",
        "/static/style.css",
        "/api/sites",
        "/api/sites/tiny/counts?by=taxonomy",
        "/api/compare?site=tiny&years=2017,2018",
        "/api/health?as_of=2018-12-31",
        "/api/findings",
        f"/api/columns/{i['docs']}/items?page=2",
        f"/api/items/{i['xss']}",
        "/api/search?q=黑政",
        "/api/reconcile/items?site=tiny&year=2018&claim=pictures&scope=year",
        "/api/openapi.json",
    ]


EXPORTS = [
    "sites",
    "counts?site=tiny",
    "compare?site=tiny&years=2017,2018",
    "health?site=tiny",
    "findings",
    "blocked",
    "search?q=黑政",
]


def test_every_page_answers(client: FlaskClient, archive: Archive) -> None:
    for url in pages(archive):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:500])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_table_exports(client: FlaskClient, archive: Archive, fmt: str) -> None:
    from openpyxl import load_workbook

    names = [*EXPORTS, f"column-items?column={archive.ids['docs']}"]
    for name in names:
        path, _, query = name.partition("?")
        response = client.get(f"/export/{path}.{fmt}" + (f"?{query}" if query else ""))
        assert response.status_code == 200, name
        assert "attachment" in response.headers["Content-Disposition"]
        if fmt == "xlsx":
            book = load_workbook(io.BytesIO(response.data))
            assert book.worksheets[0].max_row >= 1
        else:
            assert response.data.startswith("\ufeff".encode())


def test_site_page_shows_tree_heat_and_chart(client: FlaskClient, archive: Archive) -> None:
    html = client.get("/site/tiny").get_data(as_text=True)
    assert "<svg" in html and "<details" in html and "heat" in html
    assert "政府文件" in html and "被拦截" in html  # the blocked column is labelled, not counted empty
    assert f"/column/{archive.ids['docs']}" in html


def test_column_items_are_paginated(client: FlaskClient, archive: Archive) -> None:
    first = client.get(f"/column/{archive.ids['docs']}").get_data(as_text=True)
    assert first.count('class="item-link"') == 50 and "下一页" in first and f"共 {MANY} 条" in first
    second = client.get(f"/column/{archive.ids['docs']}?page=2").get_data(as_text=True)
    assert second.count('class="item-link"') == MANY - 50 and "上一页" in second


def test_overview_shows_as_of_and_verdict(client: FlaskClient) -> None:
    html = client.get("/?as_of=2018-12-31").get_data(as_text=True)
    assert 'id="as-of">2018-12-31' in html and "检查结论" in html
    assert "样例县&lt;b&gt;人民政府&lt;/b&gt;" in html


def test_item_page_shows_versions_and_diff(client: FlaskClient, archive: Archive) -> None:
    html = client.get(f"/item/{archive.ids['xss']}").get_data(as_text=True)
    assert "v1" in html and "v2" in html and 'id="diff"' in html
    assert "第二句已改写" in html and "黑政办发〔2018〕47号" in html and "11210726/2018-00047" in html
    assert f"/capture/{archive.ids['capture']}" in html


@pytest.mark.parametrize("where", ["item", "column", "search", "findings", "api"])
def test_archive_values_are_escaped(client: FlaskClient, archive: Archive, where: str) -> None:
    url = {
        "item": f"/item/{archive.ids['xss']}",
        "column": f"/column/{archive.ids['news']}",
        "search": "/search?q=script",
        "findings": "/findings",
        "api": f"/api/items/{archive.ids['xss']}",
    }[where]
    response = client.get(url)
    body = response.get_data(as_text=True)
    if where == "api":
        assert response.mimetype == "application/json" and "<script" not in body
        assert response.get_json()["title"] == XSS  # escaped in transit, intact once parsed
        return
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script" not in body.lower()  # the dashboard itself has no script at all
    assert "<img src=x" not in body


def test_page_headers(client: FlaskClient) -> None:
    for url in ("/", "/site/tiny", "/api/sites", "/nope", "/static/style.css"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in response.headers


def test_archived_page_is_sandboxed(client: FlaskClient, archive: Archive) -> None:
    page = client.get(f"/capture/{archive.ids['capture']}").get_data(as_text=True)
    assert 'sandbox=""' in page and f'src="/raw/{archive.ids["capture"]}"' in page
    assert "allow-scripts" not in page and "allow-same-origin" not in page
    raw = client.get(f"/raw/{archive.ids['capture']}")
    assert raw.status_code == 200 and raw.data == HIJACKED_PAGE
    assert raw.headers["Content-Security-Policy"] == RAW_CSP
    assert raw.headers["Content-Security-Policy"].startswith(
        "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
    )
    assert raw.headers["X-Content-Type-Options"] == "nosniff"
    assert raw.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Set-Cookie" not in raw.headers


def test_raw_refuses_a_warc_name_outside_the_folder(client: FlaskClient, archive: Archive) -> None:
    assert client.get(f"/raw/{archive.ids['evil_capture']}").status_code == 404
    assert client.get("/raw/999999").status_code == 404


def test_token_required_everywhere_when_set(archive: Archive) -> None:
    app = create_app(archive.url, archive.warc, token="s3cret", today=TODAY)
    c = app.test_client()
    urls = [
        "/",
        "/site/tiny",
        f"/raw/{archive.ids['capture']}",
        "/api/sites",
        "/api/openapi.json",
        "/export/sites.csv",
        "/static/style.css",
    ]
    for url in urls:
        assert c.get(url).status_code == 401, url
        assert c.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401, url
        assert c.get(url, headers={"Authorization": "Bearer s3cret"}).status_code == 200, url
    assert c.post("/reconcile", data={"site": "tiny", "year": "2018", "text": "x"}).status_code == 401
    assert c.post("/api/reconcile", json={}).status_code == 401
    raw = c.get(f"/raw/{archive.ids['capture']}?token=s3cret")
    assert raw.status_code == 200 and "Set-Cookie" not in raw.headers
    assert c.get("/?token=wrong").status_code == 401
    traded = c.get("/site/tiny?token=s3cret&x=1")
    assert traded.status_code == 303 and traded.headers["Location"].endswith("/site/tiny?x=1")
    cookie = traded.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "s3cret" not in cookie
    assert c.get("/site/tiny").status_code == 200  # the cookie now carries the session
    assert c.get(f"/raw/{archive.ids['capture']}").status_code == 200
    app.config["ZWGK_ARCHIVE"].dispose()


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith("-shm")
    }


REPORT = "2018年，门户网站全年主动公开发布各类政府信息1758条，其中图片96张，视频新闻369条，政府文件71条。"


def test_no_request_changes_the_archive(archive: Archive) -> None:
    before = _digest(archive.folder)
    app = create_app(archive.url, archive.warc, token="", today=TODAY)
    c = app.test_client()
    reconciled = c.post("/reconcile", data={"site": "tiny", "year": "2018", "text": REPORT})
    assert reconciled.status_code == 200 and "1758" in reconciled.get_data(as_text=True)
    upload = c.post(
        "/reconcile",
        data={"site": "tiny", "year": "2018", "report": (io.BytesIO(REPORT.encode("gb18030")), "r.txt")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200 and "视频新闻" in upload.get_data(as_text=True)
    exported = c.post("/reconcile", data={"site": "tiny", "year": "2018", "text": REPORT, "format": "xlsx"})
    assert exported.status_code == 200 and exported.data[:2] == b"PK"
    api = c.post("/api/reconcile", json={"site": "tiny", "year": 2018, "text": REPORT})
    assert api.status_code == 200 and api.get_json()["claims"]
    for url in pages(archive):
        assert c.post(url).status_code in (405, 401, 400, 200), url
        c.get(url)
    with pytest.raises(Exception, match="readonly|read-only|query_only|attempt to write"):
        with app.config["ZWGK_ARCHIVE"].session() as s:
            s.execute(text("DELETE FROM item"))
    app.config["ZWGK_ARCHIVE"].dispose()
    assert _digest(archive.folder) == before


ATTACKS = [
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "' OR '1'='1",
    "1; DROP TABLE item; --",
    '1" OR "1"="1',
    "%' --",
    "<script>alert(1)</script>",
    "\x00",
    "9" * 40,
    "-1",
]
PARAMS = [
    "site",
    "year",
    "years",
    "by",
    "as_of",
    "kind",
    "page",
    "q",
    "field",
    "column",
    "from",
    "to",
    "token",
]


def test_hostile_parameters_fail_harmlessly(archive: Archive) -> None:
    before = _digest(archive.folder)
    app = create_app(archive.url, archive.warc, token="", today=TODAY)
    c = app.test_client()
    targets = [u.partition("?")[0] for u in pages(archive)] + [
        f"/export/{e.partition('?')[0]}.csv" for e in EXPORTS
    ]
    for attack in ATTACKS:
        for target in dict.fromkeys(targets):
            for name in PARAMS:
                response = c.get(target, query_string={name: attack})
                assert response.status_code in (200, 400, 404), (target, name, attack, response.status_code)
                body = response.get_data(as_text=True)
                assert "root:x:0" not in body and "Traceback" not in body
                if target.startswith(("/raw/", "/export/")):  # the payload itself; a download
                    continue
                assert "<script>alert(1)</script>" not in body, (target, name)
        for path in (
            f"/site/{attack}",
            f"/item/{attack}",
            f"/raw/{attack}",
            f"/static/{attack}",
            f"/export/{attack}.csv",
            f"/api/sites/{attack}/counts",
        ):
            response = c.get(path)
            assert response.status_code in (400, 404, 405), (path, response.status_code)
        posted = c.post("/reconcile", data={"site": attack, "year": attack, "text": attack})
        assert posted.status_code in (200, 400, 404)
        assert c.post(
            "/api/reconcile", json={"site": attack, "year": attack, "text": attack}
        ).status_code in (400, 404)
    with app.config["ZWGK_ARCHIVE"].session() as s:
        assert s.execute(text("SELECT count(*) FROM item")).scalar_one() == MANY + 1
    app.config["ZWGK_ARCHIVE"].dispose()
    assert _digest(archive.folder) == before


def test_search_treats_wildcards_literally(client: FlaskClient) -> None:
    assert client.get("/api/search?q=%25").get_json()["rows"] == []
    assert client.get("/api/search?q=_").get_json()["rows"] == []
    assert len(client.get("/api/search?q=黑政办发文件1").get_json()["rows"]) == 11


def test_openapi_describes_every_api_route(app: Flask) -> None:
    spec = app.test_client().get("/api/openapi.json").get_json()
    routes = {
        re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", str(rule))
        for rule in app.url_map.iter_rules()
        if str(rule).startswith("/api/")
    }
    assert routes == set(spec["paths"])


def test_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    from storage.db import DatabaseError

    with pytest.raises(DatabaseError, match="no archive"):
        create_app(f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert not (tmp_path / "none.sqlite").exists()


def test_health_verdicts_do_not_wrap(client: FlaskClient) -> None:
    # issue 14: the health table's verdict cells stay on one line, never one character per line
    page = client.get("/health?site=tiny&as_of=2018-12-31").get_data(as_text=True)
    assert '<div class="health">' in page
    css = client.get("/static/style.css").get_data(as_text=True)
    assert ".health table.data td:not(:last-child) { white-space: nowrap; }" in css


def test_a_year_the_archive_never_saw_is_refused_naming_its_years(client: FlaskClient) -> None:
    # the tiny archive holds 2017 and 2018: 2015 would read as a column of zeros
    for url in ("/compare?site=tiny&years=2015,2018", "/api/compare?site=tiny&years=2015,2018"):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.get_data(as_text=True)
        assert "2015" in body and "2017" in body and "2018" in body, body
    assert client.get("/api/reconcile/items?site=tiny&year=2030&claim=pictures&scope=year").status_code == 404
    assert client.get("/compare?site=tiny&years=2017,2018").status_code == 200
