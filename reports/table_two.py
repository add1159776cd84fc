"""Table 二's 规章 and 规范性文件 rows of a fixed-table report, as the archive reconciliation compares
them: ``parse_table_two(html)`` gives :class:`DocumentRow` values with one set of field names for both
versions (2021: 本年制发件数 / 本年废止件数 / 现行有效件数; 2019: 本年新制作数量 / 本年新公开数量 /
对外公开总数量), read by the report reader (``reports.read_report``).
"""

from __future__ import annotations

from dataclasses import dataclass

from documents import DocumentError, read_document
from reports.model import Report, ReportError
from reports.reader import read_report
from reports.vocabulary import vocabulary

DOCUMENT_ROWS = ("regulations", "normative_documents")
# the report reader's column keys → the fields of a DocumentRow (2019's 新制作 is 2021's 制发)
FIELDS = {
    "issued": "issued",
    "made": "issued",
    "repealed": "repealed",
    "in_force": "in_force",
    "public_total": "in_force",
    "published": "published",
}


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


def is_table_report(text: str) -> bool:
    """Whether ``text`` looks like an HTML report with the fixed tables."""
    return "<table" in text.lower() and any(word in text for word in vocabulary()["table_two"]["columns"])


def page_text(html: str) -> str:
    """The text of a report page as the reader sees it (the prose its claims are read from)."""
    try:
        return read_document(html.encode("utf-8"), "report.html", "text/html; charset=utf-8").text
    except DocumentError:
        return ""


def parse_table_two(html: str) -> TableReport:
    """Table 二's 规章 / 行政规范性文件 rows from a report page; raises ValueError when absent."""
    try:
        report = read_report(html.encode("utf-8"), "report.html", "text/html; charset=utf-8")
    except (DocumentError, ReportError) as exc:
        raise ValueError(f"the report is not an HTML page with table 二: {exc}") from None
    found = table_report(report)
    if found is None:
        raise ValueError(
            "no table 二 (规章 / 行政规范性文件 with 本年制发件数 or 本年新制作数量) found in the report"
        )
    return found


def table_report(report: Report) -> TableReport | None:
    """Table 二's document rows of a report already read (any format), or None when it has none."""
    rows = tuple(r for key in DOCUMENT_ROWS if (r := _row(report, key)) is not None)
    return TableReport(report.year, rows) if rows else None


def _row(report: Report, key: str) -> DocumentRow | None:
    cells = [f for f in report.figures if f.table == "二" and f.key and f.key.startswith(key + ".")]
    if not cells:
        return None
    values: dict[str, int | None] = {}
    version = "2021"
    for figure in cells:
        column = figure.key.rsplit(".", 1)[1] if figure.key else ""
        if column in ("made", "published", "public_total"):
            version = "2019"
        if column in FIELDS and FIELDS[column] not in values:
            values[FIELDS[column]] = int(figure.value) if figure.value is not None else None
    return DocumentRow(key, cells[0].row or "", vocabulary=version, **values)
