"""Idempotent writes of plain values: repeating a call never adds a row or changes a count.

Upserts use the dialect's ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL share the syntax),
so concurrent workers writing the same item meet in the database, not in Python.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ClauseElement

from storage.models import (
    COLUMN_STATUSES,
    FETCH_STATUSES,
    ITEM_KINDS,
    RUN_STATUSES,
    Column,
    CrawlRun,
    Item,
    ItemColumn,
    Site,
    utcnow,
)
from storage.upsert import insert_for

logger = logging.getLogger(__name__)

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
        "body_text",
        "images",
        "videos",
        "attachments",
        "fetch_status",
        "http_status",
        "encoding",
        "content_hash",
    }
)
_DATE_FIELDS = ("published_on", "written_on", "url_date")
# What every fetch reports about itself, success or not.
_FETCH_OUTCOME = ("fetch_status", "http_status")


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
) -> int:
    """The id of the column at ``url``, created or updated from the site profile."""
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
            "first_seen": _earlier(Column.first_seen, ex.first_seen),
            "last_seen": _later(Column.last_seen, ex.last_seen),
        },
    ).returning(Column.id)
    return int(session.execute(stmt).scalar_one())


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
            last_seen=_later(Column.last_seen, seen_at),
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) == 0:
        raise LookupError(f"no column with id {column_id}")


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
    """Record that ``url`` was listed in a column; returns the item's id.

    Creates the item when new, keeps the earliest list date, and lets an item seen again after
    removal come back (``removed_at`` cleared). The item takes the taxonomy of its first
    classified membership and keeps it.
    """
    item_id = _upsert_listed_item(
        session,
        site_id,
        url,
        list_title,
        list_date,
        foreign,
        (taxonomy_code, taxonomy_path, taxonomy_rule, taxonomy_version),
        seen_at,
    )
    stmt = _insert(session)(ItemColumn).values(
        item_id=item_id,
        column_id=column_id,
        list_title=list_title,
        list_date=list_date,
        position=position,
        taxonomy_code=taxonomy_code,
        taxonomy_path=taxonomy_path,
        taxonomy_rule=taxonomy_rule,
        taxonomy_version=taxonomy_version,
        first_seen=seen_at,
        last_seen=seen_at,
    )
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[ItemColumn.item_id, ItemColumn.column_id],
        set_={
            "list_title": func.coalesce(ex.list_title, ItemColumn.list_title),
            "list_date": _earlier(ItemColumn.list_date, ex.list_date),
            "position": ex.position,
            "taxonomy_code": ex.taxonomy_code,
            "taxonomy_path": ex.taxonomy_path,
            "taxonomy_rule": ex.taxonomy_rule,
            "taxonomy_version": ex.taxonomy_version,
            "first_seen": _earlier(ItemColumn.first_seen, ex.first_seen),
            "last_seen": _later(ItemColumn.last_seen, ex.last_seen),
        },
    )
    session.execute(stmt)
    _recount(session, item_id)
    return item_id


def _upsert_listed_item(
    session: Session,
    site_id: int,
    url: str,
    list_title: str | None,
    list_date: date | None,
    foreign: bool,
    taxonomy: tuple[str | None, str | None, str | None, str | None],
    seen_at: datetime,
) -> int:
    code, path, rule, version = taxonomy
    stmt = _insert(session)(Item).values(
        site_id=site_id,
        url=url,
        list_title=list_title,
        list_date=list_date,
        kind="article",
        fetch_status="foreign" if foreign else "pending",
        foreign=foreign,
        taxonomy_code=code,
        taxonomy_path=path,
        taxonomy_rule=rule,
        taxonomy_version=version,
        first_seen=seen_at,
        last_seen=seen_at,
    )
    ex = stmt.excluded
    unclassified = and_(Item.taxonomy_code.is_(None), Item.taxonomy_path.is_(None))
    adopt = and_(unclassified, or_(ex.taxonomy_code.is_not(None), ex.taxonomy_path.is_not(None)))
    stmt = stmt.on_conflict_do_update(
        index_elements=[Item.site_id, Item.url],
        set_={
            "list_title": func.coalesce(Item.list_title, ex.list_title),
            "list_date": _earlier(Item.list_date, ex.list_date),
            "foreign": or_(Item.foreign, ex.foreign),
            **{
                name: case((adopt, getattr(ex, name)), else_=getattr(Item, name))
                for name in ("taxonomy_code", "taxonomy_path", "taxonomy_rule", "taxonomy_version")
            },
            "first_seen": _earlier(Item.first_seen, ex.first_seen),
            "last_seen": _later(Item.last_seen, ex.last_seen),
            "removed_at": None,
        },
    ).returning(Item.id)
    return int(session.execute(stmt).scalar_one())


def record_detail(
    session: Session, site_id: int, url: str, fields: Mapping[str, Any], seen_at: datetime
) -> int:
    """Record what an item's own page said; returns the item's id.

    A successful fetch (``fetch_status`` "ok", the default) writes every field given. Any other
    outcome records the status and fills only fields still empty, so a 404 or a WAF block on a
    refetch never erases what an earlier good fetch stored.
    """
    values = _clean_detail(fields)
    status = values.setdefault("fetch_status", "ok")
    inserted = _insert(session)(Item).values(
        site_id=site_id,
        url=url,
        kind="article",
        fetch_status="pending",
        foreign=status == "foreign",
        first_seen=seen_at,
        last_seen=seen_at,
    )
    session.execute(inserted.on_conflict_do_nothing(index_elements=[Item.site_id, Item.url]))
    item_id = session.execute(select(Item.id).where(Item.site_id == site_id, Item.url == url)).scalar_one()
    if status == "ok":
        changes: dict[str, Any] = dict(values)
        changes["detail_fetched_at"] = seen_at
        changes["removed_at"] = None
    else:
        changes = {
            name: value if name in _FETCH_OUTCOME else func.coalesce(getattr(Item, name), _typed(name, value))
            for name, value in values.items()
            if name in _FETCH_OUTCOME or value is not None
        }
    changes["last_seen"] = _later(Item.last_seen, seen_at)
    session.execute(
        update(Item).where(Item.id == item_id).values(**changes).execution_options(synchronize_session=False)
    )
    _recount(session, item_id)
    return int(item_id)


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
    if "fetch_status" in values:
        _check(values["fetch_status"], FETCH_STATUSES, "fetch status")
    if values.get("kind") is not None:
        _check(values["kind"], ITEM_KINDS, "item kind")
    elif "kind" in values:
        del values["kind"]
    return values


def _recount(session: Session, item_id: int) -> None:
    """Set the date an item is counted by: 发布日期 when known, else its earliest list date."""
    session.execute(
        update(Item)
        .where(Item.id == item_id)
        .values(
            counted_on=func.coalesce(Item.published_on, Item.list_date),
            counted_on_basis=case(
                (Item.published_on.is_not(None), "published"),
                (Item.list_date.is_not(None), "list"),
                else_=None,
            ),
        )
        .execution_options(synchronize_session=False)
    )


def start_run(session: Session, site_id: int | None, mode: str, target: str | None) -> int:
    """Open a crawl-run record in status ``running``; returns its id."""
    run = CrawlRun(site_id=site_id, mode=mode, target=target, started_at=utcnow(), status="running")
    session.add(run)
    session.flush()
    return run.id


def finish_run(session: Session, run_id: int, status: str, exit_code: int, stats: Mapping[str, Any]) -> None:
    """Close a crawl run with its outcome, exit code and statistics."""
    _check(status, RUN_STATUSES, "run status")
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(finished_at=utcnow(), status=status, exit_code=exit_code, stats=dict(stats))
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) == 0:
        raise LookupError(f"no crawl run with id {run_id}")


def _typed(name: str, value: Any) -> Any:
    return literal(value, type_=getattr(Item, name).type)


def _earlier(current: Any, new: Any) -> Any:
    """The earlier of two nullable values, in SQL (MIN/LEAST differ between dialects)."""
    if not isinstance(new, ClauseElement):
        new = literal(new, type_=current.type)
    return case(
        (current.is_(None), new),
        (and_(new.is_not(None), new < current), new),
        else_=current,
    )


def _later(current: Any, new: Any) -> Any:
    if not isinstance(new, ClauseElement):
        new = literal(new, type_=current.type)
    return case(
        (current.is_(None), new),
        (and_(new.is_not(None), new > current), new),
        else_=current,
    )
