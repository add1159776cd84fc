"""The 政府网站工作年度报表 read like an annual report: recognised by its title, every row of its fixed
table a figure with its label path, unit and cell, names and yes/no answers as notes, and its own
arithmetic checked (the fixture plants two inconsistencies)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents import read_document
from reports import ReportError, read_report, read_report_file
from reports.website import is_website_statement

logger = logging.getLogger(__name__)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"
STATEMENT = FIXTURES / "website_statement_2021.html"


def test_the_statement_is_recognised_and_its_header_read() -> None:
    report = read_report_file(STATEMENT)
    assert report.format == "website-statement"
    assert report.year == 2021 and report.issuer == "青石县人民政府办公室"
    assert "网站名称: 青石县人民政府门户网站" in report.notes
    assert "安全防护 / 是否开展应急演练: 是" in report.notes


def test_every_count_of_the_form_is_a_figure_with_its_unit_and_cell() -> None:
    report = read_report_file(STATEMENT)
    cell = {f.key: f for f in report.figures}
    assert len(report.figures) == 36
    assert (cell["information.total"].value, cell["information.total"].unit) == (2533, "条")
    assert cell["information.overview"].row == "信息发布 / 概况类信息更新量"
    assert cell["information.catalogue"].source.where == "table 1, row 13, cell 3"
    assert cell["visits.unique_users"].value == 152340  # printed 152,340
    assert (cell["interpretation.media"].value, cell["interpretation.media"].unit) == (6, "篇")
    assert (cell["messages.days"].value, cell["messages.days"].unit) == (3.5, "天")
    assert cell["surveys.results"].value is None  # a blank cell stays blank, not 0
    assert cell["media.wechat.followers"].row == "移动新媒体 / 微信 / 订阅数"
    assert all(f.table == "网站报表" for f in report.figures)


def test_the_statements_own_arithmetic_finds_the_planted_errors() -> None:
    report = read_report_file(STATEMENT)
    verdicts = {(c.title, c.verdict) for c in report.checks}
    failed = {c.title: c.arithmetic for c in report.checks if c.verdict == "fail"}
    assert failed == {
        "办件量 总数 = 自然人办件量 + 法人办件量": "1000 + 200 = 1200 ≠ 1210 ✗",
        "问题整改数量 ≤ 发现问题数量": "5 > 4 ✗",
    }
    assert ("信息发布 总数 = 概况类 + 政务动态 + 信息公开目录", "pass") in verdicts


def test_a_tab_text_statement_with_blank_merged_cells_reads_the_same() -> None:
    text = "\n".join(
        [
            "2020年度政府网站工作年度报表",
            "主办单位\t\t青石县人民政府办公室",
            "信息发布（单位：条）\t总数\t100",
            "\t概况类信息更新量\t10",
            "\t政务动态信息更新量\t60",
            "\t信息公开目录信息更新量\t30",
            "办事服务\t办件量（单位：件）\t总数\t9",
            "\t\t自然人办件量\t5",
            "\t\t法人办件量\t4",
        ]
    )
    report = read_report(text.encode("gb18030"), "statement.txt")
    cell = {f.key: f.value for f in report.figures}
    assert report.year == 2020 and report.format == "website-statement"
    assert cell == {
        "information.total": 100,
        "information.overview": 10,
        "information.news": 60,
        "information.catalogue": 30,
        "service.cases.total": 9,
        "service.cases.persons": 5,
        "service.cases.legal": 4,
    }
    assert {c.verdict for c in report.checks if c.rule in ("网站报表.information", "网站报表.cases")} == {
        "pass"
    }


def test_a_docx_statement_with_vertically_merged_sections_reads_the_same() -> None:
    rows = [
        ("信息发布（单位：条）", "总数", "90"),
        ("", "概况类信息更新量", "10"),
        ("", "政务动态信息更新量", "50"),
        ("", "信息公开目录信息更新量", "30"),
        ("专栏专题（单位：个）", "维护数量", "4"),
        ("", "新开设数量", "1"),
    ]
    document = docx.Document()
    document.add_paragraph("政府网站工作年度报表")
    document.add_paragraph("（2022年度）")
    table = document.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(3, 0))
    table.cell(4, 0).merge(table.cell(5, 0))
    out = io.BytesIO()
    document.save(out)
    report = read_report(out.getvalue(), "statement.docx")
    cell = {f.key: (f.value, f.unit) for f in report.figures}
    assert report.year == 2022
    assert cell == {
        "information.total": (90, "条"),
        "information.overview": (10, "条"),
        "information.news": (50, "条"),
        "information.catalogue": (30, "条"),
        "special.maintained": (4, "个"),
        "special.new": (1, "个"),
    }


def test_an_annual_report_that_mentions_the_statement_is_not_one() -> None:
    text = "青石县2021年政府信息公开工作年度报告\n我县按时发布了政府网站工作年度报表。\n"
    assert not is_website_statement(read_document(text.encode(), "r.txt"))


def test_an_annual_report_page_listing_the_statement_in_its_sidebar_is_not_one() -> None:
    text = "首页\n政府网站工作年度报表\n青石县2021年政府信息公开工作年度报告\n主动公开政府信息 25 条。\n"
    document = read_document(text.encode(), "r.txt")
    assert not is_website_statement(document)
    assert read_report(text.encode(), "r.txt").format != "website-statement"


def test_a_statement_with_no_row_recognised_is_refused() -> None:
    text = "政府网站工作年度报表\n（2021年度）\n无\t无\n"
    with pytest.raises(ReportError, match="no figure found"):
        read_report(text.encode(), "s.txt")


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.sampled_from(["", "信息发布", "总数", "办件量", "12", "x", "是", "1,2"]), max_size=4),
        max_size=12,
    )
)
def test_arbitrary_statement_tables_never_crash(rows: list[list[str]]) -> None:
    text = "政府网站工作年度报表\n" + "\n".join("\t".join(row) for row in rows)
    try:
        report = read_report(text.encode(), "s.txt")
    except ReportError:
        return
    assert report.format == "website-statement" or report.figures


@pytest.mark.parametrize(
    "title", ["政府网站年度报表", "青石县人民政府网站年度报表（2020年度）", "2020年度政府网站年度报表"]
)
def test_a_statement_titled_as_the_notice_names_it_is_read(title: str) -> None:
    # 国办函〔2018〕12号 calls the form 政府网站年度报表; portals title it so as often as 工作年度报表
    lines = [title, "（2020年度）" if "（" not in title and not title.startswith("2020") else ""]
    lines += ["信息发布（单位：条）\t总数\t100", "\t概况类信息更新量\t10", "\t政务动态信息更新量\t60"]
    report = read_report("\n".join(lines).encode("utf-8"), "statement.txt")
    assert report.format == "website-statement" and report.year == 2020
    assert {f.key: f.value for f in report.figures}["information.total"] == 100
