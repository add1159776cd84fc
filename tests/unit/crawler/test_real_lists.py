"""List pages of the real-page corpus read as a person reads them: every item with its href, title
and date, nothing else, and what the pager declares (pages, records, the next page's address)."""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urljoin

import pytest
from realcorpus import RealCase, detected_adapter, list_cases

from crawler.adapters.paging import SCRIPT_NOTE
from crawler.extract.dates import date_from_url, date_in_year, parse_date

logger = logging.getLogger(__name__)

# A page whose miss cannot be solved without running its script: case id → reason. Nothing else
# may be listed here.
SCRIPT_ONLY: dict[str, str] = {}

CASES = [
    pytest.param(
        case,
        id=case.case_id,
        marks=[pytest.mark.xfail(reason=SCRIPT_ONLY[case.case_id], strict=True)]
        if case.case_id in SCRIPT_ONLY
        else [],
    )
    for case in list_cases()
]


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _expected_url(case: RealCase, href: str) -> str:
    return urljoin(case.url, href)


def _title(text: str) -> str:
    """A title as a browser shows it: runs of spaces are one space."""
    return " ".join(text.split())


def _entry_date(url: str, raw: str | None) -> date | None:
    """The entry's date; a list printing only month and day takes the year of the item's URL."""
    url_date = date_from_url(url)
    return date_in_year(raw, url_date.year) if url_date else parse_date(raw)


def _read(case: RealCase):
    response = case.response()
    adapter = detected_adapter(response)
    assert adapter is not None, "no adapter reads the page as a list"
    return adapter.parse_list(response, 0)


@pytest.mark.parametrize("case", CASES)
def test_every_item_and_nothing_else(case: RealCase) -> None:
    page = _read(case)
    items = case.truth.get("items")
    if not items:
        assert len(page.entries) == case.truth["items_count"]
        if "by_year" in case.truth:
            years: dict[str, int] = {}
            for entry in page.entries:
                found = parse_date(entry.date_raw)
                assert found is not None, entry
                years[str(found.year)] = years.get(str(found.year), 0) + 1
            assert years == case.truth["by_year"]
        return
    got = {entry.url: entry for entry in page.entries}
    if all("title" in item for item in items):
        want = [(_expected_url(case, i["href"]), _title(i["title"]), _day(i["date"])) for i in items]
        assert [(e.url, _title(e.title), _entry_date(e.url, e.date_raw)) for e in page.entries] == want
    else:
        # the shared truth gives the tail of each href and its date
        assert len(got) == len(items)
        for entry, item in zip(page.entries, items, strict=True):
            assert entry.url.endswith("/" + item["href"]), (entry.url, item["href"])
            assert parse_date(entry.date_raw) == _day(item["date"])


@pytest.mark.parametrize("case", CASES)
def test_pager_declarations(case: RealCase) -> None:
    page = _read(case)
    pager = case.truth.get("pager") or {}
    pages = pager.get("declared_pages", case.truth.get("declared_pages"))
    records = pager.get("declared_records", case.truth.get("declared_records"))
    if pages is not None:
        assert page.declared_pages == pages
    if records is not None or "declared_records" in pager:
        assert page.declared_total == records
    if pager.get("next_pages"):
        assert page.next_request is not None
        assert page.next_request.url == _expected_url(case, pager["next_pages"][0])
    if pager.get("script_only"):
        # the walk rests on reading a script (the CMS's own pager call or script-only links)
        assert page.paging in ("script", "cms", "none")
        assert page.walk_note is not None
        assert page.walk_note == SCRIPT_NOTE or page.walk_note.startswith("POST API: ")
    elif pager:
        assert page.paging in ("links", "select", "cms", "script")


def test_the_corpus_has_list_pages() -> None:
    assert len(list_cases()) >= 3
