"""The live tally: every count read from the memberships and items, as index-range counts.

Counts per column and per taxonomy path read each membership's copy of its item's date
(``item_column.counted_on``, kept equal by ``storage.repository``) from the membership indexes
alone, as counts of index ranges rather than GROUP BY: no join to the items and no sort.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Column, Item, ItemColumn, Site
from storage.reads import scope
from storage.reads.filters import as_date, in_year, in_years, of_site, site_columns
from storage.reads.tally import AsOf, Cell
from storage.rollup import Rollup
from storage.sql import year_of

BATCH = 200  # counts per statement: a bounded statement, whatever the paths and years


class LiveTally:
    """Counts computed now, from the archive's rows."""

    name = "live"

    def __init__(self, session: Session, _rollup: Rollup | None = None) -> None:
        self.session = session

    def membership_years(self, site: str | None) -> list[int]:
        # Each column's earliest and latest date is one seek in the (column_id, counted_on) index.
        first = select(func.min(ItemColumn.counted_on)).where(ItemColumn.column_id == Column.id)
        last = select(func.max(ItemColumn.counted_on)).where(ItemColumn.column_id == Column.id)
        stmt: Any = of_site(
            select(func.min(first.scalar_subquery()), func.max(last.scalar_subquery())), site, Column.site_id
        )
        low, high = self.session.execute(stmt).one()
        low, high = as_date(low), as_date(high)
        if low is None or high is None:
            return []
        return list(range(low.year, high.year + 1))

    def column_year_counts(
        self, site: str | None, years: list[int], undated: bool = False
    ) -> dict[int, dict[int | None, int]]:
        # Each number counts one range of the (column_id, counted_on) index: no join, no sort, and
        # SQLite steps through an index range several times faster than it groups rows.
        ranges = [in_year(ItemColumn.counted_on, y) for y in years]
        if undated:
            ranges.append(ItemColumn.counted_on.is_(None))
        keys: list[int | None] = [*years, None] if undated else list(years)
        counts = [
            select(func.count()).where(ItemColumn.column_id == Column.id, where).scalar_subquery()
            for where in ranges
        ]
        stmt: Any = of_site(select(Column.id, *counts), site, Column.site_id)
        return {
            column_id: {key: int(n) for key, n in zip(keys, found, strict=True)}
            for column_id, *found in self.session.execute(stmt)
        }

    def listed_paths(self, site: str | None, span: tuple[int, int] | None = None) -> set[str | None]:
        stmt: Any = select(ItemColumn.taxonomy_path).distinct()
        if span is not None:
            stmt = stmt.where(in_years(ItemColumn.counted_on, list(span)))
        if site is not None:
            stmt = stmt.where(ItemColumn.column_id.in_(site_columns(site)))
        return set(self.session.execute(stmt).scalars())

    def distinct_items(
        self, site: str | None, groups: list[tuple[Any, list[str | None]]], cells: list[int | None]
    ) -> list[Cell]:
        # One scalar count per number rather than GROUP BY: SQLite then reads index ranges of the
        # (taxonomy_path, counted_on, item_id, column_id) index and never sorts. A membership's site
        # is its column's (an item is listed only in its own site's columns).
        sites = scope.column_sites(self.session, site)
        slugs = scope.slugs(self.session)
        keys = [(key, cell) for key, _ in groups for cell in cells]
        # One site: no need to look at the column unless other sites share the archive.
        narrow = len(sites) > 1 or (site is not None and len(scope.column_sites(self.session, None)) > 1)
        out: list[Cell] = []
        for site_id in sites:
            counts = []
            for _, paths in groups:
                for cell in cells:
                    stmt = select(func.count(func.distinct(ItemColumn.item_id))).where(
                        _paths_where(paths), _cell_where(cell)
                    )
                    if narrow:
                        stmt = stmt.where(
                            ItemColumn.column_id.in_(select(Column.id).where(Column.site_id == site_id))
                        )
                    counts.append(stmt.scalar_subquery())
            for start in range(0, len(counts), BATCH):
                found = self.session.execute(select(*counts[start : start + BATCH])).one()
                out.extend(
                    ((slugs[site_id], key, cell), int(n))
                    for (key, cell), n in zip(keys[start : start + BATCH], found, strict=True)
                )
        return out

    def site_year_counts(
        self, years: list[int], site: str | None, kinds: list[str | None]
    ) -> dict[tuple[str, str | None], dict[int, int]]:
        # Each number counts one range of the (site_id, counted_on, kind, …) index: no grouping, no sort.
        cells = [(kind, year) for kind in kinds for year in range(min(years), max(years) + 1)]
        out: dict[tuple[str, str | None], dict[int, int]] = {}

        def count(kind: str | None, year: int) -> Any:
            where = [Item.site_id == Site.id, in_year(Item.counted_on, year)]
            if kind is not None:
                where.append(Item.kind == kind)
            return select(func.count()).where(*where).scalar_subquery()

        stmt: Any = of_site(select(Site.slug, *(count(k, y) for k, y in cells)), site, Site.id)
        for slug, *found in self.session.execute(stmt):
            for (kind, year), n in zip(cells, found, strict=True):
                if n:
                    out.setdefault((slug, kind), dict.fromkeys(years, 0))[year] = int(n)
        return out

    def kinds_by_year(self, years: list[int], site: str | None) -> dict[tuple[str, str], dict[int, int]]:
        # One grouped scan, for an archive holding kinds other than ``ITEM_KINDS``.
        year_expr = year_of(Item.counted_on)
        per_site: Any = (
            select(Item.site_id, Item.kind, year_expr.label("year"), func.count().label("n"))
            .where(in_years(Item.counted_on, years))
            .group_by(Item.site_id, Item.kind, year_expr)
        )
        per_site = of_site(per_site, site, Item.site_id).subquery()
        stmt: Any = select(Site.slug, per_site.c.kind, per_site.c.year, per_site.c.n).join(
            Site, Site.id == per_site.c.site_id
        )
        out: dict[tuple[str, str], dict[int, int]] = {}
        for slug, kind, year, n in self.session.execute(stmt):
            out.setdefault((slug, kind), dict.fromkeys(years, 0))[int(year)] = int(n)
        return out

    def as_of(self, when: date) -> AsOf:
        # Two counts of ranges of the (column_id, counted_on) index: the dated and the undated.
        return AsOf([ItemColumn.counted_on <= when, ItemColumn.counted_on.is_(None)], lambda _cid: 0)

    def site_items(self) -> dict[int, int]:
        stmt = select(Item.site_id, func.count()).group_by(Item.site_id)
        return {int(site_id): int(n) for site_id, n in self.session.execute(stmt)}


def _paths_where(paths: list[str | None]) -> Any:
    if paths == [None]:
        return ItemColumn.taxonomy_path.is_(None)
    if len(paths) == 1:
        return ItemColumn.taxonomy_path == paths[0]
    return ItemColumn.taxonomy_path.in_(paths)


def _cell_where(year: int | None) -> Any:
    return ItemColumn.counted_on.is_(None) if year is None else in_year(ItemColumn.counted_on, year)
