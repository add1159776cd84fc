"""The count tables and single counts auditors ask for: items per column, taxonomy node and year.

Every count follows the counting rules in ``audit/definitions.py``: an item's year is the year of
``counted_on`` (发布日期, else the list date); it counts in every column it was ever listed in;
totals count distinct items; removed items still count unless ``online_only``. The tables are
built from a :class:`~storage.reads.tally.Tally` (live, or summed from the rollup when current).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from storage.models import Column, Item, ItemColumn, Site
from storage.reads.filters import (
    as_date,
    as_int,
    in_year,
    is_document,
    listed_in_mapped_columns,
    of_site,
    online,
    site_items,
    under,
)
from storage.reads.tallies import tally_for
from storage.sql import year_of

COUNT_BY = ("column", "taxonomy")


@dataclass(frozen=True)
class CountRow:
    """One number of a count table: items of a site in a column (or taxonomy node) in a year."""

    site: str
    column: str | None
    taxonomy: str | None
    year: int | None
    items: int
    # how the column's last walk ended (``Column.status``: ok, incomplete, blocked, error, capped,
    # unwalked) and why; a number from a walk that was not ``ok`` is not the portal's whole column
    # (annotations of the number: rows with the same number compare equal whatever their walk)
    walk: str = field(default="ok", compare=False)
    walk_note: str | None = field(default=None, compare=False)


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
        filters.append(in_year(Item.counted_on, year))
    if online_only:
        filters.append(online())
    return filters


def _count_by_column(
    session: Session, site: str | None, year: int | None, online_only: bool
) -> list[CountRow]:
    if online_only:
        return _count_by_column_online(session, site, year)
    # The memberships' own copy of the date: per column and year, one range of the
    # (column_id, counted_on) index, counted without joining the items.
    tally = tally_for(session)
    years = [year] if year is not None else tally.membership_years(site)
    counts = tally.column_year_counts(site, years, undated=year is None)
    stmt = select(Site.slug, Column.id, Column.path, Column.taxonomy_path, Column.status, Column.note).join(
        Site, Site.id == Column.site_id
    )
    rows: list[CountRow] = []
    for slug, column_id, path, taxonomy, walk, note in session.execute(of_site(stmt, site, Column.site_id)):
        found = {y: n for y, n in counts.get(column_id, {}).items() if n}
        state = {"walk": walk or "unwalked", "walk_note": note}
        if not found:  # an empty column: one row, of the year asked for
            rows.append(CountRow(site=slug, column=path, taxonomy=taxonomy, year=year, items=0, **state))
        rows.extend(
            CountRow(site=slug, column=path, taxonomy=taxonomy, year=y, items=n, **state)
            for y, n in found.items()
        )
    return rows


def _count_by_column_online(session: Session, site: str | None, year: int | None) -> list[CountRow]:
    # Aggregate memberships on small integer keys first, then attach the column names: grouping
    # a million rows by text columns is what makes a naive join slow.
    year_expr = year_of(Item.counted_on)
    per_column: Any = (
        select(ItemColumn.column_id, year_expr.label("year"), func.count().label("n"))
        .join(Item, Item.id == ItemColumn.item_id)
        .where(*_item_filters(year, True))
        .group_by(ItemColumn.column_id, year_expr)
    )
    counts = of_site(per_column, site, Item.site_id).subquery()
    stmt = (
        select(
            Site.slug,
            Column.path,
            Column.taxonomy_path,
            counts.c.year,
            counts.c.n,
            Column.status,
            Column.note,
        )
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
            year=year if n is None and year is not None else as_int(y),
            items=int(n or 0),
            walk=walk or "unwalked",
            walk_note=note,
        )
        for slug, path, taxonomy, y, n, walk, note in session.execute(stmt)
    ]


def _count_by_taxonomy(
    session: Session, site: str | None, year: int | None, online_only: bool
) -> list[CountRow]:
    if not online_only:
        found = taxonomy_years(session, None if year is None else [year], site)
        return [
            CountRow(site=slug, column=None, taxonomy=path, year=as_int(y), items=n)
            for slug, path, y, n in found
        ]
    year_expr = year_of(Item.counted_on)
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
        CountRow(site=slug, column=None, taxonomy=taxonomy, year=as_int(y), items=int(n))
        for slug, taxonomy, y, n in session.execute(stmt)
    ]


def taxonomy_years(
    session: Session, years: list[int] | None, site: str | None
) -> list[tuple[str, Any, Any, int]]:
    """(site, membership taxonomy path, year, distinct items) from the memberships alone.

    ``years`` None means every year and undated items (year None). Each number is one count of
    distinct items over a range of the (taxonomy_path, counted_on, item_id, column_id) index.
    """
    tally = tally_for(session)
    cells: list[int | None]
    if years is None:
        cells = [*tally.membership_years(site), None]
    else:
        cells = list(range(min(years), max(years) + 1))
    paths = sorted(tally.listed_paths(site), key=lambda p: (p is None, p or ""))
    groups = [(path, [path]) for path in paths]
    return [(slug, path, year, n) for (slug, path, year), n in tally.distinct_items(site, groups, cells) if n]


def _scalar_count(session: Session, ids: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(ids.subquery())).scalar_one())


def count_distinct_items(
    session: Session, site: str, year: int | None = None, kind: str | None = None
) -> int:
    """Distinct items of a site, optionally of one year (by ``counted_on``) and one kind."""
    ids = site_items(site)
    if year is not None:
        ids = ids.where(in_year(Item.counted_on, year))
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
        site_items(site)
        .join(ItemColumn, ItemColumn.item_id == Item.id)
        .where(under(ItemColumn.taxonomy_path, taxonomy_prefix))
        .distinct()
    )
    if until is not None:
        ids = ids.where(Item.counted_on <= until)
    if year is not None:
        ids = ids.where(in_year(Item.counted_on, year))
    return _scalar_count(session, ids)


def count_in_columns(
    session: Session,
    site: str,
    *,
    column_path: str | None = None,
    taxonomy_path: str | None = None,
    year: int | None = None,
) -> int:
    """Distinct items listed in the site's column at ``column_path`` (portal names joined by ``/``)
    or in its columns mapped exactly to ``taxonomy_path`` (one of the two)."""
    if (column_path is None) == (taxonomy_path is None):
        raise ValueError("count_in_columns needs exactly one of column_path and taxonomy_path")
    chosen = Column.path == column_path if column_path is not None else Column.taxonomy_path == taxonomy_path
    ids = (
        site_items(site)
        .join(ItemColumn, ItemColumn.item_id == Item.id)
        .join(Column, Column.id == ItemColumn.column_id)
        .where(chosen)
        .distinct()
    )
    if year is not None:
        ids = ids.where(in_year(Item.counted_on, year))
    return _scalar_count(session, ids)


def count_documents(session: Session, site: str, year: int, column_taxonomy: str) -> int:
    """Distinct items of ``year`` in columns mapped to ``column_taxonomy`` that are documents:
    kind ``document`` or carrying a 文号."""
    listed = listed_in_mapped_columns(column_taxonomy)
    ids: Any = site_items(site).where(in_year(Item.counted_on, year), Item.id.in_(listed), is_document())
    return _scalar_count(session, ids)


def count_site_items(session: Session) -> dict[int, int]:
    """site id → all its items (dated or not); sites without items are left out."""
    return tally_for(session).site_items()


def newest_counted_on(session: Session, site: str | None = None) -> date | None:
    """The latest ``counted_on`` of the site's items (of any site's): one index seek per site."""
    newest = select(func.max(Item.counted_on)).where(Item.site_id == Site.id).scalar_subquery()
    stmt: Any = of_site(select(func.max(newest)).select_from(Site), site, Site.id)
    return as_date(session.execute(stmt).scalar())


def first_year(session: Session, site: str) -> int | None:
    """The year of the site's earliest dated item: one seek in the (site_id, counted_on) index."""
    stmt: Any = of_site(select(func.min(Item.counted_on)), site, Item.site_id)
    first = as_date(session.execute(stmt).scalar())
    return None if first is None else first.year
