"""audit.archived_report: a candidate is read as the kind asked for — a 政府网站工作年度报表 is never
taken for the annual report, nor an annual report for the statement; each says why it was passed over."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.archived_report import ANNUAL_REPORT, STATEMENT, Archived, _as_report

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"
STATEMENT_PAGE = FIXTURES / "website_statement_2021.html"
REPORT_PAGE = FIXTURES / "qingshi_2021_report.html"


def _page(path: Path) -> Archived:
    return Archived(f"http://qingshi.example/{path.name}", path.read_bytes(), "text/html")


@pytest.mark.parametrize(
    ("path", "wanted", "why"),
    [
        (STATEMENT_PAGE, ANNUAL_REPORT, "is a 政府网站工作年度报表, not a 政府信息公开工作年度报告"),
        (REPORT_PAGE, STATEMENT, "is a 政府信息公开工作年度报告, not a 政府网站工作年度报表"),
    ],
)
def test_the_other_kind_is_passed_over_saying_why(path: Path, wanted: str, why: str) -> None:
    read_as, reason = _as_report(_page(path), 2021, wanted)
    assert read_as is None and reason == why


@pytest.mark.parametrize(("path", "wanted"), [(STATEMENT_PAGE, STATEMENT), (REPORT_PAGE, ANNUAL_REPORT)])
def test_the_kind_asked_for_is_read(path: Path, wanted: str) -> None:
    read_as, reason = _as_report(_page(path), 2021, wanted)
    assert read_as is not None and reason == ""
    report, _document = read_as
    assert report.year == 2021  # the statement's （2021年度）, the report's title
    assert (report.format == "website-statement") == (wanted == STATEMENT)
