"""Read-only questions auditors ask of the archive, answered with SQL aggregates.

Every count follows the counting rules in ``audit/definitions.py``: an item's year is the year of
``counted_on`` (发布日期, else the list date); it counts in every column it was ever listed in;
totals count distinct items; removed items still count unless ``online_only``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, and_, cast, extract, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Column, Item, ItemColumn, Site

logger = logging.getLogger(__name__)

COUNT_BY = ("column", "taxonomy")
# Page states that mean the item is no longer online; blocked or erroring pages may still be.
GONE_STATUSES = ("not_found",)


@dataclass(frozen=True)
class CountRow:
    """One number of a count table: items of a site in a column (or taxonomy node) in a year."""

    site: str
    column: str | None
    taxonomy: str | None
    year: int | None
    items: int


@dataclass(frozen=True)
class SiteInfo:
    """A site as listed for auditors."""

    slug: str
    name: str
    base_url: str
    cms: str | None


def _year_of(value: Any) -> Any:
    return cast(extract("year", value), Integer)


def _in_year(year: int) -> Any:
    # A range rather than EXTRACT keeps the (site_id, counted_on) index usable.
    return Item.counted_on.between(date(year, 1, 1), date(year, 12, 31))


def _online() -> Any:
    return and_(Item.removed_at.is_(None), Item.fetch_status.not_in(GONE_STATUSES))


def _under(path_column: Any, prefix: str) -> Any:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(path_column == prefix, path_column.like(escaped + "/%", escape="\\"))


def count_items(
    session: Session,
    site: str | None = None,
    year: int | None = None,
    by: str = "column",
    online_only: bool = False,
) -> list[CountRow]:
    """Items per (site, column, year) or per (site, taxonomy node, year), sorted.

    ``by="column"`` lists every column, an empty one with year None and 0 items (with ``year``
    given, every column once with that year, 0 when it published nothing then). ``by="taxonomy"``
    counts distinct items per membership taxonomy path; None is unclassified.
    """
    if by == "column":
        rows = _count_by_column(session, site, year, online_only)
    elif by == "taxonomy":
        rows = _count_by_taxonomy(session, site, year, online_only)
    else:
        raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(COUNT_BY)}")
    return sorted(rows, key=_sort_key)


def _sort_key(row: CountRow) -> tuple[Any, ...]:
    label = row.column if row.column is not None else row.taxonomy
    return (row.site, label is None, label or "", row.year is None, row.year or 0)


def _item_filters(year: int | None, online_only: bool) -> list[Any]:
    filters: list[Any] = []
    if year is not None:
        filters.append(_in_year(year))
    if online_only:
        filters.append(_online())
    return filters


def _count_by_column(
    session: Session, site: str | None, year: int | None, online_only: bool
) -> list[CountRow]:
    # Aggregate memberships on small integer keys first, then attach the column names: grouping
    # a million rows by text columns is what makes a naive join slow.
    year_expr = _year_of(Item.counted_on)
    per_column = (
        select(ItemColumn.column_id, year_expr.label("year"), func.count().label("n"))
        .join(Item, Item.id == ItemColumn.item_id)
        .where(*_item_filters(year, online_only))
        .group_by(ItemColumn.column_id, year_expr)
    )
    if site is not None:
        per_column = per_column.where(
            Item.site_id == select(Site.id).where(Site.slug == site).scalar_subquery()
        )
    counts = per_column.subquery()
    stmt = (
        select(Site.slug, Column.path, Column.taxonomy_path, counts.c.year, counts.c.n)
        .select_from(Column)
        .join(Site, Site.id == Column.site_id)
        .outerjoin(counts, counts.c.column_id == Column.id)
    )
    if site is not None:
        stmt = stmt.where(Site.slug == site)
    return [
        CountRow(
            site=slug,
            column=path,
            taxonomy=taxonomy,
            year=year if n is None and year is not None else _int(y),
            items=int(n or 0),
        )
        for slug, path, taxonomy, y, n in session.execute(stmt)
    ]


def _count_by_taxonomy(
    session: Session, site: str | None, year: int | None, online_only: bool
) -> list[CountRow]:
    year_expr = _year_of(Item.counted_on)
    stmt = (
        select(
            Site.slug, ItemColumn.taxonomy_path, year_expr.label("year"), func.count(func.distinct(Item.id))
        )
        .select_from(ItemColumn)
        .join(Item, Item.id == ItemColumn.item_id)
        .join(Site, Site.id == Item.site_id)
        .where(*_item_filters(year, online_only))
        .group_by(Site.slug, ItemColumn.taxonomy_path, year_expr)
    )
    if site is not None:
        stmt = stmt.where(Site.slug == site)
    return [
        CountRow(site=slug, column=None, taxonomy=taxonomy, year=_int(y), items=int(n))
        for slug, taxonomy, y, n in session.execute(stmt)
    ]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _site_items(site: str) -> Select[Any]:
    return select(Item.id).join(Site, Site.id == Item.site_id).where(Site.slug == site)


def _scalar_count(session: Session, ids: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(ids.subquery())).scalar_one())


def count_distinct_items(
    session: Session, site: str, year: int | None = None, kind: str | None = None
) -> int:
    """Distinct items of a site, optionally of one year (by ``counted_on``) and one kind."""
    ids = _site_items(site)
    if year is not None:
        ids = ids.where(_in_year(year))
    if kind is not None:
        ids = ids.where(Item.kind == kind)
    return _scalar_count(session, ids)


def count_in_subtree(
    session: Session,
    site: str,
    taxonomy_prefix: str,
    until: date | None = None,
    year: int | None = None,
) -> int:
    """Distinct items listed under the taxonomy node ``taxonomy_prefix`` or any node below it."""
    ids = (
        _site_items(site)
        .join(ItemColumn, ItemColumn.item_id == Item.id)
        .where(_under(ItemColumn.taxonomy_path, taxonomy_prefix))
        .distinct()
    )
    if until is not None:
        ids = ids.where(Item.counted_on <= until)
    if year is not None:
        ids = ids.where(_in_year(year))
    return _scalar_count(session, ids)


def count_in_taxonomy_columns(
    session: Session, site: str, taxonomy_path: str, year: int | None = None
) -> int:
    """Distinct items listed in the site's columns mapped exactly to ``taxonomy_path``."""
    ids = (
        _site_items(site)
        .join(ItemColumn, ItemColumn.item_id == Item.id)
        .join(Column, Column.id == ItemColumn.column_id)
        .where(Column.taxonomy_path == taxonomy_path)
        .distinct()
    )
    if year is not None:
        ids = ids.where(_in_year(year))
    return _scalar_count(session, ids)


def count_in_column(session: Session, site: str, column_path: str, year: int | None = None) -> int:
    """Items listed in the column at ``column_path`` (portal names joined by ``/``)."""
    ids = (
        _site_items(site)
        .join(ItemColumn, ItemColumn.item_id == Item.id)
        .join(Column, Column.id == ItemColumn.column_id)
        .where(Column.path == column_path)
        .distinct()
    )
    if year is not None:
        ids = ids.where(_in_year(year))
    return _scalar_count(session, ids)


def list_sites(session: Session) -> list[SiteInfo]:
    """Every site in the archive, by slug."""
    stmt = select(Site.slug, Site.name, Site.base_url, Site.cms).order_by(Site.slug)
    return [SiteInfo(slug, name, base_url, cms) for slug, name, base_url, cms in session.execute(stmt)]
