"""Reads of the columns: their states as of a date, their paths and mappings, the blocked ones."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import add
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import Column, ItemColumn, Site
from storage.reads.filters import as_date, of_site, site_id_of
from storage.reads.tallies import tally_for

TROUBLED = ("blocked", "error")


@dataclass(frozen=True)
class ColumnState:
    """What the inspection indicators need of one column, as of a date.

    ``items`` and ``newest`` count only items dated on or before the as-of date (undated items
    count as present but give no date).
    """

    site: str
    column_id: int
    path: str
    url: str
    status: str
    taxonomy_code: str | None
    taxonomy_path: str | None
    items: int
    newest: date | None


def column_states(session: Session, as_of: date, site: str | None = None) -> list[ColumnState]:
    """Every column with its item count and newest item date on or before ``as_of``."""

    # The memberships' copy of the date, per column: counts of ranges of the (column_id,
    # counted_on) index and one seek for the newest date — no join, no grouping.
    def of_column(what: Any, *where: Any) -> Any:
        return select(what).where(ItemColumn.column_id == Column.id, *where).scalar_subquery()

    counted = tally_for(session).as_of(as_of)
    items = reduce(add, (of_column(func.count(), where) for where in counted.ranges))
    newest = of_column(func.max(ItemColumn.counted_on), ItemColumn.counted_on <= as_of)
    stmt: Any = (
        select(
            Site.slug,
            Column.id,
            Column.path,
            Column.url,
            Column.status,
            Column.taxonomy_code,
            Column.taxonomy_path,
            items,
            newest,
        )
        .join(Site, Site.id == Column.site_id)
        .order_by(Site.slug, Column.path)
    )
    stmt = of_site(stmt, site, Column.site_id)
    return [
        ColumnState(
            slug, cid, path, url, status, code, tpath, int(n or 0) + counted.before(cid), as_date(newest)
        )
        for slug, cid, path, url, status, code, tpath, n, newest in session.execute(stmt)
    ]


def column_paths(session: Session, site: str | None = None) -> list[tuple[str, str, str | None, str]]:
    """(site, column path, taxonomy path, status) of every column."""
    stmt: Any = of_site(
        select(Site.slug, Column.path, Column.taxonomy_path, Column.status)
        .join(Site, Site.id == Column.site_id)
        .order_by(Site.slug, Column.path),
        site,
        Column.site_id,
    )
    return [(s, p, t, st) for s, p, t, st in session.execute(stmt)]


@dataclass(frozen=True)
class ColumnWalk:
    """How one column's last walk ended (``Column.status``) and why (``Column.note``)."""

    site: str
    path: str
    taxonomy_path: str | None
    walk: str
    walk_note: str | None


def column_walks(session: Session, statuses: Collection[str], site: str | None = None) -> list[ColumnWalk]:
    """Every column whose last walk ended in one of ``statuses``, with its reason."""
    stmt: Any = of_site(
        select(Site.slug, Column.path, Column.taxonomy_path, Column.status, Column.note)
        .join(Site, Site.id == Column.site_id)
        .where(Column.status.in_(tuple(statuses)))
        .order_by(Site.slug, Column.path),
        site,
        Column.site_id,
    )
    return [ColumnWalk(*row) for row in session.execute(stmt)]


def column(session: Session, column_id: int) -> tuple[Column, str] | None:
    """The column with its site's slug, or None."""
    found = session.execute(
        select(Column, Site.slug).join(Site, Site.id == Column.site_id).where(Column.id == column_id)
    ).first()
    return None if found is None else (found[0], found[1])


def site_columns(session: Session, slug: str) -> list[Column]:
    """Every column of the site."""
    return list(
        session.scalars(select(Column).join(Site, Site.id == Column.site_id).where(Site.slug == slug))
    )


def blocked_columns(session: Session, site: str | None = None) -> list[tuple[str, Column]]:
    """(site, column) of every column a walk found blocked or erroring."""
    stmt: Any = (
        select(Site.slug, Column)
        .join(Site, Site.id == Column.site_id)
        .where(Column.status.in_(TROUBLED))
        .order_by(Site.slug, Column.path)
    )
    if site:
        stmt = stmt.where(Site.slug == site)
    return [(slug, c) for slug, c in session.execute(stmt)]


def memberships_follow_columns(session: Session, site: str, path: str) -> bool:
    """Whether the site's memberships carry ``path`` exactly when their column is mapped to it.

    Items are listed by the column's mapping and counted (by the rollup) by the memberships' copy
    of it; the two differ only for memberships recorded before a column was mapped anew.
    """
    site_id = site_id_of(site)
    mapped = select(Column.id).where(Column.site_id == site_id, Column.taxonomy_path == path)
    unmapped = select(Column.id).where(
        Column.site_id == site_id, or_(Column.taxonomy_path.is_(None), Column.taxonomy_path != path)
    )
    other_path = or_(ItemColumn.taxonomy_path.is_(None), ItemColumn.taxonomy_path != path)
    stray = select(ItemColumn.item_id).where(ItemColumn.column_id.in_(mapped), other_path).exists()
    moved = (
        select(ItemColumn.item_id)
        .where(ItemColumn.taxonomy_path == path, ItemColumn.column_id.in_(unmapped))
        .exists()
    )
    found = session.execute(select(stray, moved)).one()
    return not (found[0] or found[1])


def column_id_at(session: Session, site_id: int, url: str) -> int | None:
    """The id of a site's column at ``url``, if it is stored."""
    found = session.scalar(select(Column.id).where(Column.site_id == site_id, Column.url == url))
    return None if found is None else int(found)
