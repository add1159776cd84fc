"""Annual reports (政府信息公开工作年度报告) as data: every figure a report states, traced to its cell
or sentence, and the checks of its own arithmetic, within one report and across an issuer's years.

``read_report(data, name)`` reads a report file (TXT, HTML, DOCX or PDF, through ``documents``);
``check_reports(reports)`` adds the cross-year checks. The free-text claims the archive reconciles
(``claims``) and the table 二 rows it compares (``table_two``) are read here too. ``read_report_file``
reads a file given by path with a :class:`ReportFileError` a command can print. A leaf package: it
imports nothing from crawler, pipelines, storage or audit.
"""

from __future__ import annotations

from reports.files import ReportFileError, read_report_file, title_year, year_mismatch
from reports.model import Check, Figure, Report, ReportError, Source
from reports.reader import check_reports, read_report, report_from_document

__all__ = [
    "Check",
    "Figure",
    "Report",
    "ReportError",
    "ReportFileError",
    "Source",
    "check_reports",
    "read_report",
    "read_report_file",
    "report_from_document",
    "title_year",
    "year_mismatch",
]
