"""The fixed tables of post-2019 annual reports (国办公开办函〔2019〕60号 试行, 〔2021〕30号): table 二.

``parse_table_two(html)`` reads the 第二十条第（一）项 block — 规章 and 行政规范性文件 against the
2021 vocabulary (本年制发件数 / 本年废止件数 / 现行有效件数) or the 2019 one (本年新制作数量 /
本年新公开数量 / 对外公开总数量) — into :class:`DocumentRow` values with the same field names.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

logger = logging.getLogger(__name__)

# Header wording → field. 2021: issued / repealed / in_force. 2019: made / published / total.
VOCABULARY = {
    "本年制发件数": "issued",
    "本年废止件数": "repealed",
    "现行有效件数": "in_force",
    "本年新制作数量": "issued",
    "本年新公开数量": "published",
    "对外公开总数量": "in_force",
}
ROW_NAMES = {
    "规章": "regulations",
    "行政规范性文件": "normative_documents",
    "规范性文件": "normative_documents",
}
_SPACE = re.compile(r"[\s\u3000\xa0]+")
_YEAR = re.compile(r"(\d{4})\s*年(?:度)?[^。\n]{0,40}?年度报告|(\d{4})\s*年度")


@dataclass(frozen=True)
class DocumentRow:
    """One row of table 二 (一): 规章 or 行政规范性文件, with the numbers the report gives."""

    row: str  # regulations | normative_documents
    label: str
    issued: int | None = None
    repealed: int | None = None
    in_force: int | None = None
    published: int | None = None
    vocabulary: str = "2021"


@dataclass(frozen=True)
class TableReport:
    """What a fixed-table report says about documents, and for which year."""

    year: int | None
    rows: tuple[DocumentRow, ...]

    def row(self, key: str) -> DocumentRow | None:
        return next((r for r in self.rows if r.row == key), None)


def _text(cell: object) -> str:
    return _SPACE.sub("", cell.text_content())  # type: ignore[attr-defined]


def _number(text: str) -> int | None:
    match = re.search(r"-?\d+", text)
    return int(match.group(0)) if match else None


def is_table_report(text: str) -> bool:
    """Whether ``text`` looks like an HTML report with the fixed tables."""
    return "<table" in text.lower() and any(word in text for word in VOCABULARY)


def parse_table_two(html: str) -> TableReport:
    """Table 二's 规章 / 行政规范性文件 rows from a report page; raises ValueError when absent."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"the report is not an HTML page with table 二: {exc}") from None
    rows: list[DocumentRow] = []
    for table in doc.iter("table"):
        columns: dict[int, str] | None = None
        for tr in table.iter("tr"):
            cells = [_text(c) for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            found = {n: VOCABULARY[c] for n, c in enumerate(cells) if c in VOCABULARY}
            if found:
                columns = found
                vocabulary = (
                    "2019" if any(c in ("本年新制作数量", "对外公开总数量") for c in cells) else "2021"
                )
                continue
            if columns is None or not cells:
                continue
            if cells[0].startswith("第二十条"):
                columns = None  # the next block (许可, 处罚, 收费) has other headers
                continue
            key = ROW_NAMES.get(cells[0])
            if key is None:
                continue
            values = {field: _number(cells[n]) for n, field in columns.items() if n < len(cells)}
            rows.append(DocumentRow(key, cells[0], vocabulary=vocabulary, **values))
    if not rows:
        raise ValueError(
            "no table 二 (规章 / 行政规范性文件 with 本年制发件数 or 本年新制作数量) found in the report"
        )
    return TableReport(report_year(html), tuple(rows))


def report_year(html: str) -> int | None:
    """The year a report is about, from its title (``2021年…政府信息公开工作年度报告``)."""
    doc = lxml.html.document_fromstring(html)
    title = doc.find(".//title")
    heads = [title.text_content() if title is not None else ""]
    heads += [h.text_content() for h in doc.iter("h1", "h2")]
    for head in heads:
        match = _YEAR.search(head)
        if match:
            return int(match.group(1) or match.group(2))
    return None
