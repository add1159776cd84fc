"""Reading one report: the document's tables and prose, its format, year and issuer, and its checks."""

from __future__ import annotations

from collections.abc import Sequence

from documents import Document, read_document
from reports.checks import report_checks
from reports.crossyear import cross_year_checks
from reports.model import Check, Report, ReportError
from reports.prose import read_prose
from reports.recognise import report_format, report_issuer, report_year
from reports.tables import read_tables
from reports.website import is_website_statement, read_statement


def read_report(data: bytes, name: str, content_type: str | None = None) -> Report:
    """The report held in ``data`` (a file called ``name``: TXT, HTML, DOCX or PDF). Raises
    ``documents.DocumentError`` when the file cannot be read, ``ReportError`` when it states nothing."""
    return report_from_document(read_document(data, name, content_type))


def report_from_document(document: Document) -> Report:
    """The report a document holds; a 政府网站工作年度报表 is recognised and read by its own layout."""
    if is_website_statement(document):
        return read_statement(document)
    tables = read_tables(document)
    prose = read_prose(document)
    figures = tables.figures + prose.figures
    if not figures:
        raise ReportError(document.name, "no figure found: no fixed table and no stated count")
    fmt = report_format(tables)
    year = report_year(document)
    report = Report(
        document.name, year, report_issuer(document), fmt, tuple(figures), (), tuple(tables.notes)
    )
    checks = report_checks(figures, prose.groups, fmt, year) + cross_year_checks([report])
    return Report(report.name, year, report.issuer, fmt, report.figures, tuple(checks), report.notes)


def check_reports(reports: Sequence[Report]) -> tuple[list[Report], list[Check]]:
    """Each report with its own checks, and the checks across the years of each issuer."""
    internal = [
        Report(
            r.name,
            r.year,
            r.issuer,
            r.format,
            r.figures,
            tuple(c for c in r.checks if not _cross(c)),
            r.notes,
        )
        for r in reports
    ]
    return internal, cross_year_checks(internal)


def _cross(check: Check) -> bool:
    return check.rule in ("二.in_force", "二.in_force_unmoved", "三.carried", "cross_year")
