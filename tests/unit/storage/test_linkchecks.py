"""The archive's link checks: which targets a run considers, how results and fetched links are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import repository
from storage.attachments import AttachmentRow, record_attachments
from storage.db import open_database
from storage.linkchecks import (
    CheckResult,
    SeenLink,
    links_to_consider,
    record_results,
    record_seen_links,
)
from storage.reads import dead_links, search_attachments

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def session(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with db.session() as s:
        yield s
    db.dispose()


def _link(url: str, status: int | None = None) -> SeenLink:
    return SeenLink(url, "h", "site", "page", ("http://h/",), status)


def test_a_run_considers_its_unfetched_links_and_every_known_dead_one(session):
    site = repository.ensure_site(session, "s", "S", "http://h/", None)
    record_seen_links(session, site, [_link("http://h/a"), _link("http://h/b"), _link("http://h/c", 200)], T0)
    assert {r.url for r in links_to_consider(session, site, T0)} == {"http://h/a", "http://h/b"}
    record_results(session, site, [CheckResult("http://h/a", "dead", True, 1, 404, None)], T0)
    later = T0 + timedelta(days=1)
    record_seen_links(session, site, [_link("http://h/d")], later)
    # the next run: its own new link, and the one dead at its last check
    assert {r.url for r in links_to_consider(session, site, later)} == {"http://h/a", "http://h/d"}
    assert [r.consecutive_dead for r in dead_links(session, "s")] == [1]


def test_a_link_the_crawl_fetched_is_alive_again(session):
    site = repository.ensure_site(session, "s", "S", "http://h/", None)
    record_seen_links(session, site, [_link("http://h/a")], T0)
    record_results(session, site, [CheckResult("http://h/a", "dead", True, 2, 404, None)], T0)
    record_seen_links(session, site, [_link("http://h/a", 200)], T0 + timedelta(days=1))
    assert dead_links(session, "s") == []


def test_attachments_are_kept_once_per_url_and_searchable(session):
    site = repository.ensure_site(session, "s", "S", "http://h/", None)
    row = AttachmentRow(
        "http://h/a.pdf", "http://h/1.html", "a.pdf", 200, "pdf", 10, "pdfplumber", "补助名单", None, T0
    )
    record_attachments(session, site, [row, row])
    failed = AttachmentRow(
        "http://h/b.doc", "http://h/1.html", "b.doc", 200, "doc", 5, None, None, "damaged", T0
    )
    record_attachments(session, site, [failed])
    assert [a.url for a in search_attachments(session, "补助")] == ["http://h/a.pdf"]
    assert [a.url for a in search_attachments(session, "%")] == []
