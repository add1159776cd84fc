"""A report file given on the command line: read with an error a person can act on (a missing path,
a directory, an unreadable encoding, an empty report, each naming the file), and the report's own
year told from its title, so a ``--year`` that disagrees can be refused or flagged."""

from __future__ import annotations

import re
from pathlib import Path

from documents import DocumentError, read_document
from reports.model import Report, ReportError
from reports.reader import report_from_document

# 平潭综合实验区2021年度政府信息公开工作年度报告 / 2018年政务公开工作年度报告; spaces and 度 optional
_TITLE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年\s*度?[^\n。]{0,12}?(?:政府信息公开|政务公开)[^\n。]{0,8}?年度报告"
)


class ReportFileError(ReportError):
    """A report file that cannot be read: no such path, a directory, no permission, an encoding that
    is neither UTF-8, GB18030 nor as declared, or a report with no text or no figure. The message
    names the file; a command prints it and exits without a traceback."""


def read_report_file(path: str | Path) -> Report:
    """The report in the file at ``path``; raises ReportFileError naming the file otherwise."""
    path = Path(path)
    data = _bytes(path)
    name = str(path)
    if not data.strip():
        raise ReportFileError(name, "the file is empty; an empty report is refused")
    try:
        document = read_document(data, name)
    except DocumentError as exc:
        raise ReportFileError(name, exc.reason + _refused(exc.reason)) from None
    if not document.text.strip():
        raise ReportFileError(name, "the report has no text; an empty report is refused")
    try:
        return report_from_document(document)
    except ReportFileError:
        raise
    except ReportError as exc:
        raise ReportFileError(name, f"{exc.reason}; an empty report is refused") from None


def _refused(reason: str) -> str:
    return "; an empty report is refused" if reason.startswith(("no text", "empty")) else ""


def _bytes(path: Path) -> bytes:
    name = str(path)
    if not path.exists():
        raise ReportFileError(name, "no such file")
    if path.is_dir():
        raise ReportFileError(name, "is a directory, not a report file")
    try:
        return path.read_bytes()
    except PermissionError:
        raise ReportFileError(name, "cannot be read: permission denied") from None
    except OSError as exc:
        raise ReportFileError(name, f"cannot be read: {exc.strerror or exc}") from None


def title_year(text: str) -> int | None:
    """The year the report's title names (``2021年度政府信息公开工作年度报告`` → 2021), looked for
    in its first lines; None when no line reads as such a title."""
    for line in text.strip().splitlines()[:8]:
        match = _TITLE.search(line.replace("\u3000", " "))
        if match:
            return int(match.group("year"))
    return None


def year_mismatch(report: Report, year: int) -> str | None:
    """Why a report does not cover ``year`` (its own year differs), or None when it does or when its
    own year is unknown."""
    if report.year is None or report.year == year:
        return None
    return f"{report.name} is the report for {report.year}, not for {year}"
