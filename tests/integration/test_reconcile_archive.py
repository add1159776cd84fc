"""Reconciliation straight from the archive (issue 15): crawl the ``annual`` replica, whose
政府信息公开年报 column holds its 2016 (pre-2019 text), 2017 (2019 tables) and 2018 (2021 tables)
reports, each a page with a PDF and a DOCX attachment. ``zwgk audit reconcile --year Y`` with no
``--report`` finds and reconciles each from its archived page, and from the PDF and DOCX
attachments the crawl archived beside it (and behind a page that is only a shell). A crawl with
``--no-inspect`` downloads no attachment: the command then says the attachment is not in the
archive, and fetches nothing. The replica's 政府网站工作年度报表 for 2018 (a page whose title names no year,
published in January 2019, with a PDF and a DOCX) is found and reconciled beside the 2018 report."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import run_zwgk, summary_json

import replica
from audit.archived_report import (
    Archived,
    ArchiveReader,
    ReportNotFound,
    find_report,
    find_statement,
    reconcile_document,
    reconcile_read,
    warc_reader,
)
from audit.web import create_app
from replica.routes import Router
from storage.db import database_url, open_database
from zwgk.cli import main

SPEC = "annual"


@dataclass(frozen=True)
class Crawled:
    data: Path
    base: str  # the replica's base URL, without the trailing slash
    truth: dict[str, Any]
    router: Router

    def reports(self) -> list[dict[str, Any]]:
        return self.truth["reports"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    site = replica.build_site(replica.load_spec(SPEC))
    data = tmp_path_factory.mktemp("annual")
    with replica.ReplicaServer(site) as server:
        result = run_zwgk("crawl", server.base_url, "--data", str(data), "--site", SPEC, "--json")
        assert result.returncode == 0, result.stderr[-3000:]
        assert summary_json(result)
        base = server.base_url.rstrip("/")
    yield Crawled(data, base, replica.truth(site), Router(site))


@pytest.fixture(scope="module")
def crawled_without_attachments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    site = replica.build_site(replica.load_spec(SPEC))
    data = tmp_path_factory.mktemp("annual-bare")
    with replica.ReplicaServer(site) as server:
        result = run_zwgk(
            "crawl", server.base_url, "--data", str(data), "--site", SPEC, "--no-inspect", "--json"
        )
        assert result.returncode == 0, result.stderr[-3000:]
        base = server.base_url.rstrip("/")
    yield Crawled(data, base, replica.truth(site), Router(site))


def _file(crawled: Crawled, path: str) -> bytes:
    reply = crawled.router.get(path)
    assert reply.status == 200, path
    return reply.body


def _claims(results: list[Any]) -> dict[str, tuple[Any, Any]]:
    return {r.key: (r.claimed, r.archived) for r in results if r.checkable}


def _honest(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The checkable claims each report makes, claimed = archived = the replica's true count: the
    prose's counts (every layout states the year's items; the free text more), and table 二."""
    f = report["figures"]
    if report["format"] == "pre-2019":
        # 图片…张 is counted by the distinct images of the year's picture items (issue 19)
        pairs = {"items_published": "items", "pictures": "images", "video_news": "videos"}
        pairs |= {"government_documents": "documents", "proactive_total": "items"}
        return {key: (f[name], f[name]) for key, name in pairs.items()}
    return {"table2_issued": (f["issued"], f["issued"]), "items_published": (f["items"], f["items"])}


def test_the_replica_publishes_three_reports_in_three_layouts(crawled: Crawled) -> None:
    assert [(r["year"], r["format"]) for r in crawled.reports()] == [
        (2016, "pre-2019"),
        (2017, "2019"),
        (2018, "2021"),
    ]
    for report in crawled.reports():
        assert _file(crawled, report["attachments"]["pdf"]).startswith(b"%PDF")
        assert _file(crawled, report["attachments"]["docx"]).startswith(b"PK")
        assert report["failures"], "every replica report carries a planted inconsistency"


def test_reconcile_without_report_finds_each_year_from_its_archived_page(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for report in crawled.reports():
        out = tmp_path / f"{report['year']}.json"
        argv = ["audit", "reconcile", "--data", str(crawled.data), "--year", str(report["year"])]
        assert main([*argv, "--format", "json", "-o", str(out)]) == 0
        assert "read from the archived page" in capsys.readouterr().err
        record = json.loads(out.read_text(encoding="utf-8"))
        assert record["report"]["item"] == crawled.base + report["url"]
        assert (record["report"]["via"], record["report"]["found_by"]) == ("page", "column")
        assert record["report"]["year"] == report["year"]
        assert record["report"]["issuer"] == replica.load_spec(SPEC).site.name  # its title names it
        got = {c["key"]: (c["claimed"], c["archived"]) for c in record["claims"] if c["checkable"]}
        assert got == _honest(report), report["year"]


def test_a_year_without_a_report_is_refused_saying_so(
    crawled: Crawled, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["audit", "reconcile", "--data", str(crawled.data), "--year", "2019"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("zwgk: error: ") and "no report of annual for 2019" in err


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_an_attachment_not_in_the_archive_is_said_to_be_missing(
    crawled_without_attachments: Crawled, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    crawled = crawled_without_attachments
    report = crawled.reports()[-1]
    argv = ["audit", "reconcile", "--data", str(crawled.data), "--year", str(report["year"])]
    assert main([*argv, "--from", kind]) == 2
    err = capsys.readouterr().err
    url = crawled.base + report["attachments"][kind]
    assert f"its attachment {url} is not in the archive" in err
    assert main(["report", "read", url, "--data", str(crawled.data)]) == 2
    assert "is not in the archive" in capsys.readouterr().err


def _with_attachments(crawled: Crawled, read: ArchiveReader, shell: bool = False) -> ArchiveReader:
    """The archive's reader, plus the replica's attachment files as if they were archived; with
    ``shell``, every report page reads as a shell that only links its attachments."""
    files = {crawled.base + r["attachments"][k]: k for r in crawled.reports() for k in ("pdf", "docx")}
    pages = {crawled.base + r["url"] for r in crawled.reports()}

    def reader(url: str) -> Archived | None:
        if url in files:
            return Archived(url, _file(crawled, url.removeprefix(crawled.base)), None)
        if shell and url in pages:
            return Archived(url, "<html><body><p>附件：年度报告</p></body></html>".encode(), "text/html")
        return read(url)

    return reader


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_each_report_reconciles_alike_from_its_page_pdf_and_docx(crawled: Crawled, kind: str) -> None:
    db = open_database(database_url(crawled.data))
    try:
        with db.session() as s:
            read = warc_reader(s, crawled.data / "warc")
            for report in crawled.reports():
                year = report["year"]
                page = find_report(s, SPEC, year, read)
                from_page = _claims(reconcile_read(s, SPEC, year, page.document, page.report))
                assert from_page == _honest(report)
                # the replica's file, through the same reader
                body = _file(crawled, report["attachments"][kind])
                name = report["attachments"][kind].rsplit("/", 1)[1]
                assert _claims(reconcile_document(s, SPEC, year, body, name)) == from_page
                # found as the archived attachment: asked for, and behind a page that is only a shell
                for source, shell in ((kind, False), (None, True)):
                    found = find_report(s, SPEC, year, _with_attachments(crawled, read, shell), source)
                    assert found.via == (kind if source else "pdf")
                    assert found.report.year == year
                    got = _claims(reconcile_read(s, SPEC, year, found.document, found.report))
                    assert got == from_page, (year, source, shell)
                # and the attachment the crawl archived, read from the WARC
                archived = find_report(s, SPEC, year, read, kind)
                assert archived.via == kind
                assert _claims(reconcile_read(s, SPEC, year, archived.document, archived.report)) == from_page
    finally:
        db.dispose()


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_reconcile_reads_an_archived_attachment(
    crawled: Crawled, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The crawl archived the attachments: the command reads them from there (``--from``), and
    ``zwgk report read`` of its URL too."""
    data = crawled.data
    for report in crawled.reports():
        out = tmp_path / f"{report['year']}.json"
        argv = ["audit", "reconcile", "--data", str(data), "--year", str(report["year"]), "--from", kind]
        assert main([*argv, "--format", "json", "-o", str(out)]) == 0, capsys.readouterr().err
        assert f"read from the archived {kind.upper()} attachment" in capsys.readouterr().err
        record = json.loads(out.read_text(encoding="utf-8"))
        assert (record["report"]["via"], record["report"]["read"]) == (
            kind,
            crawled.base + report["attachments"][kind],
        )
        got = {c["key"]: (c["claimed"], c["archived"]) for c in record["claims"] if c["checkable"]}
        assert got == _honest(report)
        url = crawled.base + report["attachments"][kind]
        assert main(["report", "read", url, "--data", str(data), "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["year"] == report["year"]


def _failures(checked: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (c["rule"], c["arithmetic"])
        for r in checked["reports"]
        for c in r["checks"]
        if c["verdict"] == "fail"
    }


def test_report_check_finds_exactly_the_planted_inconsistencies(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for report in crawled.reports():
        planted = {(f["rule"], f["arithmetic"]) for f in report["failures"]}
        sources = [crawled.base + report["url"]]  # the page, read from the archive
        for kind in ("pdf", "docx"):
            path = tmp_path / f"{report['year']}.{kind}"
            path.write_bytes(_file(crawled, report["attachments"][kind]))
            sources.append(str(path))
        for source in sources:
            capsys.readouterr()
            argv = ["report", "check", source, "--data", str(crawled.data), "--format", "json"]
            assert main(argv) == (8 if planted else 0), capsys.readouterr().err
            assert _failures(json.loads(capsys.readouterr().out)) == planted, (report["year"], source)


def test_report_files_are_refused_with_a_clear_error(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["audit", "reconcile", "--data", str(crawled.data), "--year", "2018"]
    missing = tmp_path / "missing.pdf"
    assert main([*argv, "--report", str(missing)]) == 2
    assert capsys.readouterr().err == f"zwgk: error: {missing}: no such file\n"
    assert main([*argv, "--report", str(missing), "--from", "pdf"]) == 2
    assert "does not go with --report" in capsys.readouterr().err
    older = tmp_path / "report-2017.docx"
    older.write_bytes(_file(crawled, crawled.reports()[1]["attachments"]["docx"]))
    assert main([*argv, "--report", str(older)]) == 2
    err = capsys.readouterr().err
    assert f"{older}: is the report for 2017, not for 2018; give --year 2017" in err
    assert "Traceback" not in err
    report = crawled.reports()[-1]
    current = tmp_path / "report-2018.pdf"
    current.write_bytes(_file(crawled, report["attachments"]["pdf"]))
    out = tmp_path / "from-file.json"
    assert main([*argv, "--report", str(current), "--format", "json", "-o", str(out)]) == 0
    claims = json.loads(out.read_text(encoding="utf-8"))["claims"]
    assert {c["key"]: (c["claimed"], c["archived"]) for c in claims if c["checkable"]} == _honest(report)


def test_the_dashboard_shows_each_report_its_failed_checks_and_its_claims(crawled: Crawled) -> None:
    app = create_app(database_url(crawled.data), crawled.data / "warc", token="")
    client = app.test_client()
    site = client.get(f"/site/{SPEC}").get_data(as_text=True)
    for report in crawled.reports():
        link = f"/site/{SPEC}/report/{report['year']}"
        assert f'href="{link}"' in site
        page = client.get(link)
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        arithmetic = set(re.findall(r'<td class="arithmetic">([^<]*)</td>', body))
        assert arithmetic == {f["arithmetic"] for f in report["failures"]}
        assert report["title"] in body and crawled.base + report["url"] in body
        for claimed, archived in _honest(report).values():
            assert f'<td class="num">{archived}</td>' in body and claimed == archived
    missing = client.get(f"/site/{SPEC}/report/2019")
    assert missing.status_code == 404 and "no report of annual for 2019" in missing.get_data(as_text=True)


@pytest.mark.slow
def test_the_demo_portal_reports_are_found_by_their_titles(tmp_path: Path) -> None:
    """qingshi publishes its reports among the other items of 政府信息公开 (beside departments'
    reports with random bodies): each is found by its title and reconciled from its archived page."""
    site = replica.build_site(replica.load_spec("qingshi"))
    with replica.ReplicaServer(site) as server:
        result = run_zwgk("crawl", server.base_url, "--data", str(tmp_path), "--site", "qingshi", "--json")
        assert result.returncode == 0, result.stderr[-3000:]
        base = server.base_url.rstrip("/")
    reports = replica.truth(site)["reports"]
    assert [r["year"] for r in reports] == [2016, 2017, 2018]
    for report in reports:
        out = tmp_path / f"{report['year']}.json"
        argv = ["audit", "reconcile", "--data", str(tmp_path), "--year", str(report["year"])]
        assert main([*argv, "--format", "json", "-o", str(out)]) == 0
        record = json.loads(out.read_text(encoding="utf-8"))
        assert (record["report"]["item"], record["report"]["found_by"]) == (base + report["url"], "title")
        got = {c["key"]: (c["claimed"], c["archived"]) for c in record["claims"] if c["checkable"]}
        assert got == _honest(report)


@pytest.mark.parametrize("source", [None, "pdf", "docx"])
def test_reconcile_without_report_finds_the_website_statement_beside_the_report(
    crawled: Crawled, source: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The replica's 政府网站工作年度报表 for 2018: a page titled with no year, published in January
    2019, with its PDF and DOCX. Reconciled beside the annual report, each saying which it is; its
    信息发布 总数 is the year's items plus a planted overstatement, which reconciling shows; the counts the
    archive cannot see say why."""
    [statement] = truth_statements = crawled.truth["statements"]
    assert [s["year"] for s in truth_statements] == [2018] and statement["published"].startswith("2019-01-")
    assert "年" not in statement["title"].removesuffix("网站工作年度报表")  # its title names no year
    report = next(r for r in crawled.reports() if r["year"] == statement["year"])
    out = tmp_path / "2018.json"
    argv = ["audit", "reconcile", "--data", str(crawled.data), "--year", "2018", "--format", "json"]
    assert main([*argv, *(["--from", source] if source else []), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "reconciling the 政府网站工作年度报表" in err and "reconciling the 政府信息公开工作年度报告" in err
    record = json.loads(out.read_text(encoding="utf-8"))
    assert (record["report"]["kind"], record["report"]["item"]) == (
        "annual-report",
        crawled.base + report["url"],
    )
    got = record["statement"]
    read = crawled.base + (statement["attachments"][source] if source else statement["url"])
    assert (got["kind"], got["name"], got["year"]) == ("website-statement", "政府网站工作年度报表", 2018)
    assert (got["item"], got["read"], got["via"], got["found_by"]) == (
        crawled.base + statement["url"],
        read,
        source or "page",
        "title",
    )
    claims = {c["key"]: c for c in got["claims"]}
    total = claims["items_published"]
    assert (total["claimed"], total["archived"]) == (
        statement["figures"]["total"],
        report["figures"]["items"],
    )
    # planted: the statement states more than was published, and reconciling says by how much
    assert statement["overstated"] > 0 and total["claimed"] - total["archived"] == statement["overstated"]
    unchecked = {c["label"]: c["claimed"] for c in got["claims"] if not c["checkable"]}
    assert unchecked["网站报表 网站总访问量"] == statement["figures"]["visits"]
    assert all(c["reason"] for c in got["claims"] if not c["checkable"])
    # the annual report's claims are its own, as without the statement
    own = {c["key"]: (c["claimed"], c["archived"]) for c in record["claims"] if c["checkable"]}
    assert own == _honest(report)


def test_a_year_without_a_statement_reconciles_the_report_and_says_so(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "2017.json"
    argv = ["audit", "reconcile", "--data", str(crawled.data), "--year", "2017", "--format", "json"]
    assert main([*argv, "-o", str(out)]) == 0
    assert "no 政府网站工作年度报表 of annual for 2017" in capsys.readouterr().err
    assert "statement" not in json.loads(out.read_text(encoding="utf-8"))


def test_the_statement_is_not_taken_for_the_annual_report(crawled: Crawled) -> None:
    """Read as a report candidate, the statement is refused as one (and the report as a statement)."""
    db = open_database(database_url(crawled.data))
    try:
        with db.session() as s:
            read = warc_reader(s, crawled.data / "warc")
            found = find_statement(s, SPEC, 2018, read)
            assert found.kind == "website-statement" and found.report.year == 2018
            assert find_report(s, SPEC, 2018, read).kind == "annual-report"
            with pytest.raises(ReportNotFound, match="no title naming"):
                find_statement(s, SPEC, 2016, read)
    finally:
        db.dispose()


def test_a_statement_without_its_report_is_reconciled_alone_saying_the_report_is_missing(
    crawled: Crawled, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if the archive held no 2018 report (it is found by find_report; here it is not): the
    statement is still reconciled, the record saying the report was not found and why."""
    from zwgk import audit_cli

    def nothing(*args: Any, **kwargs: Any) -> Any:
        raise ReportNotFound("the archive holds no report of annual for 2018")

    monkeypatch.setattr(audit_cli, "find_report", nothing)
    out = tmp_path / "alone.json"
    argv = ["audit", "reconcile", "--data", str(crawled.data), "--year", "2018", "--format", "json"]
    assert main([*argv, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "note: the archive holds no report of annual for 2018" in err
    assert "reconciling the 政府网站工作年度报表" in err
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["report"] is None and "no report of annual for 2018" in record["report_not_found"]
    assert record["claims"] == []
    [statement] = crawled.truth["statements"]
    total = next(c for c in record["statement"]["claims"] if c["key"] == "items_published")
    assert total["claimed"] == statement["figures"]["total"]
    assert total["archived"] == statement["figures"]["total"] - statement["overstated"]  # the planted gap


def test_the_dashboard_shows_the_statement_like_the_report(crawled: Crawled) -> None:
    app = create_app(database_url(crawled.data), crawled.data / "warc", token="")
    client = app.test_client()
    [statement] = crawled.truth["statements"]
    report_page = client.get(f"/site/{SPEC}/report/2018").get_data(as_text=True)
    assert f'href="/site/{SPEC}/statement/2018"' in report_page
    page = client.get(f"/site/{SPEC}/statement/2018")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "2018年政府网站工作年度报表</h1>" in body and crawled.base + statement["url"] in body
    assert "website-statement" in body  # its format
    total, over = statement["figures"]["total"], statement["overstated"]
    # its 信息发布 总数: claimed, archived, and the planted difference
    assert (
        f'<td class="num">{total}</td><td class="num">{total - over}</td><td class="num">{-over}</td>' in body
    )
    assert f'href="/site/{SPEC}/report/2018"' in body
    missing = client.get(f"/site/{SPEC}/statement/2017")
    assert missing.status_code == 404
    assert "no 政府网站工作年度报表 of annual for 2017" in missing.get_data(as_text=True)
