"""The shared conditions of ``storage.reads.filters``, each rule written once, evaluated on SQLite."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from storage.models import Base, Item, Site
from storage.reads import filters
from storage.sql import escape_like

logger = logging.getLogger(__name__)

SEEN = datetime(2019, 1, 1, tzinfo=UTC)
# url → (kind, 文号, counted_on, removed, fetch_status)
ITEMS = {
    "a": ("article", None, date(2018, 1, 1), False, "ok"),
    "b": ("article", "黑政发〔2018〕1号", date(2018, 12, 31), False, "ok"),
    "c": ("article", "无", date(2019, 1, 1), False, "not_found"),
    "d": ("article", "", None, True, "ok"),
    "e": ("document", None, date(2017, 12, 31), False, "blocked"),
}


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        site = Site(slug="hs", name="黑山县", base_url="http://hs/")
        s.add(site)
        s.flush()
        for url, (kind, doc_no, on, removed, status) in ITEMS.items():
            removed_at = SEEN if removed else None
            s.add(
                Item(
                    site_id=site.id,
                    url=url,
                    kind=kind,
                    doc_no=doc_no,
                    counted_on=on,
                    removed_at=removed_at,
                    fetch_status=status,
                    first_seen=SEEN,
                    last_seen=SEEN,
                )
            )
        s.flush()
        yield s
    engine.dispose()


def _urls(session: Session, condition: object) -> set[str]:
    return set(session.execute(select(Item.url).where(condition)).scalars())  # type: ignore[arg-type]


def test_a_doc_no_is_neither_empty_nor_wu(session: Session) -> None:
    assert _urls(session, filters.has_doc_no()) == {"b"}


def test_a_document_is_of_kind_document_or_has_a_doc_no(session: Session) -> None:
    assert _urls(session, filters.is_document()) == {"b", "e"}


def test_online_items_are_neither_removed_nor_gone(session: Session) -> None:
    assert _urls(session, filters.online()) == {"a", "b", "e"}


def test_a_year_is_its_first_to_last_day(session: Session) -> None:
    assert _urls(session, filters.in_year(Item.counted_on, 2018)) == {"a", "b"}
    assert _urls(session, filters.in_years(Item.counted_on, [2019, 2017])) == {"a", "b", "c", "e"}


def test_under_matches_the_node_and_below_with_wildcards_literal(session: Session) -> None:
    paths = {"a": "公开/100%", "b": "公开/100%/财政", "c": "公开/100x/财政", "d": "公开/1_0%", "e": "公开"}
    for url, path in paths.items():
        session.execute(Item.__table__.update().where(Item.url == url).values(title=path))
    assert _urls(session, filters.under(Item.title, "公开/100%")) == {"a", "b"}
    assert _urls(session, filters.under(Item.title, "公开")) == set(paths)
    assert _urls(session, filters.under(Item.title, "公开/1_0%")) == {"d"}


@pytest.mark.parametrize(
    ("path", "prefix", "expected"),
    [("a/b", "a", True), ("a", "a", True), ("ab", "a", False), (None, "a", False), ("b/a", "a", False)],
)
def test_is_under_in_python_agrees(path: str | None, prefix: str, expected: bool) -> None:
    assert filters.is_under(path, prefix) is expected


def test_escape_like_escapes_the_escape_first() -> None:
    assert escape_like(r"5%_\x") == r"5\%\_\\x"


def test_dates_read_back_as_dates() -> None:
    assert filters.as_date("2018-03-01 00:00:00") == date(2018, 3, 1)
    assert filters.as_date(date(2018, 3, 1)) == date(2018, 3, 1)
    assert filters.as_date(None) is None
