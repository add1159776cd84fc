"""Detail pages of the real-page corpus: title, dates and 索引号 block as the page prints them (the
hand-read truth of each page's portal.yaml, or the shared truth.json)."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from realcorpus import RealCase, detail_cases

from crawler.extract import extract_detail

logger = logging.getLogger(__name__)

# A page whose miss cannot be solved without running its script: case id → reason.
SCRIPT_ONLY: dict[str, str] = {}
TEXT_FIELDS = ("title", "index_no", "doc_no", "publisher", "validity")
DATE_FIELDS = {"published": "published_on", "written": "written_on"}

CASES = [
    pytest.param(
        case,
        id=case.case_id,
        marks=[pytest.mark.xfail(reason=SCRIPT_ONLY[case.case_id], strict=True)]
        if case.case_id in SCRIPT_ONLY
        else [],
    )
    for case in detail_cases()
]


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


@pytest.mark.parametrize("case", CASES)
def test_printed_fields(case: RealCase) -> None:
    detail = extract_detail(case.url, case.body, None, "real")
    want = {name: case.truth[name] for name in TEXT_FIELDS if name in case.truth}
    got = {name: getattr(detail, name) for name in want}
    if "title" in want:
        # a title as a browser shows it: runs of spaces are one space
        want["title"] = " ".join(str(want["title"]).split())
        got["title"] = " ".join(str(got["title"]).split())
    assert got == want
    for name, attribute in DATE_FIELDS.items():
        if name in case.truth:
            assert getattr(detail, attribute) == _day(case.truth[name]), name


def test_the_corpus_has_detail_pages() -> None:
    assert len(detail_cases()) >= 10
