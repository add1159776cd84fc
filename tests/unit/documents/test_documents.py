"""Reading document files: encodings, HTML merged cells, DOCX order, PDF text and joined tables, and
the errors that name the file."""

from __future__ import annotations

import io
import logging

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents import DocumentError, Paragraph, Table, read_document

logger = logging.getLogger(__name__)


def test_text_in_gb18030_is_read_and_tab_lines_are_tables() -> None:
    data = "标题\n信息内容\t本年制发件数\n规章\t\t0\n".encode("gb18030")
    doc = read_document(data, "r.txt")
    assert doc.kind == "txt"
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "标题"
    table = doc.blocks[1]
    assert isinstance(table, Table)
    assert table.texts() == [["信息内容", "本年制发件数"], ["规章", "", "0"]]  # the blank cell kept blank
    assert table.cell_where(1, 2) == "line 3, cell 3"


def test_a_declared_charset_is_used() -> None:
    data = "<html><head><meta charset='big5'></head><body><p>報告</p></body></html>".encode("big5")
    doc = read_document(data, "r.html")
    assert doc.blocks[0].text == "報告"  # type: ignore[union-attr]


def test_an_unreadable_encoding_names_the_file() -> None:
    with pytest.raises(DocumentError, match=r"^bad\.txt: unreadable encoding"):
        read_document(b"\x81\x30\xff\xff", "bad.txt")


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "e.txt", "empty file"),
        (b"%PDF-1.4 garbage", "x.pdf", "not a readable PDF"),
        (b"PK\x03\x04garbage", "x.docx", "not a readable DOCX"),
        (b"plain text", "x.pdf", "named PDF but its content is not"),
        (b"\xd0\xcf\x11\xe0rest", "x.doc", "legacy Word"),
        (b"   \n  ", "x.html", "empty HTML page"),
    ],
)
def test_unreadable_files_raise_a_clear_error(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_document(data, name)
    assert str(caught.value).startswith(f"{name}: ") and reason in str(caught.value)


def test_html_merged_cells_are_repeated_and_name_their_origin() -> None:
    html = """<p>一、总体情况<br>第二行</p><table>
      <tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>7</td></tr>
      <tr><td>（二）部分公开</td><td></td><td>1</td></tr></table>""".encode()
    doc = read_document(html, "r.html")
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["一、总体情况", "第二行"]
    table = doc.tables[0]
    assert table.texts() == [
        ["三、本年度办理结果", "（一）予以公开", "（一）予以公开", "7"],
        ["三、本年度办理结果", "（二）部分公开", "", "1"],
    ]
    assert table.rows[0][2].copies_left(2) and table.rows[1][0].origin == (0, 0)


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    document = docx.Document()
    document.add_paragraph("前言")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "行政复议"
    table.cell(0, 0).merge(table.cell(0, 2))
    table.cell(1, 0).text = "1"
    document.add_paragraph("后记")
    out = io.BytesIO()
    document.save(out)
    doc = read_document(out.getvalue(), "r.docx")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Paragraph"]
    grid = doc.tables[0]
    assert grid.texts()[0] == ["行政复议"] * 3 and grid.rows[0][1].copies_left(1)
    assert grid.texts()[1] == ["1", "", ""]


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=300), name=st.sampled_from(["a.txt", "a.html", "a.pdf", "a.docx", "a", "a.doc"])
)
def test_arbitrary_bytes_are_read_or_refused_with_a_document_error(data: bytes, name: str) -> None:
    try:
        doc = read_document(data, name)
    except DocumentError as exc:
        assert str(exc).startswith(name)
    else:
        assert doc.blocks
