"""Attachment text in every format inspectors meet: sniffed by content, read by the library or tool
of its format, and a result with its reason (never an exception) when it cannot be read."""

from __future__ import annotations

import io
import logging
import shutil
from functools import cache
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from documents import extract_text, sniff
from documents.formats import OLE_MAGIC

logger = logging.getLogger(__name__)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "documents"
needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword not installed")


def _docx(*lines: str) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名单"
    sheet.append(["姓名", "身份证号", "金额"])
    sheet.append(["张三", "530121199001014012", 1200.0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf(text: str) -> bytes:
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def test_a_pdf_is_read_by_pdfplumber() -> None:
    result = extract_text(_pdf("联系电话 13912344321"), "notice.pdf", "application/pdf")
    assert result.ok and result.format == "pdf" and result.tool == "pdfplumber"
    assert result.text == "联系电话 13912344321"


def test_xlsx_cells_come_out_as_tab_separated_rows() -> None:
    result = extract_text(_xlsx(), "list.xlsx")
    assert result.ok and result.format == "xlsx" and result.tool == "openpyxl"
    assert "张三\t530121199001014012\t1200" in result.text.splitlines()
    assert result.text.splitlines()[0] == "名单"


def test_xls_made_by_xlwt_is_read_with_xlrd() -> None:
    result = extract_text((FIXTURES / "catalogue.xls").read_bytes(), "catalogue.xls")
    assert result.ok and result.format == "xls" and result.tool == "xlrd"
    lines = result.text.splitlines()
    assert "530121-01-2020-0001\t关于公布2020年政府信息公开工作年度报告的通知\t2021-01-20" in lines
    assert "530121-01-2020-0002\t联系人 张三 电话 13912344321\t12" in lines  # 12.0 shown as 12
    assert "空表" not in lines  # an empty sheet adds nothing


def test_an_et_file_is_a_workbook_under_the_wps_name() -> None:
    result = extract_text((FIXTURES / "catalogue.xls").read_bytes(), "catalogue.et")
    assert result.ok and result.format == "et" and "索引号" in result.text


@needs_antiword
def test_a_real_word_97_file_is_read_by_antiword() -> None:
    result = extract_text((FIXTURES / "quick_brown_fox.doc").read_bytes(), "notice.doc")
    assert result.ok and result.format == "doc" and result.tool == "antiword"
    assert result.text.strip() == "the quick brown fox jumps over the lazy dog"


@needs_antiword
def test_a_wps_file_saved_as_word_is_read_like_a_doc() -> None:
    result = extract_text((FIXTURES / "quick_brown_fox.doc").read_bytes(), "notice.wps")
    assert result.ok and result.format == "wps" and "lazy dog" in result.text


def test_without_the_tools_a_doc_gives_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    result = extract_text((FIXTURES / "quick_brown_fox.doc").read_bytes(), "notice.doc")
    assert not result.ok and result.text == ""
    assert result.reason is not None and "antiword is not installed" in result.reason
    assert "catdoc is not installed" in result.reason


@needs_antiword
def test_a_damaged_word_file_names_each_tools_failure() -> None:
    data = OLE_MAGIC + "WordDocument".encode("utf-16-le") + b"\x00" * 600
    result = extract_text(data, "bad.doc")
    assert not result.ok and result.format == "doc" and result.reason is not None
    assert "antiword: exit 1, bad.doc is not a Word Document" in result.reason


def test_docx_is_still_read_by_python_docx() -> None:
    result = extract_text(_docx("关于2020年度报告的说明", "第二段"), "a.docx")
    assert result.ok and result.text.splitlines() == ["关于2020年度报告的说明", "第二段"]


def test_the_format_comes_from_the_bytes_not_the_name() -> None:
    data = _docx("正文")
    result = extract_text(data, "download.doc")  # a DOCX published as .doc
    assert result.ok and result.format == "docx" and result.text == "正文"
    assert result.note == "named DOC but its content is DOCX"
    assert sniff(_xlsx(), "x.bin").format == "xlsx"
    assert sniff((FIXTURES / "catalogue.xls").read_bytes(), "file.do").format == "xls"


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "a.pdf", "empty file"),
        (b"plain words", "a.pdf", "no PDF signature"),
        (b"%PDF-1.7 broken", "a.pdf", "not a readable PDF"),
        (b"PK\x03\x04broken", "a.xlsx", "neither a DOCX nor an XLSX"),
        (OLE_MAGIC + b"\x00" * 600, "a.doc", "neither a WordDocument nor a Workbook"),
        (OLE_MAGIC + "Workbook".encode("utf-16-le") + b"\x00" * 600, "a.xls", "not a readable XLS"),
        (b"\x00\x01\x02\x03", "a.bin", "binary content"),
        (b"WPS old format text", "a.wps", "not an OLE container"),
    ],
)
def test_unreadable_attachments_give_a_reason(data: bytes, name: str, reason: str) -> None:
    result = extract_text(data, name)
    assert not result.ok and result.text == "" and result.reason is not None
    assert reason in result.reason


def test_a_file_over_the_cap_is_not_read() -> None:
    result = extract_text(b"x" * 101, "big.txt", limit=100)
    assert not result.ok and result.reason == "101 bytes, over the cap of 100" and result.size == 101


_magic = st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", OLE_MAGIC, b"<html>", b"\xef\xbb\xbf"])
_names = st.sampled_from(["a.pdf", "a.doc", "a.docx", "a.xls", "a.xlsx", "a.wps", "a.et", "a.txt", "a"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=_magic, body=st.binary(max_size=2048), name=_names)
def test_garbage_bytes_never_raise(head: bytes, body: bytes, name: str) -> None:
    result = extract_text(head + body, name)
    assert result.ok == (result.reason is None)
    assert result.ok or result.text == ""


@cache
def _real_files() -> list[tuple[bytes, str]]:
    return [
        (_docx("正文一段", "第二段"), "a.docx"),
        (_xlsx(), "a.xlsx"),
        ((FIXTURES / "catalogue.xls").read_bytes(), "a.xls"),
        ((FIXTURES / "quick_brown_fox.doc").read_bytes(), "a.doc"),
        (_pdf("text"), "a.pdf"),
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0, max_value=4),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=16)), min_size=1, max_size=4),
    truncate=st.floats(0.05, 1),
)
def test_damaged_real_files_never_raise(which: int, cuts: list[tuple[float, bytes]], truncate: float) -> None:
    data, name = _real_files()[which]
    damaged = bytearray(data)
    for where, junk in cuts:
        at = int(where * (len(damaged) - 1))
        damaged[at : at + len(junk)] = junk
    result = extract_text(bytes(damaged[: max(8, int(len(damaged) * truncate))]), name)
    assert result.ok == (result.reason is None)
    assert result.ok or result.text == ""
