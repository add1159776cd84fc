"""Idempotent writes of plain values: repeating a call never adds a row or changes a count.

Upserts use the dialect's ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL share the syntax),
so concurrent workers writing the same item meet in the database, not in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session

from storage.batching import chunks as _chunks
from storage.batching import statement as _statement
from storage.batching import waves as _waves
from storage.item_kinds import rekind, rekind_column
from storage.item_versions import add_versions, latest_versions
from storage.models import (
    COLUMN_STATUSES,
    FETCH_STATUSES,
    ITEM_KINDS,
    Column,
    Item,
    ItemColumn,
    ItemVersion,
    Site,
    utcnow,
)
from storage.sql import earlier, later
from storage.upsert import insert_for

DETAIL_FIELDS = frozenset(
    {
        "title",
        "index_no",
        "doc_no",
        "publisher",
        "topic",
        "validity",
        "published_on",
        "written_on",
        "url_date",
        "kind",
        "kind_reason",
        "body_text",
        "images",
        "videos",
        "attachments",
        "fetch_status",
        "http_status",
        "fetch_note",
        "encoding",
        "content_hash",
        "etag",
        "last_modified",
    }
)
_DATE_FIELDS = ("published_on", "written_on", "url_date")
# What every fetch reports about itself, success or not.
_FETCH_OUTCOME = ("fetch_status", "http_status", "fetch_note")
_TAXONOMY = ("taxonomy_code", "taxonomy_path", "taxonomy_rule", "taxonomy_version")
# What an item version keeps besides its hash: the fields an auditor compares between versions.
# Rows per batch statement: bounds the ``IN (...)`` lists well under SQLite's variable limit.

ITEM = cast(Table, Item.__table__)
MEMBERSHIP = cast(Table, ItemColumn.__table__)
COLUMN = cast(Table, Column.__table__)
VERSION = cast(Table, ItemVersion.__table__)


_insert = insert_for


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")


def ensure_site(session: Session, slug: str, name: str, base_url: str, cms: str | None) -> int:
    """The id of the site ``slug``, created or updated with the given name, URL and CMS."""
    stmt = _insert(session)(Site).values(
        slug=slug, name=name, base_url=base_url, cms=cms, created_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Site.slug],
        set_={"name": stmt.excluded.name, "base_url": stmt.excluded.base_url, "cms": stmt.excluded.cms},
    ).returning(Site.id)
    return int(session.execute(stmt).scalar_one())


def ensure_column(
    session: Session,
    site_id: int,
    path: str,
    url: str,
    cms: str | None,
    taxonomy_code: str | None,
    taxonomy_path: str | None,
    taxonomy_rule: str | None,
    seen_at: datetime,
    kind: str | None = None,
    kind_rule: str | None = None,
) -> int:
    """The id of the column at ``url``, created or updated from the site profile; ``kind`` is what
    its name says its items are (picture, video), ``kind_rule`` how that was read."""
    if kind is not None:
        _check(kind, ITEM_KINDS, "column kind")
    name = path.rsplit("/", 1)[-1]
    stmt = _insert(session)(Column).values(
        site_id=site_id,
        path=path,
        name=name,
        url=url,
        cms=cms,
        taxonomy_code=taxonomy_code,
        taxonomy_path=taxonomy_path,
        taxonomy_rule=taxonomy_rule,
        kind=kind,
        kind_rule=kind_rule,
        status="unwalked",
        first_seen=seen_at,
        last_seen=seen_at,
    )
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[Column.site_id, Column.url],
        set_={
            "path": ex.path,
            "name": ex.name,
            "cms": ex.cms,
            "taxonomy_code": ex.taxonomy_code,
            "taxonomy_path": ex.taxonomy_path,
            "taxonomy_rule": ex.taxonomy_rule,
            "kind": ex.kind,
            "kind_rule": ex.kind_rule,
            "first_seen": earlier(Column.first_seen, ex.first_seen),
            "last_seen": later(Column.last_seen, ex.last_seen),
        },
    ).returning(Column.id)
    before = session.execute(
        select(Column.id, Column.kind).where(Column.site_id == site_id, Column.url == url)
    ).first()
    column_id = int(session.execute(stmt).scalar_one())
    if before is not None and before.kind != kind:
        # a column whose kind changed (kinds.yaml edited, or an archive from before kinds): every
        # item listed in it is decided again, not only those the crawl lists again
        rekind_column(session, column_id)
    return column_id


def record_column_walk(
    session: Session,
    column_id: int,
    pages: int,
    found: int,
    declared_total: int | None,
    declared_pages: int | None,
    status: str,
    note: str | None,
    seen_at: datetime,
) -> None:
    """How the latest walk of a column's listing ended (pages read, items found, what it declared)."""
    _check(status, COLUMN_STATUSES, "column status")
    result = session.execute(
        update(Column)
        .where(Column.id == column_id)
        .values(
            pages=pages,
            found_total=found,
            declared_total=declared_total,
            declared_pages=declared_pages,
            status=status,
            note=note,
            last_seen=later(Column.last_seen, seen_at),
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) == 0:
        raise LookupError(f"no column with id {column_id}")


@dataclass(frozen=True, slots=True)
class ListingRow:
    """One listing to record: ``url`` seen in the column ``column_id`` (what ``record_listing`` takes)."""

    column_id: int
    url: str
    list_title: str | None
    list_date: date | None
    position: int | None
    foreign: bool
    taxonomy_code: str | None
    taxonomy_path: str | None
    taxonomy_rule: str | None
    taxonomy_version: str | None
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class DetailRow:
    """One fetched detail page to record (what ``record_detail`` takes); ``capture_id`` is its WARC copy."""

    url: str
    fields: Mapping[str, Any]
    seen_at: datetime
    capture_id: int | None = None


def record_listing(
    session: Session,
    site_id: int,
    column_id: int,
    url: str,
    list_title: str | None,
    list_date: date | None,
    position: int | None,
    foreign: bool,
    taxonomy_code: str | None,
    taxonomy_path: str | None,
    taxonomy_rule: str | None,
    taxonomy_version: str | None,
    seen_at: datetime,
) -> int:
    """Record that ``url`` was listed in a column; returns the item's id (see ``record_listings``)."""
    row = ListingRow(
        column_id, url, list_title, list_date, position, foreign,
        taxonomy_code, taxonomy_path, taxonomy_rule, taxonomy_version, seen_at,
    )  # fmt: skip
    return record_listings(session, site_id, [row])[0]


def record_listings(session: Session, site_id: int, rows: Sequence[ListingRow]) -> list[int]:
    """Record many listings at once, as if each were recorded in turn; returns the item ids in order.

    Creates each item when new, keeps the earliest list date, and lets an item (and its membership)
    seen again after removal come back (``removed_at`` cleared). The item takes the taxonomy of its
    first classified membership and keeps it; a foreign flag, once set, stays.
    """
    ids: list[int] = []
    for chunk in _chunks(rows):
        ids.extend(_record_listing_chunk(session, site_id, chunk))
    return ids


def _record_listing_chunk(session: Session, site_id: int, rows: Sequence[ListingRow]) -> list[int]:
    connection = session.connection()
    ids = [0] * len(rows)
    for wave in _waves(rows, lambda row: row.url):
        items = [_listed_item_params(site_id, row) for _, row in wave]
        connection.execute(_statement(session, "listed_item", _listed_item_upsert), items)
        found = _item_ids(session, site_id, [row.url for _, row in wave])
        for index, row in wave:
            ids[index] = found[row.url]
        members = [_membership_params(found[row.url], row) for _, row in wave]
        connection.execute(_statement(session, "membership", _membership_upsert), members)
    _recount(session, ids)
    rekind(session, ids)
    return ids


def _listed_item_params(site_id: int, row: ListingRow) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "url": row.url,
        "list_title": row.list_title,
        "list_date": row.list_date,
        "kind": "article",
        "fetch_status": "foreign" if row.foreign else "pending",
        "foreign": row.foreign,
        "taxonomy_code": row.taxonomy_code,
        "taxonomy_path": row.taxonomy_path,
        "taxonomy_rule": row.taxonomy_rule,
        "taxonomy_version": row.taxonomy_version,
        "first_seen": row.seen_at,
        "last_seen": row.seen_at,
    }


def _membership_params(item_id: int, row: ListingRow) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "column_id": row.column_id,
        "list_title": row.list_title,
        "list_date": row.list_date,
        "position": row.position,
        "taxonomy_code": row.taxonomy_code,
        "taxonomy_path": row.taxonomy_path,
        "taxonomy_rule": row.taxonomy_rule,
        "taxonomy_version": row.taxonomy_version,
        "first_seen": row.seen_at,
        "last_seen": row.seen_at,
    }


def _listed_item_upsert(insert: Callable[..., Any]) -> Any:
    stmt = insert(ITEM)
    ex, c = stmt.excluded, ITEM.c
    unclassified = and_(c.taxonomy_code.is_(None), c.taxonomy_path.is_(None))
    adopt = and_(unclassified, or_(ex.taxonomy_code.is_not(None), ex.taxonomy_path.is_not(None)))
    return stmt.on_conflict_do_update(
        index_elements=[c.site_id, c.url],
        set_={
            "list_title": func.coalesce(c.list_title, ex.list_title),
            "list_date": earlier(c.list_date, ex.list_date),
            "foreign": or_(c.foreign, ex.foreign),
            **{name: case((adopt, ex[name]), else_=c[name]) for name in _TAXONOMY},
            "first_seen": earlier(c.first_seen, ex.first_seen),
            "last_seen": later(c.last_seen, ex.last_seen),
            "removed_at": None,
        },
    )


def _membership_upsert(insert: Callable[..., Any]) -> Any:
    stmt = insert(MEMBERSHIP)
    ex, c = stmt.excluded, MEMBERSHIP.c
    return stmt.on_conflict_do_update(
        index_elements=[c.item_id, c.column_id],
        set_={
            "list_title": func.coalesce(ex.list_title, c.list_title),
            "list_date": earlier(c.list_date, ex.list_date),
            "position": ex.position,
            **{name: ex[name] for name in _TAXONOMY},
            "first_seen": earlier(c.first_seen, ex.first_seen),
            "last_seen": later(c.last_seen, ex.last_seen),
            "removed_at": None,
        },
    )


def record_detail(
    session: Session,
    site_id: int,
    url: str,
    fields: Mapping[str, Any],
    seen_at: datetime,
    capture_id: int | None = None,
) -> int:
    """Record what an item's own page said; returns the item's id (see ``record_details``)."""
    return record_details(session, site_id, [DetailRow(url, fields, seen_at, capture_id)])[0]


def record_details(
    session: Session, site_id: int, rows: Sequence[DetailRow], run_id: int | None = None
) -> list[int]:
    """Record many fetched detail pages, as if each were recorded in turn; returns the item ids in order.

    A successful fetch (``fetch_status`` "ok", the default) writes every field given. Any other
    outcome records the status and fills only fields still empty, so a 404 or a WAF block on a
    refetch never erases what an earlier good fetch stored.

    A successful fetch whose ``content_hash`` differs from the item's latest version adds a version
    (the first one is version 1); every version after the first is an ``edited`` finding, and a
    changed 发布日期 also a ``redated`` one.
    """
    cleaned = [(row, _clean_detail(row.fields)) for row in rows]
    ids: list[int] = []
    for chunk in _chunks(cleaned):
        ids.extend(_record_detail_chunk(session, site_id, chunk, run_id))
    return ids


def _record_detail_chunk(
    session: Session, site_id: int, rows: Sequence[tuple[DetailRow, dict[str, Any]]], run_id: int | None
) -> list[int]:
    ids = [0] * len(rows)
    for wave in _waves(rows, lambda pair: pair[0].url):
        fetched = _ensure_items(session, site_id, [pair for _, pair in wave])
        latest = latest_versions(session, [item_id for item_id, _, _ in fetched])
        _update_details(session, fetched)
        add_versions(session, site_id, fetched, latest, run_id)
        for (index, _), (item_id, _, _) in zip(wave, fetched, strict=True):
            ids[index] = item_id
    _recount(session, ids)
    rekind(session, ids)
    return ids


_Fetched = tuple[int, DetailRow, dict[str, Any]]


def _ensure_items(
    session: Session, site_id: int, pairs: Sequence[tuple[DetailRow, dict[str, Any]]]
) -> list[_Fetched]:
    """Create the items not listed yet; each detail with its item's id."""
    params = [_detail_item_params(site_id, row, values) for row, values in pairs]
    session.connection().execute(_statement(session, "detail_item", _detail_item_insert), params)
    found = _item_ids(session, site_id, [row.url for row, _ in pairs])
    return [(found[row.url], row, values) for row, values in pairs]


def _update_details(session: Session, fetched: Sequence[_Fetched]) -> None:
    by_shape: dict[tuple[bool, frozenset[str]], list[dict[str, Any]]] = {}
    for item_id, row, values in fetched:
        shape = _detail_shape(values)
        params = {f"v_{name}": values[name] for name in shape[1]}
        by_shape.setdefault(shape, []).append({**params, "b_id": item_id, "b_seen_at": row.seen_at})
    for shape, rows in by_shape.items():
        stmt = _statement(session, ("detail", shape), partial(_detail_update, shape))
        session.connection().execute(stmt, rows)


def _detail_item_params(site_id: int, row: DetailRow, values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "url": row.url,
        "kind": "article",
        "fetch_status": "pending",
        "foreign": values["fetch_status"] == "foreign",
        "first_seen": row.seen_at,
        "last_seen": row.seen_at,
    }


def _detail_item_insert(insert: Callable[..., Any]) -> Any:
    return insert(ITEM).on_conflict_do_nothing(index_elements=[ITEM.c.site_id, ITEM.c.url])


def _detail_shape(values: Mapping[str, Any]) -> tuple[bool, frozenset[str]]:
    """Which update a detail needs: a good fetch sets every field given, any other fills the empty ones."""
    if values["fetch_status"] == "ok":
        return True, frozenset(values)
    return False, frozenset(n for n, v in values.items() if n in _FETCH_OUTCOME or v is not None)


def _detail_update(shape: tuple[bool, frozenset[str]], insert: Callable[..., Any]) -> Any:
    ok, names = shape
    c = ITEM.c
    seen_at = bindparam("b_seen_at", type_=c.last_seen.type)
    changes: dict[str, Any] = {}
    for name in sorted(names):
        value = bindparam(f"v_{name}", type_=c[name].type)
        changes[name] = value if ok or name in _FETCH_OUTCOME else func.coalesce(c[name], value)
    if ok:
        changes["detail_fetched_at"] = seen_at
        changes["removed_at"] = None
    changes["last_seen"] = later(c.last_seen, seen_at)
    return update(ITEM).where(c.id == bindparam("b_id")).values(changes)


def _clean_detail(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - DETAIL_FIELDS
    if unknown:
        raise ValueError(f"unknown detail fields: {', '.join(sorted(unknown))}")
    values = dict(fields)
    for name in _DATE_FIELDS:
        if isinstance(values.get(name), str):
            values[name] = date.fromisoformat(values[name])
        elif isinstance(values.get(name), datetime):
            values[name] = values[name].date()
    values.setdefault("fetch_status", "ok")
    _check(values["fetch_status"], FETCH_STATUSES, "fetch status")
    if values.get("kind") is not None:
        _check(values["kind"], ITEM_KINDS, "item kind")
        if values["fetch_status"] == "ok":
            # the page's kind, kept as such: rekind lets a kind column overrule it
            values["kind_from_page"] = values["kind"]
    elif "kind" in values:
        del values["kind"]
    if "kind_reason" in values:
        values["kind_page_reason"] = values.pop("kind_reason") or None
    return values


def _item_ids(session: Session, site_id: int, urls: Sequence[str]) -> dict[str, int]:
    stmt = _statement(session, "item_ids", _item_ids_select)
    found = session.connection().execute(stmt, {"site_id": site_id, "urls": list(urls)})
    return {url: item_id for url, item_id in found}


def _item_ids_select(insert: Callable[..., Any]) -> Any:
    c = ITEM.c
    return select(c.url, c.id).where(
        c.site_id == bindparam("site_id"), c.url.in_(bindparam("urls", expanding=True))
    )


def _recount(session: Session, item_ids: Sequence[int]) -> None:
    """Set the date items are counted by: 发布日期 when known, else the earliest list date.

    Then copy it to the items' memberships (``item_column.counted_on``, what the audit counts read),
    new ones included: every write that adds a membership or changes a date ends here, once per chunk.
    """
    params = {"ids": sorted(set(item_ids))}
    connection = session.connection()
    connection.execute(_statement(session, "recount", _recount_update), params)
    connection.execute(_statement(session, "recount_members", _recount_members_update), params)


def _recount_update(insert: Callable[..., Any]) -> Any:
    c = ITEM.c
    return (
        update(ITEM)
        .where(c.id.in_(bindparam("ids", expanding=True)))
        .values(
            counted_on=func.coalesce(c.published_on, c.list_date),
            counted_on_basis=case(
                (c.published_on.is_not(None), "published"),
                (c.list_date.is_not(None), "list"),
                else_=None,
            ),
        )
    )


def _recount_members_update(insert: Callable[..., Any]) -> Any:
    m = MEMBERSHIP.c
    counted_on = select(ITEM.c.counted_on).where(ITEM.c.id == m.item_id).scalar_subquery()
    # Only the memberships whose copy differs: unchanged rows are neither rewritten nor reindexed.
    return (
        update(MEMBERSHIP)
        .where(m.item_id.in_(bindparam("ids", expanding=True)), m.counted_on.is_distinct_from(counted_on))
        .values(counted_on=counted_on)
    )
