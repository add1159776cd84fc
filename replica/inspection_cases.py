"""The inspector's cases planted on a replica (a spec's ``inspection:`` block): a dead page link and a
dead attachment link, a PDF and a DOCX publishing unmasked ID and mobile numbers, the same files
with the numbers masked (no finding), and a serious wording error on a page and in an attachment.

``plant_cases`` puts them on the items of one column and year (``inspection: {column, year}``),
``case_files`` serves the attachments, and ``expected`` says which findings a crawl must report,
so a test compares them with ``zwgk audit findings``.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from functools import partial
from typing import Any

import docx

from inspection.personal_data import id_check_digit
from replica.model import OK, Attachment, Item, ReplicaSite
from replica.reply import Reply

FOLDER = "/inspection/"
CASES = ("dead_links", "leak_files", "masked_files", "page_wording", "file_wording")
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A fictional resident's numbers: the ID with a valid GB 11643 check digit, a mobile segment.
_ID_A = "11010519800101001" + id_check_digit("11010519800101001")
_ID_B = "33010219851202002" + id_check_digit("33010219851202002")
_MOBILE_A, _MOBILE_B = "13912345678", "13812345678"
WRONG, RIGHT = "中华人民共合国", "中华人民共和国"


def _masked(value: str, keep_head: int, keep_tail: int) -> str:
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def _leak_lines(masked: bool) -> list[str]:
    ids = (_masked(_ID_A, 6, 4), _masked(_ID_B, 6, 4)) if masked else (_ID_A, _ID_B)
    phones = (_masked(_MOBILE_A, 3, 4), _masked(_MOBILE_B, 3, 4)) if masked else (_MOBILE_A, _MOBILE_B)
    return [
        "Subsidy recipients 2018",
        f"Zhang San  {ids[0]}  {phones[0]}  1200.00",
        f"Li Si  {ids[1]}  {phones[1]}  800.00",
    ]


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF printing ``lines`` (ASCII) in Helvetica, with a correct cross-reference table."""
    shown = " ".join(f"({_pdf_escape(line)}) '" for line in lines)
    stream = f"BT /F1 11 Tf 72 760 Td 16 TL {shown} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A DOCX of ``paragraphs``."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _files() -> dict[str, tuple[str, Callable[[], bytes]]]:
    """Every served case file: name → (content type, its bytes)."""
    leak_docx = [f"李四，公民身份号码 {_ID_B}，手机 {_MOBILE_B}，补助 800 元。"]
    masked_docx = [
        f"李四，公民身份号码 {_masked(_ID_B, 6, 4)}，手机 {_masked(_MOBILE_B, 3, 4)}，补助 800 元。"
    ]
    return {
        "leak.pdf": (PDF_TYPE, lambda: pdf_bytes(_leak_lines(masked=False))),
        "leak.docx": (DOCX_TYPE, lambda: docx_bytes(leak_docx)),
        "masked.pdf": (PDF_TYPE, lambda: pdf_bytes(_leak_lines(masked=True))),
        "masked.docx": (DOCX_TYPE, lambda: docx_bytes(masked_docx)),
        "wording.docx": (
            DOCX_TYPE,
            lambda: docx_bytes([f"根据《{WRONG}政府信息公开条例》，现将有关情况公告如下。"]),
        ),
    }


def _attachments(*names: str) -> tuple[Attachment, ...]:
    return tuple(Attachment(FOLDER + name, FOLDER + name, f"附件：{name}") for name in names)


def _planted(case: str, item: Item) -> Item:
    if case == "dead_links":
        links = _attachments("missing.pdf", "gone.html")
        return dataclasses.replace(item, attachments=item.attachments + links)
    if case == "leak_files":
        return dataclasses.replace(item, attachments=item.attachments + _attachments("leak.pdf", "leak.docx"))
    if case == "masked_files":
        return dataclasses.replace(
            item, attachments=item.attachments + _attachments("masked.pdf", "masked.docx")
        )
    if case == "page_wording":
        sentence = f"依照《{WRONG}政府信息公开条例》的规定，现予公开。"
        return dataclasses.replace(item, paragraphs=(*item.paragraphs, sentence))
    return dataclasses.replace(item, attachments=item.attachments + _attachments("wording.docx"))


def case_items(site: ReplicaSite) -> dict[str, Item]:
    """case → the item carrying it (the column's served items of the year, newest first)."""
    block = _block(site)
    if block is None:
        return {}
    column = site.columns[str(block["column"])]
    year = int(block["year"])
    chosen = [i for i in column.items if i.year == year and i.status == OK][: len(CASES)]
    if len(chosen) < len(CASES):
        raise ValueError(f"inspection cases need {len(CASES)} served items of {column.path} in {year}")
    return dict(zip(CASES, chosen, strict=True))


def plant_cases(site: ReplicaSite) -> ReplicaSite:
    """The site with its spec's inspection cases planted (unchanged without an ``inspection:`` block)."""
    planted = {item.url: _planted(case, item) for case, item in case_items(site).items()}
    if not planted:
        return site
    items = {key: planted.get(item.url, item) for key, item in site.items.items()}
    columns = {
        path: dataclasses.replace(column, items=tuple(planted.get(i.url, i) for i in column.items))
        for path, column in site.columns.items()
    }
    return dataclasses.replace(site, items=items, columns=columns)


def case_files(site: ReplicaSite) -> dict[str, Callable[[], Reply]]:
    """The routes of the case files (none without an ``inspection:`` block); missing.pdf and
    gone.html are not served: they are the dead links."""
    if _block(site) is None:
        return {}
    return {FOLDER + name: partial(_reply, kind, make) for name, (kind, make) in _files().items()}


def _reply(content_type: str, make: Callable[[], bytes]) -> Reply:
    return Reply(200, content_type, make())


def expected(site: ReplicaSite, base_url: str) -> set[tuple[str, str, str | None]]:
    """The findings a crawl of the site must report for the planted cases: (kind, url, target)."""
    base = base_url.rstrip("/")
    items = case_items(site)
    if not items:
        return set()
    dead = base + items["dead_links"].url
    return {
        ("broken_link", dead, base + FOLDER + "missing.pdf"),
        ("broken_link", dead, base + FOLDER + "gone.html"),
        ("privacy_leak", base + FOLDER + "leak.pdf", None),
        ("privacy_leak", base + FOLDER + "leak.docx", None),
        ("wording_error", base + items["page_wording"].url, None),
        ("wording_error", base + FOLDER + "wording.docx", None),
    }


def _block(site: ReplicaSite) -> dict[str, Any] | None:
    block = site.spec.raw.get("inspection")
    return block if isinstance(block, dict) else None


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
