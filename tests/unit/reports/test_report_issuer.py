"""Who issued a report: the title's words before the year, wherever the page's banner and navigation
put the title; else the 发布机构 the page prints; for an archived report, else the site."""

from __future__ import annotations

import logging
from datetime import date

import pytest

import replica
from audit.archived_report import with_issuer
from replica.routes import Router
from reports import read_report
from storage.reads.reports import ReportItem

logger = logging.getLogger(__name__)

NAV = "".join(
    f"<p>{w}</p>"
    for w in ("首页", "今日关注", "政府文件", "政府公告", "政府信息公开年报", "图片", "视频新闻")
)
BODY = "<p>全年主动公开政府信息12条。</p><p>全年共收到政府信息公开申请3件。</p>"


def page(title: str, publisher: str = "") -> bytes:
    meta = f"<table><tr><td>发布机构：</td><td>{publisher}</td><td>成文日期：</td><td>2017年01月06日</td></tr></table>"
    html = f"<html><body><p>青石县人民政府</p>{NAV}<p>当前位置：首页 &gt; 年报</p><h1>{title}</h1>{meta}{BODY}</body></html>"
    return html.encode("utf-8")


def test_the_title_after_the_navigation_names_the_issuer() -> None:
    report = read_report(
        page("黑山县人民政府2016年政府信息公开工作年度报告", "黑山县人民政府办公室"), "r.html"
    )
    assert (report.year, report.issuer) == (2016, "黑山县人民政府")


def test_without_an_issuer_in_the_title_the_pages_publisher() -> None:
    report = read_report(page("2016年政府信息公开工作年度报告", "黑山县人民政府办公室"), "r.html")
    assert report.issuer == "黑山县人民政府办公室"


def test_an_archived_report_naming_no_issuer_is_the_sites() -> None:
    report = read_report(page("2016年政府信息公开工作年度报告"), "r.html")
    assert report.issuer is None
    item = ReportItem(
        1, "heishan", "黑山县人民政府", "http://x/1.html", None, date(2017, 1, 6), "年报", "column", "ok"
    )
    filled = with_issuer(report, item)
    assert filled.issuer == "黑山县人民政府"
    assert any("taken from the site" in n for n in filled.notes)
    named = read_report(page("黑山县人民政府2016年政府信息公开工作年度报告"), "r.html")
    assert with_issuer(named, item) is named


@pytest.fixture(scope="module")
def annual() -> tuple[Router, list[dict[str, object]], str]:
    site = replica.build_site(replica.load_spec("annual"))
    return Router(site), replica.truth(site)["reports"], site.spec.site.name


def test_the_replicas_reports_name_one_issuer_in_page_pdf_and_docx(annual) -> None:
    router, reports, name = annual
    for report in reports:
        paths = [report["url"], *report["attachments"].values()]
        issuers = {read_report(router.get(p).body, str(p).rsplit("/", 1)[1]).issuer for p in paths}
        assert issuers == {name}, report["year"]
