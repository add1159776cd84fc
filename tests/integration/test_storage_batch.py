"""Batch writers on SQLite and PostgreSQL: the same archive as one row at a time, and item versions."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import batching
from storage import repository as repo
from storage.db import Database
from storage.models import Column, Finding, Item, ItemColumn, ItemVersion
from storage.repository import DetailRow, ListingRow

logger = logging.getLogger(__name__)

T0 = datetime(2019, 1, 5, 8, 0, tzinfo=UTC)
# Item and membership columns that differ between two sites holding the same facts.
_IDENTITY = {"id", "site_id", "item_id", "column_id"}


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _listed(column: str, url: str, day: int | None, taxonomy: str | None, hours: float, **kw: Any) -> Any:
    """A listing of ``url`` in the column at ``http://h/<column>/`` (resolved per site later)."""
    return (
        "listing",
        column,
        {
            "url": url,
            "list_title": kw.get("title", f"标题 {url}"),
            "list_date": None if day is None else date(2018, 12, day),
            "position": kw.get("position", 0),
            "foreign": kw.get("foreign", False),
            "taxonomy_code": None if taxonomy is None else f"code:{taxonomy}",
            "taxonomy_path": taxonomy,
            "taxonomy_rule": None if taxonomy is None else "column",
            "taxonomy_version": None if taxonomy is None else "2018.1",
            "seen_at": _at(hours),
        },
    )


def _fetched(url: str, hours: float, **fields: Any) -> Any:
    return ("detail", None, {"url": url, "fields": fields, "seen_at": _at(hours)})


GOOD = {"fetch_status": "ok", "http_status": 200}
# Duplicates within a batch, cross-listing, a failed refetch, a foreign item, taxonomy adoption,
# an edit and a redating: every rule the writers keep, in the order a crawl might meet them.
SCENARIO = [
    _listed("a", "http://h/1.html", 3, None, 0),
    _listed("a", "http://h/1.html", 1, None, 0.5, title=None, position=4),
    _listed("b", "http://h/1.html", 2, "政府文件", 1),
    _listed("c", "http://h/1.html", None, "政府公告", 1.5),
    _listed("a", "http://h/2.html", 9, "政府文件", 0.2, position=1),
    _listed("a", "http://other.gov.cn/3.html", 4, None, 0.3, foreign=True),
    _listed("b", "http://other.gov.cn/3.html", 4, None, 0.4),
    _fetched("http://other.gov.cn/3.html", 1, fetch_status="foreign"),
    _fetched(
        "http://h/1.html",
        2,
        title="通知",
        published_on=date(2019, 1, 2),
        body_text="正文",
        attachments=[{"url": "http://h/f.doc", "name": "附件1"}],
        content_hash="h1",
        **GOOD,
    ),  # fmt: skip
    _fetched(
        "http://h/1.html",
        3,
        title=None,
        body_text=None,
        published_on=None,
        fetch_status="blocked",
        http_status=412,
        content_hash="waf",
    ),  # fmt: skip
    _fetched("http://h/2.html", 2, fetch_status="not_found", http_status=404, title="404"),
    _fetched("http://h/2.html", 2.5, title="旧", doc_no="黑政发〔2018〕1号", content_hash="a", **GOOD),
    _listed("a", "http://h/2.html", 8, None, 3),
    _fetched("http://h/2.html", 4, title="新", published_on="2018-12-20", content_hash="b", **GOOD),
    _fetched("http://h/2.html", 5, title="新", published_on="2018-12-20", content_hash="b", **GOOD),
    _fetched("http://h/4.html", 5, kind="picture", images=[{"url": "a.jpg"}], content_hash="p", **GOOD),
    _listed("c", "http://h/4.html", 30, "图片", 6),
]


def _site(s: Session, slug: str) -> tuple[int, dict[str, int]]:
    site = repo.ensure_site(s, slug, slug, "http://h/", "trs")
    columns = {
        name: repo.ensure_column(s, site, name, f"http://h/{name}/", "trs", None, None, None, T0)
        for name in "abc"
    }
    return site, columns


def _one_by_one(s: Session, site: int, columns: dict[str, int], steps: list[Any]) -> None:
    for kind, column, values in steps:
        if kind == "listing":
            row = ListingRow(column_id=columns[column], **values)
            repo.record_listing(
                s, site, row.column_id, row.url, row.list_title, row.list_date, row.position, row.foreign,
                row.taxonomy_code, row.taxonomy_path, row.taxonomy_rule, row.taxonomy_version, row.seen_at,
            )  # fmt: skip
        else:
            repo.record_detail(s, site, values["url"], values["fields"], values["seen_at"])


def _batched(s: Session, site: int, columns: dict[str, int], steps: list[Any]) -> None:
    """All listings in one call, then all details, as the store pipeline flushes a batch."""
    listings = [ListingRow(column_id=columns[c], **v) for kind, c, v in steps if kind == "listing"]
    details = [DetailRow(**v) for kind, _, v in steps if kind == "detail"]
    repo.record_listings(s, site, listings)
    repo.record_details(s, site, details)


def _archive(s: Session, site: int) -> dict[str, Any]:
    """Everything the archive holds about a site, keyed by URL rather than by id."""
    items = s.execute(select(Item).where(Item.site_id == site)).scalars().all()
    url_of = {item.id: item.url for item in items}
    members = s.execute(
        select(ItemColumn, Column.url).join(Column).where(Column.site_id == site)
    ).all()  # fmt: skip
    versions = s.execute(select(ItemVersion).where(ItemVersion.item_id.in_(url_of))).scalars().all()
    findings = s.execute(select(Finding).where(Finding.site_id == site)).scalars().all()
    return {
        "items": {item.url: _plain(item) for item in items},
        "members": {(url_of[m.item_id], column): _plain(m) for m, column in members},
        "versions": {(url_of[v.item_id], v.version_no): _plain(v) for v in versions},
        "findings": {(f.kind, f.subject): (f.evidence, f.first_seen, f.last_seen) for f in findings},
    }


def _plain(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in _IDENTITY}


def test_batch_writes_the_same_archive_as_one_row_at_a_time(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batching, "CHUNK", 3)  # chunk boundaries fall inside the scenario
    with db.session() as s:
        site, columns = _site(s, "single")
        _one_by_one(s, site, columns, SCENARIO)
        one, one_site = _archive(s, site), site
    with db.session() as s:
        site, columns = _site(s, "batch")
        # A detail's listing is flushed before it, so batches break where a listing follows a detail.
        _batched(s, site, columns, SCENARIO[:12])
        _batched(s, site, columns, SCENARIO[12:13])
        _batched(s, site, columns, SCENARIO[13:16])
        _batched(s, site, columns, SCENARIO[16:])
        assert _archive(s, site) == one
        assert site != one_site


def test_scenario_keeps_every_rule(db: Database) -> None:
    with db.session() as s:
        site, columns = _site(s, "h")
        _batched(s, site, columns, SCENARIO[:12])
        _batched(s, site, columns, SCENARIO[12:])
        archive = _archive(s, site)
    first, second, foreign = (
        archive["items"][u] for u in ("http://h/1.html", "http://h/2.html", "http://other.gov.cn/3.html")
    )
    assert first["list_date"] == date(2018, 12, 1) and first["list_title"] == "标题 http://h/1.html"
    assert (first["taxonomy_path"], first["taxonomy_rule"]) == ("政府文件", "column")
    assert (first["title"], first["body_text"], first["published_on"]) == ("通知", "正文", date(2019, 1, 2))
    assert (first["fetch_status"], first["http_status"], first["content_hash"]) == ("blocked", 412, "h1")
    assert (first["counted_on"], first["counted_on_basis"]) == (date(2019, 1, 2), "published")
    assert (first["first_seen"], first["last_seen"], first["detail_fetched_at"]) == (T0, _at(3), _at(2))
    assert archive["members"][("http://h/1.html", "http://h/a/")]["position"] == 4
    assert archive["members"][("http://h/1.html", "http://h/a/")]["list_date"] == date(2018, 12, 1)
    assert foreign["foreign"] and foreign["fetch_status"] == "foreign"
    assert (second["title"], second["doc_no"], second["published_on"]) == (
        "新",
        "黑政发〔2018〕1号",
        date(2018, 12, 20),
    )
    assert sorted(archive["versions"]) == [
        ("http://h/1.html", 1),
        ("http://h/2.html", 1),
        ("http://h/2.html", 2),
        ("http://h/4.html", 1),
    ]
    assert sorted(archive["findings"]) == [("edited", "http://h/2.html"), ("redated", "http://h/2.html")]


def test_relisting_brings_back_a_removed_item_and_membership(db: Database) -> None:
    with db.session() as s:
        site, columns = _site(s, "h")
        (item,) = repo.record_listings(
            s,
            site,
            [ListingRow(columns["a"], "http://h/1.html", "t", None, 0, False, None, None, None, None, T0)],
        )
        s.execute(update(Item).values(removed_at=_at(1)))
        s.execute(update(ItemColumn).values(removed_at=_at(1)))
        again = repo.record_listings(
            s,
            site,
            [
                ListingRow(
                    columns["a"], "http://h/1.html", "t", None, 0, False, None, None, None, None, _at(2)
                )
            ],
        )
        assert again == [item]
        s.expire_all()
        assert s.get_one(Item, item).removed_at is None
        assert s.get_one(ItemColumn, (item, columns["a"])).removed_at is None


def test_recording_the_last_batch_again_changes_nothing(db: Database) -> None:
    """What a run killed before its commit does when it is re-run (no page changed meanwhile)."""
    with db.session() as s:
        site, columns = _site(s, "h")
        _batched(s, site, columns, SCENARIO[:12])
        _batched(s, site, columns, SCENARIO[12:])
        once = _archive(s, site)
        _batched(s, site, columns, SCENARIO[12:])
        assert _archive(s, site) == once


def test_empty_batches_write_nothing(db: Database) -> None:
    with db.session() as s:
        site, _ = _site(s, "h")
        assert repo.record_listings(s, site, []) == []
        assert repo.record_details(s, site, []) == []
        assert s.execute(select(Item)).first() is None


def _copies_match(s: Session) -> dict[tuple[str, str], date | None]:
    """Each membership's copy of ``counted_on`` (by item URL and column), checked against its item."""
    rows = s.execute(
        select(Item.url, Column.path, ItemColumn.counted_on, Item.counted_on)
        .join(Item, Item.id == ItemColumn.item_id)
        .join(Column, Column.id == ItemColumn.column_id)
    ).all()
    for url, path, copy, original in rows:
        assert copy == original, f"{url} in {path}: membership says {copy}, item says {original}"
    return {(url, path): copy for url, path, copy, _ in rows}


def test_memberships_keep_their_items_counted_on_through_every_write(db: Database) -> None:
    """``item_column.counted_on`` (what the audit counts read) equals its item's date after each write."""

    def listing(column: int, url: str, day: int | None, hours: float) -> ListingRow:
        listed = None if day is None else date(2018, 12, day)
        return ListingRow(column, url, "t", listed, 0, False, None, "政务公开/x", None, None, _at(hours))

    def detail(url: str, hours: float, **fields: Any) -> DetailRow:
        return DetailRow(url, {"title": "t", "content_hash": f"h{hours}", **fields}, _at(hours))

    with db.session() as s:
        site, columns = _site(s, "h")
        a, b = columns["a"], columns["b"]
        # Listed first (dated by the list), then its page gives a 发布日期.
        repo.record_listings(s, site, [listing(a, "http://h/1.html", 3, 1)])
        assert _copies_match(s)[("http://h/1.html", "a")] == date(2018, 12, 3)
        repo.record_details(s, site, [detail("http://h/1.html", 2, published_on="2018-11-20")])
        assert _copies_match(s)[("http://h/1.html", "a")] == date(2018, 11, 20)
        # Page first (no membership yet), then listed: the new membership takes the item's date.
        repo.record_details(s, site, [detail("http://h/2.html", 3, published_on="2017-06-01")])
        repo.record_listings(s, site, [listing(b, "http://h/2.html", 9, 4)])
        assert _copies_match(s)[("http://h/2.html", "b")] == date(2017, 6, 1)
        # Undated listing: no date on either side until the page brings one.
        repo.record_listings(s, site, [listing(a, "http://h/3.html", None, 5)])
        assert _copies_match(s)[("http://h/3.html", "a")] is None
        repo.record_details(s, site, [detail("http://h/3.html", 6, published_on="2018-02-02")])
        assert _copies_match(s)[("http://h/3.html", "a")] == date(2018, 2, 2)
        # Cross-listed: the second membership gets the date, and a redating moves both.
        repo.record_listings(s, site, [listing(b, "http://h/1.html", 1, 7)])
        copies = _copies_match(s)
        assert copies[("http://h/1.html", "a")] == copies[("http://h/1.html", "b")] == date(2018, 11, 20)
        repo.record_details(s, site, [detail("http://h/1.html", 8, published_on="2019-01-02")])
        copies = _copies_match(s)
        assert copies[("http://h/1.html", "a")] == copies[("http://h/1.html", "b")] == date(2019, 1, 2)
        # A failed refetch keeps the good fetch's date, on the item and its memberships.
        repo.record_details(
            s, site, [detail("http://h/1.html", 9, fetch_status="not_found", http_status=404)]
        )
        copies = _copies_match(s)
        assert copies[("http://h/1.html", "a")] == copies[("http://h/1.html", "b")] == date(2019, 1, 2)
        # An earlier list date seen later, on an item without 发布日期, moves the copy too.
        repo.record_listings(s, site, [listing(a, "http://h/4.html", 20, 10)])
        repo.record_listings(s, site, [listing(b, "http://h/4.html", 5, 11)])
        copies = _copies_match(s)
        assert copies[("http://h/4.html", "a")] == copies[("http://h/4.html", "b")] == date(2018, 12, 5)
        # A batch mixing all of it, with one URL twice (two waves in one chunk).
        repo.record_listings(
            s,
            site,
            [listing(columns["c"], "http://h/5.html", 7, 12), listing(a, "http://h/5.html", 6, 12)],
        )
        repo.record_details(
            s,
            site,
            [detail("http://h/5.html", 13, published_on="2016-03-03"), detail("http://h/2.html", 13)],
        )
        copies = _copies_match(s)
        assert copies[("http://h/5.html", "c")] == copies[("http://h/5.html", "a")] == date(2016, 3, 3)
        assert copies[("http://h/2.html", "b")] == date(2017, 6, 1)
