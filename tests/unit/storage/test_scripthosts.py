"""The outside script hosts kept per site, the capture a finding's evidence names, and the pages the
cloaking probes look at."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage import repository
from storage.db import open_database
from storage.evidence import CaptureRow, record_captures
from storage.findings import capture_of
from storage.linkchecks import SeenLink, record_seen_links
from storage.models import Column, Item
from storage.reads import probe_pages
from storage.scripthosts import known_script_hosts, record_script_hosts

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def session(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with db.session() as s:
        yield s
    db.dispose()


def _capture(url: str, kind: str, at: datetime, offset: int) -> CaptureRow:
    return CaptureRow(url, kind, at, 200, "text/html", "sha1:X", 10, "response", "f.warc.gz", offset, 5, True)


def test_hosts_are_known_only_once_a_crawl_looked_at_the_pages(session):
    site = repository.ensure_site(session, "s", "S", "http://h/", None)
    assert known_script_hosts(session, site) is None  # nothing to compare with yet
    record_seen_links(session, site, [SeenLink("http://h/a", "h", "site", "page", ("http://h/",))], T0)
    record_script_hosts(session, site, {"cdn.example": ("outside", ["http://h/"])}, T0)
    assert known_script_hosts(session, site) == {"cdn.example"}
    later = T0 + timedelta(days=1)
    record_script_hosts(
        session, site, {"cdn.example": ("outside", ["http://h/b"]), "x.example": ("outside", [])}, later
    )
    assert known_script_hosts(session, site) == {"cdn.example", "x.example"}


def test_a_finding_names_its_own_capture_else_the_newest_crawled_one(session):
    site = repository.ensure_site(session, "s", "S", "http://h/", None)
    first, newest, probe = record_captures(
        session,
        site,
        None,
        [
            _capture("http://h/", "home", T0, 0),
            _capture("http://h/", "home", T0 + timedelta(hours=1), 100),
            _capture("http://h/", "probe", T0 + timedelta(hours=2), 200),
        ],
    )
    assert capture_of(session, site, "http://h/", ("f.warc.gz", 0)) == first
    assert capture_of(session, site, "http://h/") == newest  # a probe's version is not the page crawled
    assert capture_of(session, site, "http://h/other") is None


def test_the_probes_look_at_the_home_page_the_columns_and_the_newest_items(session):
    site = repository.ensure_site(session, "s", "S", "http://h/", None)
    record_captures(session, site, None, [_capture("http://h/index.html", "home", T0, 0)])
    for path, status in (("a", "ok"), ("b", "blocked")):
        session.add(
            Column(
                site_id=site,
                path=path,
                name=path,
                url=f"http://h/{path}/",
                status=status,
                first_seen=T0,
                last_seen=T0,
            )  # fmt: skip
        )
    for n, (day, status) in enumerate([(1, "ok"), (3, "ok"), (2, "ok"), (4, "not_found")]):
        session.add(
            Item(
                site_id=site,
                url=f"http://h/i{n}.html",
                published_on=date(2018, 1, day),
                fetch_status=status,
                first_seen=T0,
                last_seen=T0,
            )  # fmt: skip
        )
    session.flush()
    assert probe_pages(session, site, T0, 2) == [
        "http://h/index.html",
        "http://h/a/",
        "http://h/i1.html",
        "http://h/i2.html",
    ]
    assert probe_pages(session, site, T0 + timedelta(days=1), 0) == ["http://h/"]  # nothing crawled since
    # a column probed before waits behind those never probed, and those probed longer ago
    session.add(
        Column(site_id=site, path="c", name="c", url="http://h/c/", status="ok", first_seen=T0, last_seen=T0)
    )
    record_captures(session, site, None, [_capture("http://h/a/", "probe", T0, 300)])
    session.flush()
    assert probe_pages(session, site, T0, 0) == ["http://h/index.html", "http://h/c/", "http://h/a/"]
