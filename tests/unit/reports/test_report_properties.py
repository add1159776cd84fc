"""The report reader never crashes on arbitrary text or bytes: it returns a report, or raises the
documented errors (DocumentError when the file cannot be read, ReportError when it states nothing)."""

from __future__ import annotations

import logging

from hypothesis import example, given, settings
from hypothesis import strategies as st

from documents import DocumentError
from reports import ReportError, check_reports, read_report
from reports.claims import SCOPES, extract_claims
from reports.table_two import is_table_report, page_text, parse_table_two

logger = logging.getLogger(__name__)

WORDS = ["第二十条第（一）项", "信息内容", "本年制发件数", "规章", "三、收到和处理政府信息公开申请情况", "（七）总计",
         "自然人", "其中", "共", "条", "件", "万元", "近", "余", "多", "\t", "\n", "0", "-7", "99999999999999999999",
         "1.5", "（", "）", "2021年", "年度报告", "。", "，", "<table><tr><td rowspan=9>", "</td><td colspan=99>"]  # fmt: skip
CLAIM_WORDS = ["全年", "全区", "主动公开", "政府信息", "共公布", "发布各类政府信息", "图片", "张", "视频新闻", "其中",
               "栏目有“", "”等", "、", "保留的", "个子栏目为：", "共计", "人参加", "余", "9", "12"]  # fmt: skip
TEXT = st.text(max_size=400) | st.lists(st.sampled_from(WORDS), max_size=80).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=TEXT, name=st.sampled_from(["r.txt", "r.html"]))
@example(text="共10余条，其中（5条", name="r.txt")
@example(text="三、收到和处理政府信息公开申请情况\n（七）总计\t1\t2", name="r.txt")
def test_text_gives_a_report_or_a_documented_error(text: str, name: str) -> None:
    try:
        report = read_report(text.encode("utf-8"), name)
    except (DocumentError, ReportError):
        return
    assert report.figures
    assert all(f.source.where and f.source.text for f in report.figures)  # each traces to its place
    internal, cross = check_reports([report])
    assert all(
        c.verdict in ("pass", "fail", "cannot") and c.arithmetic for c in [*internal[0].checks, *cross]
    )


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400))
def test_bytes_give_a_report_or_a_documented_error(data: bytes) -> None:
    try:
        read_report(data, "r.bin")
    except (DocumentError, ReportError):
        pass


@settings(max_examples=150, deadline=None)
@given(text=TEXT | st.lists(st.sampled_from([*WORDS, *CLAIM_WORDS]), max_size=60).map("".join))
@example(text="全年主动公开政府信息12条，其中各乡镇主动公开政府信息5条")
def test_the_claims_reader_never_crashes(text: str) -> None:
    """The claims of any text: each with a value from the text (or the count of its names), a scope and
    a reason when the archive cannot check it."""
    for claim in extract_claims(text):
        assert claim.scope in SCOPES and claim.text and claim.text in text
        assert claim.value is None or claim.value >= 0
        assert claim.checkable or claim.reason


@settings(max_examples=60, deadline=None)
@given(text=TEXT)
def test_a_page_reads_as_table_two_or_says_why(text: str) -> None:
    page = f"<html><body>{text}</body></html>"
    assert isinstance(page_text(page), str)
    if not is_table_report(page):
        return
    try:
        table = parse_table_two(page)
    except ValueError:
        return
    assert table.rows
