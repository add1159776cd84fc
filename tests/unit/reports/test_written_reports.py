"""Reports written here in the 2019 and 2021 layouts, rendered as TXT (TAB-separated tables), HTML
(merged cells as rowspan/colspan), DOCX (python-docx, merged cells) and PDF (reportlab, generated in
the test with the CID font STSong-Light, so no font file is needed; table 三 runs over a page break
with its header rows repeated). Some carry deliberate inconsistencies: table 三 outcomes summing to
27 under a 总计 of 21, prose 258 against a table 275, categories summing to 2533 under 2599, a
现行有效 that does not follow from last year, a negative count."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from reports import Report, check_reports, read_report

logger = logging.getLogger(__name__)

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column


@dataclass
class Grid:
    rows: list[list[str]]
    merges: list[Merge] = field(default_factory=list)
    header_rows: int = 0


Block = str | Grid

OUTCOMES_2021 = [
    ["三、本年度办理结果", "（一）予以公开", ""],
    ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""],
    ["", "（三）不予公开", "1.属于国家秘密"],
    *[["", "", t] for t in ["2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                            "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]],
    ["", "（四）无法提供", "1.本机关不掌握相关政府信息"],
    ["", "", "2.没有现成信息需要另行制作"],
    ["", "", "3.补正后申请内容仍不明确"],
    ["", "（五）不予处理", "1.信访举报投诉类申请"],
    *[["", "", t] for t in ["2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"]],
    ["", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    ["", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    ["", "", "3.其他"],
    ["", "（七）总计", ""],
]  # fmt: skip


def table_three(new: int, outcomes: list[int], total: int, carried: int, version: str = "2021") -> Grid:
    """Table 三 with every application from 自然人; ``outcomes`` are the leaf rows' numbers."""
    labels = (
        OUTCOMES_2021
        if version == "2021"
        else [*OUTCOMES_2021[:-4], ["", "（六）其他处理", ""], OUTCOMES_2021[-1]]
    )
    values = [*outcomes, total]
    assert len(values) == len(labels)
    rows = [
        [
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "",
            "",
            "申请人情况",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
        ["一、本年新收政府信息公开申请数量", "", "", str(new), "0", "0", "0", "0", "0", str(new)],
        ["二、上年结转政府信息公开申请数量", "", "", "0", "0", "0", "0", "0", "0", "0"],
    ]
    merges: list[Merge] = [
        (0, 0, 2, 2),
        (0, 3, 0, 9),
        (1, 3, 2, 3),
        (1, 4, 1, 8),
        (1, 9, 2, 9),
        (3, 0, 3, 2),
        (4, 0, 4, 2),
    ]
    start = len(rows)
    for label, value in zip(labels, values, strict=True):
        rows.append([*label, str(value), "0", "0", "0", "0", "0", str(value)])
    rows.append(["四、结转下年度继续办理", "", "", str(carried), "0", "0", "0", "0", "0", str(carried)])
    merges.append((start, 0, start + len(labels) - 2, 0))  # 三、本年度办理结果
    groups: dict[int, int] = {}
    for n, label in enumerate(labels):
        if label[1]:
            groups[n] = n
        elif n and label[2]:
            groups[n] = groups[n - 1]
    for first in sorted(set(groups.values())):
        last = max(n for n, g in groups.items() if g == first)
        if last > first:
            merges.append((start + first, 1, start + last, 1))
        if not labels[first][2]:
            merges.append((start + first, 1, start + first, 2))
    merges.append((len(rows) - 2, 1, len(rows) - 2, 2))
    merges.append((len(rows) - 1, 0, len(rows) - 1, 2))
    return Grid(rows, merges, header_rows=3)


def table_four(values: list[int]) -> Grid:
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*outcomes, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        ["", "", "", "", "", *outcomes, *outcomes],
        [str(v) for v in values],
    ]
    merges = [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14), *[(1, c, 2, c) for c in range(5)]]
    return Grid(rows, merges)


def report_2021(
    year: int, issued: int, repealed: int, in_force: int, prose: list[str], three: Grid, four: Grid
) -> list[Block]:
    return [
        f"青石县人民政府{year}年政府信息公开工作年度报告",
        "一、总体情况",
        *prose,
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        Grid(
            [
                ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                ["规章", "0", "0", "0"],
                ["行政规范性文件", str(issued), str(repealed), str(in_force)],
            ]
        ),
        "第二十条第（五）项",
        Grid([["信息内容", "本年处理决定数量"], ["行政许可", "1622"]]),
        "第二十条第（六）项",
        Grid(
            [
                ["信息内容", "本年处理决定数量"],
                ["行政处罚", "310"],
                ["行政强制", "-3" if year == 2022 else "12"],
            ]
        ),
        "第二十条第（八）项",
        Grid([["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", "86.4"]]),
        "三、收到和处理政府信息公开申请情况",
        three,
        "四、政府信息公开行政复议、行政诉讼情况",
        four,
        "五、存在的主要问题及改进情况",
        "无。",
    ]


def report_2020() -> list[Block]:
    """The 2019 trial layout (a 2020 report), consistent."""
    outcomes = [10, 2, *[0] * 8, 3, 0, 0, 0, 1, 0, 0, 0, 0]
    return [
        "青石县人民政府2020年政府信息公开工作年度报告",
        "一、总体情况",
        "全年共收到政府信息公开申请16件，全部按期答复。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        Grid(
            [
                ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
                ["规章", "0", "0", "0"],
                ["规范性文件", "6", "6", "41"],
            ]
        ),
        "第二十条第（五）项",
        Grid(
            [["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", "120", "-3", "1530"]]
        ),
        "三、收到和处理政府信息公开申请情况",
        table_three(16, outcomes, 16, 0, version="2019"),
        "四、政府信息公开行政复议、行政诉讼情况",
        table_four([0] * 15),
    ]


CONSISTENT_2021 = report_2021(
    2021, 5, 2, 44,
    ["全年主动公开政府信息2599条，其中机构职能类信息25条、政策文件类信息574条、其他信息2000条。",
     "本年度共收到政府信息公开申请21件，办结20件，1件结转下年度继续办理。"],
    table_three(21, [12, 3, *[0] * 8, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], 20, 1),
    table_four([1, 0, 0, 0, 1, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0]),
)  # fmt: skip
INCONSISTENT_2022 = report_2021(
    2022, 0, 0, 50,
    ["全年主动公开政府信息2599条，其中机构职能类信息25条、政策文件类信息508条、其他信息2000条。",
     "本年度共收到政府信息公开申请258件，办结21件。"],
    table_three(275, [20, 3, *[0] * 8, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 21, 254),
    table_four([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
)  # fmt: skip


# -- rendering ---------------------------------------------------------------------------------
def _covered(grid: Grid) -> dict[tuple[int, int], Merge]:
    out = {}
    for merge in grid.merges:
        r0, c0, r1, c1 = merge
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    out[(r, c)] = merge
    return out


def to_txt(blocks: list[Block]) -> bytes:
    """As the shared reports: one line per row, TAB between cells; a merged cell printed once."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
            continue
        covered = _covered(block)
        for r, row in enumerate(block.rows):
            cells = [t for c, t in enumerate(row) if (r, c) not in covered]
            lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_html(blocks: list[Block]) -> bytes:
    parts = ['<html><head><meta charset="gbk"><title>报告</title></head><body><div class="content">']
    for block in blocks:
        if isinstance(block, str):
            parts.append(f"<p>{block}</p>")
            continue
        covered = _covered(block)
        starts = {(m[0], m[1]): m for m in block.merges}
        parts.append('<table border="1">')
        for r, row in enumerate(block.rows):
            parts.append("<tr>")
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                m = starts.get((r, c))
                span = f' rowspan="{m[2] - m[0] + 1}" colspan="{m[3] - m[1] + 1}"' if m else ""
                parts.append(f"<td{span}>{text.replace('规章', '规　章')}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</div></body></html>")
    return "".join(parts).encode("gb18030")


def to_docx(blocks: list[Block]) -> bytes:
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block.rows), cols=max(len(r) for r in block.rows))
        covered = _covered(block)
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                if (r, c) not in covered:
                    table.cell(r, c).text = text
        for r0, c0, r1, c1 in block.merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(blocks: list[Block]) -> bytes:
    """Merged columns as SPAN; a merged label down rows printed on its first row only (as the text
    files print it), so table 三 can break across a page with its three header rows repeated."""
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=9, leading=12)
    story: list[object] = []
    for block in blocks:
        if isinstance(block, str):
            story.append(PdfParagraph(block, style))
            continue
        width = max(len(r) for r in block.rows)
        spans = [m for m in block.merges if m[0] == m[2]]
        small = ParagraphStyle("cell", fontName="STSong-Light", fontSize=5, leading=6)
        labels = 3 if block.header_rows else 1
        rows = [
            [PdfParagraph(t, small) if c < labels else t for c, t in enumerate(row)] for row in block.rows
        ]
        widths = [120.0] * labels + [(540 - 120 * labels) / (width - labels)] * (width - labels)
        table = PdfTable(rows, colWidths=widths, repeatRows=block.header_rows)
        table.setStyle(
            TableStyle(
                [("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 5),
                 ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
                 *[("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spans]]
            )
        )  # fmt: skip
        if block.header_rows:
            story.append(Spacer(1, 430))  # push table 三 over a page break
        story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=20, rightMargin=20).build(story)  # type: ignore[arg-type]
    return out.getvalue()


RENDER = {"txt": to_txt, "html": to_html, "docx": to_docx, "pdf": to_pdf}


def read(blocks: list[Block], kind: str, year: int = 2021) -> Report:
    return read_report(RENDER[kind](blocks), f"qingshi_{year}.{kind}")


def figures(report: Report) -> dict[tuple[str | None, str | None], int | float | None]:
    return {(f.table, f.key): f.value for f in report.figures if f.table}


def failed(report: Report) -> set[tuple[str, str]]:
    internal, _ = check_reports([report])
    return {(c.rule, c.arithmetic) for c in internal[0].checks if c.verdict == "fail"}


@pytest.mark.parametrize("kind", ["txt", "html", "docx", "pdf"])
def test_a_consistent_2021_report_reads_the_same_in_every_format(kind: str) -> None:
    report = read(CONSISTENT_2021, kind)
    assert (report.year, report.issuer, report.format) == (2021, "青石县人民政府", "2021-table")
    cells = figures(report)
    assert cells == figures(read(CONSISTENT_2021, "txt"))
    assert len([k for k in cells if k[0] == "三"]) == 25 * 7  # 新收, 结转, 22 outcome rows, 结转下年度
    assert len([k for k in cells if k[0] == "四"]) == 15
    assert cells[("二", "normative_documents.in_force")] == 44
    assert cells[("二", "fees.fee_amount")] == 86.4
    assert cells[("三", "outcome.unavailable.1.total")] == 4
    assert cells[("三", "outcome.other_handling.3.total")] == 0
    assert cells[("四", "direct_suit.total")] == 2
    assert failed(report) == set()
    prose = {(f.label, f.value) for f in report.figures if f.table is None}
    assert {("收到政府信息公开申请", 21), ("办结", 20), ("结转下年度继续办理", 1)} <= prose


@pytest.mark.parametrize("kind", ["txt", "html", "docx", "pdf"])
def test_the_inconsistent_report_fails_exactly_its_planted_checks(kind: str) -> None:
    report = read(INCONSISTENT_2022, kind, 2022)
    assert failed(report) == {
        # outcomes 20 + 3 + 4 = 27 under a 总计 of 21 (in the 自然人 and 总计 columns alike)
        (
            "三.outcomes",
            "20 + 3 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 4 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 = 27 ≠ 21 ✗",
        ),
        ("pair", "258 ≠ 275 ✗"),  # prose 258 applications, table 三 新收 275
        ("prose.parts", "25 + 508 + 2000 = 2533 ≠ 2599 ✗"),
        ("negative", "-3 < 0 ✗"),  # 行政强制 -3
    }


def test_the_pdf_table_three_runs_over_a_page_break() -> None:
    report = read(CONSISTENT_2021, "pdf")
    pages = {f.source.where.split(",")[0] for f in report.figures if f.table == "三"}
    assert len(pages) == 2, pages


def test_cross_year_identities_over_three_years_in_two_layouts() -> None:
    reports = [
        read(report_2020(), "txt", 2020),
        read(CONSISTENT_2021, "html"),
        read(INCONSISTENT_2022, "docx", 2022),
    ]
    assert [r.format for r in reports] == ["2019-table", "2021-table", "2021-table"]
    _, cross = check_reports(reports)
    found = {
        (c.rule, c.verdict, c.arithmetic) for c in cross if "规范性文件" in c.title or "上年结转" in c.title
    }
    assert found == {
        ("二.in_force", "cannot", "? no report of 青石县人民政府 for 2019 was given"),
        ("三.carried", "cannot", "? no report of 青石县人民政府 for 2019 was given"),
        ("二.in_force", "pass", "41 + 5 − 2 = 44 = 44 ✓"),  # 2019 layout's 对外公开总数量 stands in
        ("三.carried", "pass", "0 = 0 ✓"),
        ("二.in_force", "fail", "44 + 0 − 0 = 44 ≠ 50 ✗"),  # 现行有效 not following from last year
        ("二.in_force_unmoved", "fail", "44 → 50 with 0 issued and 0 repealed ✗"),
        ("三.carried", "fail", "0 ≠ 1 ✗"),  # 2022 上年结转 0, 2021 结转下年度 1
    }
