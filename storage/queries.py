"""Read-only questions auditors ask of the archive, answered with SQL aggregates.

Every count follows the counting rules in ``audit/definitions.py``: an item's year is the year of
``counted_on`` (发布日期, else the list date); it counts in every column it was ever listed in;
totals count distinct items; removed items still count unless ``online_only``.

Counts per column and per taxonomy path read each membership's copy of its item's date
(``item_column.counted_on``, kept equal by ``storage.repository``) from the membership indexes alone,
as counts of index ranges rather than GROUP BY: no join to the items and no sort.

When the archive has a current rollup (``storage.rollup``: the counts tallied once the last crawl
ended, valid until the archive changes), these counts are sums over it instead, and none of them
reads the memberships or the items; without one they are computed live. Both give the same numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from storage import rollup
from storage.models import ITEM_KINDS, Column, Finding, Item, ItemColumn, Site
from storage.sql import year_of

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
    return year_of(value)


def _in_year(year: int) -> Any:
    # A range rather than EXTRACT keeps the (site_id, counted_on) index usable.
    return Item.counted_on.between(date(year, 1, 1), date(year, 12, 31))


def _member_in_year(year: int) -> Any:
    return ItemColumn.counted_on.between(date(year, 1, 1), date(year, 12, 31))


def _site_columns(site: str) -> Any:
    """The ids of the site's columns: how a membership-only read keeps to one site.

    A membership's column and its item belong to the same site (listings are recorded per site),
    so filtering memberships by column equals filtering them by item.
    """
    return select(Column.id).join(Site, Site.id == Column.site_id).where(Site.slug == site)


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
    if online_only:
        return _count_by_column_online(session, site, year)
    # The memberships' own copy of the date: per column and year, one range of the
    # (column_id, counted_on) index, counted without joining the items.
    years = [year] if year is not None else _membership_years(session, site)
    counts = _column_year_counts(session, site, years, undated=year is None)
    stmt = select(Site.slug, Column.id, Column.path, Column.taxonomy_path).join(
        Site, Site.id == Column.site_id
    )
    rows: list[CountRow] = []
    for slug, column_id, path, taxonomy in session.execute(_site_filter(stmt, site, Column.site_id)):
        found = {y: n for y, n in counts.get(column_id, {}).items() if n}
        if not found:  # an empty column: one row, of the year asked for
            rows.append(CountRow(site=slug, column=path, taxonomy=taxonomy, year=year, items=0))
        rows.extend(
            CountRow(site=slug, column=path, taxonomy=taxonomy, year=y, items=n) for y, n in found.items()
        )
    return rows


def _count_by_column_online(session: Session, site: str | None, year: int | None) -> list[CountRow]:
    # Aggregate memberships on small integer keys first, then attach the column names: grouping
    # a million rows by text columns is what makes a naive join slow.
    year_expr = _year_of(Item.counted_on)
    per_column: Any = (
        select(ItemColumn.column_id, year_expr.label("year"), func.count().label("n"))
        .join(Item, Item.id == ItemColumn.item_id)
        .where(*_item_filters(year, True))
        .group_by(ItemColumn.column_id, year_expr)
    )
    counts = _site_filter(per_column, site, Item.site_id).subquery()
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


def _column_ids(session: Session, site: str | None) -> list[int]:
    """The ids of the site's columns (every column when ``site`` is None)."""
    return list(session.execute(_site_filter(select(Column.id), site, Column.site_id)).scalars())


def _membership_years(session: Session, site: str | None) -> list[int]:
    """Every year from the earliest to the latest dated membership of the site's columns.

    Each column's earliest and latest date is one seek in the (column_id, counted_on) index.
    """
    tally = rollup.current(session)
    if tally is not None:
        return tally.membership_years(_column_ids(session, site))
    first = select(func.min(ItemColumn.counted_on)).where(ItemColumn.column_id == Column.id).scalar_subquery()
    last = select(func.max(ItemColumn.counted_on)).where(ItemColumn.column_id == Column.id).scalar_subquery()
    stmt: Any = _site_filter(select(func.min(first), func.max(last)), site, Column.site_id)
    low, high = session.execute(stmt).one()
    low, high = _as_date(low), _as_date(high)
    if low is None or high is None:
        return []
    return list(range(low.year, high.year + 1))


def _column_year_counts(
    session: Session, site: str | None, years: list[int], undated: bool = False
) -> dict[int, dict[int | None, int]]:
    """column id → {year: memberships dated in it} for every column of the site(s), 0 included;
    with ``undated`` also {None: memberships without a date}.

    Each number is a count of one range of the (column_id, counted_on) index: no join, no sort,
    and SQLite steps through an index range several times faster than it groups rows.
    """
    tally = rollup.current(session)
    if tally is not None:
        return tally.column_year_counts(_column_ids(session, site), years, undated)
    date_ = ItemColumn.counted_on
    ranges = [date_.between(date(y, 1, 1), date(y, 12, 31)) for y in years]
    if undated:
        ranges.append(date_.is_(None))
    keys: list[int | None] = [*years, None] if undated else list(years)
    counts = [
        select(func.count()).where(ItemColumn.column_id == Column.id, where).scalar_subquery()
        for where in ranges
    ]
    stmt: Any = _site_filter(select(Column.id, *counts), site, Column.site_id)
    return {
        column_id: {key: int(n) for key, n in zip(keys, found, strict=True)}
        for column_id, *found in session.execute(stmt)
    }


def _count_by_taxonomy(
    session: Session, site: str | None, year: int | None, online_only: bool
) -> list[CountRow]:
    if not online_only:
        found = _taxonomy_years(session, None if year is None else [year], site)
        return [
            CountRow(site=slug, column=None, taxonomy=path, year=_int(y), items=n)
            for slug, path, y, n in found
        ]
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


def _column_sites(session: Session, site: str | None) -> list[int]:
    """The ids of the sites (of ``site``, or all) that have columns."""
    stmt: Any = select(Column.site_id).distinct()
    return list(session.execute(_site_filter(stmt, site, Column.site_id)).scalars())


def _taxonomy_years(
    session: Session, years: list[int] | None, site: str | None
) -> list[tuple[str, Any, Any, int]]:
    """(site, membership taxonomy path, year, distinct items) from the memberships alone.

    ``years`` None means every year and undated items (year None). Each number is one count of
    distinct items over a range of the (taxonomy_path, counted_on, item_id, column_id) index.
    """
    cells: list[int | None]
    if years is None:
        cells = [*_membership_years(session, site), None]
    else:
        cells = list(range(min(years), max(years) + 1))
    tally = rollup.current(session)
    if tally is not None:
        paths = sorted(tally.listed_paths(_column_sites(session, site)), key=lambda p: (p is None, p or ""))
    else:
        listed = select(ItemColumn.taxonomy_path).distinct()
        if site is not None:
            listed = listed.where(ItemColumn.column_id.in_(_site_columns(site)))
        paths = list(session.execute(listed).scalars())
    groups = [(path, [path]) for path in paths]
    return [
        (slug, path, year, n)
        for (slug, path, year), n in _distinct_members(session, site, groups, cells)
        if n
    ]


def _paths_where(paths: list[str | None]) -> Any:
    if paths == [None]:
        return ItemColumn.taxonomy_path.is_(None)
    if len(paths) == 1:
        return ItemColumn.taxonomy_path == paths[0]
    return ItemColumn.taxonomy_path.in_(paths)


def _cell_where(year: int | None) -> Any:
    return ItemColumn.counted_on.is_(None) if year is None else _member_in_year(year)


def _distinct_members(
    session: Session,
    site: str | None,
    groups: list[tuple[Any, list[str | None]]],
    cells: list[int | None],
) -> list[tuple[tuple[str, Any, int | None], int]]:
    """((site, group key, year), distinct items listed in that year (None: undated) under any of the
    group's taxonomy paths) for each site, group and year.

    Live, one scalar count per number rather than GROUP BY: SQLite then reads index ranges and never
    sorts. A membership's site is its column's (an item is listed only in its own site's columns).
    """
    sites = _column_sites(session, site)
    slugs = _slugs(session)
    keys = [(key, cell) for key, _ in groups for cell in cells]
    tally = rollup.current(session)
    if tally is not None:
        wanted = dict(groups)
        return [
            ((slugs[site_id], key, cell), tally.distinct_items(site_id, wanted[key], cell))
            for site_id in sites
            for key, cell in keys
        ]
    # One site: no need to look at the column unless other sites share the archive.
    narrow = len(sites) > 1 or (site is not None and len(_column_sites(session, None)) > 1)
    out: list[tuple[tuple[str, Any, int | None], int]] = []
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
        for start in range(0, len(counts), 200):  # a bounded statement, whatever the paths and years
            found = session.execute(select(*counts[start : start + 200])).one()
            out.extend(
                ((slugs[site_id], key, cell), int(n))
                for (key, cell), n in zip(keys[start : start + 200], found, strict=True)
            )
    return out


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


def count_site_items(session: Session) -> dict[int, int]:
    """site id → all its items (dated or not); sites without items are left out."""
    tally = rollup.current(session)
    if tally is not None:
        return {site_id: n for site_id, n in tally.site_items().items() if n}
    stmt = select(Item.site_id, func.count()).group_by(Item.site_id)
    return {int(site_id): int(n) for site_id, n in session.execute(stmt)}


def newest_counted_on(session: Session, site: str | None = None) -> date | None:
    """The latest ``counted_on`` of the site's items (of any site's): one index seek per site."""
    newest = select(func.max(Item.counted_on)).where(Item.site_id == Site.id).scalar_subquery()
    stmt: Any = _site_filter(select(func.max(newest)).select_from(Site), site, Site.id)
    return _as_date(session.execute(stmt).scalar())


def list_sites(session: Session) -> list[SiteInfo]:
    """Every site in the archive, by slug."""
    stmt = select(Site.slug, Site.name, Site.base_url, Site.cms).order_by(Site.slug)
    return [SiteInfo(slug, name, base_url, cms) for slug, name, base_url, cms in session.execute(stmt)]


# --- Reads for year comparison, reconciliation and the inspection indicators -------------------------


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


@dataclass(frozen=True)
class ItemRef:
    """An item behind a number: enough for an auditor to open it and see why it counts."""

    site: str
    url: str
    title: str | None
    counted_on: date | None
    kind: str
    doc_no: str | None
    fetch_status: str
    column: str | None = None


@dataclass(frozen=True)
class FindingRow:
    """A recorded finding with its evidence, as auditors read it."""

    site: str
    kind: str
    subject: str
    severity: str
    evidence: dict[str, Any] | None
    first_seen: Any
    last_seen: Any
    resolved_at: Any
    title: str | None


def _site_filter(stmt: Any, site: str | None, site_id_column: Any) -> Any:
    if site is None:
        return stmt
    return stmt.where(site_id_column == select(Site.id).where(Site.slug == site).scalar_subquery())


def _year_range(years: list[int]) -> Any:
    return Item.counted_on.between(date(min(years), 1, 1), date(max(years), 12, 31))


def _member_year_range(years: list[int]) -> Any:
    return ItemColumn.counted_on.between(date(min(years), 1, 1), date(max(years), 12, 31))


def count_columns_by_year(
    session: Session, years: list[int], site: str | None = None
) -> dict[tuple[str, str], dict[int, int]]:
    """(site, column path) → {year: items} for every column of the site(s), 0 for a year without items.

    One count per column and year of a range of the (column_id, counted_on) index, then the names.
    """
    counts = _column_year_counts(session, site, years)
    stmt: Any = _site_filter(
        select(Column.id, Site.slug, Column.path).join(Site, Site.id == Column.site_id), site, Column.site_id
    )
    out: dict[tuple[str, str], dict[int, int]] = {}
    for column_id, slug, path in session.execute(stmt):
        found = counts.get(column_id, {})
        row = out.setdefault((slug, path), dict.fromkeys(years, 0))
        for year in years:
            row[year] += found.get(year, 0)
    return out


def count_under_by_year(
    session: Session, prefixes: list[str], years: list[int], site: str | None = None
) -> dict[str, dict[int, int]]:
    """site → {year: distinct items listed under any of the taxonomy ``prefixes`` (node or below)}."""
    return count_groups_by_year(session, {"": prefixes}, years, site).get("", {})


def is_under(path: str | None, prefix: str) -> bool:
    """Whether the taxonomy ``path`` is the node ``prefix`` or lies below it."""
    return path is not None and (path == prefix or path.startswith(prefix + "/"))


def count_groups_by_year(
    session: Session,
    groups: dict[str, list[str]],
    years: list[int],
    site: str | None = None,
    paths: Collection[str] | None = None,
) -> dict[str, dict[str, dict[int, int]]]:
    """group → site → {year: distinct items listed under any of the group's taxonomy prefixes}.

    The membership paths (``paths``, those the years' range holds, saves looking them up) are
    matched to groups here; then each group and year is one count of distinct items over ranges of
    the (taxonomy_path, counted_on, item_id, column_id) index, one range per path — an item listed
    twice in a group still counts once.
    """
    if paths is None:
        paths = _membership_paths(session, years, site)
    members = {
        key: sorted({p for p in paths if any(is_under(p, prefix) for prefix in prefixes)})
        for key, prefixes in groups.items()
    }
    out: dict[str, dict[str, dict[int, int]]] = {key: {} for key in groups}
    chosen: list[tuple[Any, list[str | None]]] = [(key, [*found]) for key, found in members.items() if found]
    cells: list[int | None] = list(range(min(years), max(years) + 1))
    for (slug, key, year), n in _distinct_members(session, site, chosen, cells):
        if n and year is not None:
            out[key].setdefault(slug, dict.fromkeys(years, 0))[year] = n
    return out


def _membership_paths(session: Session, years: list[int], site: str | None) -> set[str]:
    tally = rollup.current(session)
    if tally is not None:
        span = (min(years), max(years))
        return {p for p in tally.listed_paths(_column_sites(session, site), span) if p is not None}
    stmt: Any = (
        select(ItemColumn.taxonomy_path)
        .where(_member_year_range(years), ItemColumn.taxonomy_path.is_not(None))
        .distinct()
    )
    if site is not None:
        stmt = stmt.where(ItemColumn.column_id.in_(_site_columns(site)))
    return set(session.execute(stmt).scalars())


def _slugs(session: Session) -> dict[int, str]:
    return {site_id: slug for site_id, slug in session.execute(select(Site.id, Site.slug))}


def count_kinds_by_year(
    session: Session, years: list[int], site: str | None = None
) -> dict[tuple[str, str], dict[int, int]]:
    """(site, kind) → {year: distinct items}; kinds with no item in the years are left out."""
    found = _site_year_counts(session, years, site, [*ITEM_KINDS, None])
    totals = {slug: counts for (slug, kind), counts in found.items() if kind is None}
    out = {(slug, kind): counts for (slug, kind), counts in found.items() if kind is not None}
    known = all(
        sum(out.get((slug, kind), {}).get(year, 0) for kind in ITEM_KINDS) == n
        for slug, counts in totals.items()
        for year, n in counts.items()
    )
    return out if known else _count_kinds_grouped(session, years, site)


def _count_kinds_grouped(
    session: Session, years: list[int], site: str | None
) -> dict[tuple[str, str], dict[int, int]]:
    # Any kind at all, for an archive holding kinds other than ``ITEM_KINDS``: one grouped scan.
    tally = rollup.current(session)
    if tally is not None:
        out: dict[tuple[str, str], dict[int, int]] = {}
        for site_id, slug in _sites(session, site):
            for kind in tally.kinds_of(site_id):
                for year in range(min(years), max(years) + 1):
                    n = tally.items(site_id, kind, year)
                    if n:
                        out.setdefault((slug, kind), dict.fromkeys(years, 0))[year] = n
        return out
    year_expr = _year_of(Item.counted_on)
    per_site: Any = (
        select(Item.site_id, Item.kind, year_expr.label("year"), func.count().label("n"))
        .where(_year_range(years))
        .group_by(Item.site_id, Item.kind, year_expr)
    )
    per_site = _site_filter(per_site, site, Item.site_id).subquery()
    stmt: Any = select(Site.slug, per_site.c.kind, per_site.c.year, per_site.c.n).join(
        Site, Site.id == per_site.c.site_id
    )
    out = {}
    for slug, kind, year, n in session.execute(stmt):
        out.setdefault((slug, kind), dict.fromkeys(years, 0))[int(year)] = int(n)
    return out


def count_sites_by_year(
    session: Session, years: list[int], site: str | None = None
) -> dict[str, dict[int, int]]:
    """site → {year: distinct items of the site} (the 合计 row)."""
    return {slug: counts for (slug, _), counts in _site_year_counts(session, years, site, [None]).items()}


def _site_year_counts(
    session: Session, years: list[int], site: str | None, kinds: list[str | None]
) -> dict[tuple[str, str | None], dict[int, int]]:
    """(site, kind or None for all) → {year: items}, for every year of the years' range with items.

    Each number counts one range of the (site_id, counted_on, kind, …) index: no grouping, no sort.
    """
    cells = [(kind, year) for kind in kinds for year in range(min(years), max(years) + 1)]
    out: dict[tuple[str, str | None], dict[int, int]] = {}
    tally = rollup.current(session)
    if tally is not None:
        for site_id, slug in _sites(session, site):
            for kind, year in cells:
                n = tally.items(site_id, kind, year)
                if n:
                    out.setdefault((slug, kind), dict.fromkeys(years, 0))[year] = n
        return out

    def count(kind: str | None, year: int) -> Any:
        where = [Item.site_id == Site.id, _in_year(year)]
        if kind is not None:
            where.append(Item.kind == kind)
        return select(func.count()).where(*where).scalar_subquery()

    stmt: Any = _site_filter(select(Site.slug, *(count(k, y) for k, y in cells)), site, Site.id)
    for slug, *found in session.execute(stmt):
        for (kind, year), n in zip(cells, found, strict=True):
            if n:
                out.setdefault((slug, kind), dict.fromkeys(years, 0))[year] = int(n)
    return out


def _sites(session: Session, site: str | None) -> list[tuple[int, str]]:
    """(id, slug) of the site, or of every site."""
    return [(i, slug) for i, slug in session.execute(_site_filter(select(Site.id, Site.slug), site, Site.id))]


def column_states(session: Session, as_of: date, site: str | None = None) -> list[ColumnState]:
    """Every column with its item count and newest item date on or before ``as_of``."""

    # The memberships' copy of the date, per column: two counts of ranges of the (column_id,
    # counted_on) index and one seek for the newest date — no join, no grouping. With a rollup, the
    # years before as_of's and the undated come from it, and only as_of's own year is counted.
    def of_column(what: Any, *where: Any) -> Any:
        return select(what).where(ItemColumn.column_id == Column.id, *where).scalar_subquery()

    dated = ItemColumn.counted_on <= as_of
    tally = rollup.current(session)
    if tally is None:
        items = of_column(func.count(), dated) + of_column(func.count(), ItemColumn.counted_on.is_(None))
    else:
        items = of_column(func.count(), ItemColumn.counted_on.between(date(as_of.year, 1, 1), as_of))
    newest = of_column(func.max(ItemColumn.counted_on), dated)
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
    stmt = _site_filter(stmt, site, Column.site_id)
    return [
        ColumnState(
            slug,
            cid,
            path,
            url,
            status,
            code,
            tpath,
            int(n or 0) + (tally.before(cid, as_of.year) if tally is not None else 0),
            _as_date(newest),
        )
        for slug, cid, path, url, status, code, tpath, n, newest in session.execute(stmt)
    ]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    # SQLite returns MAX() over a DATE column as text.
    return date.fromisoformat(str(value)[:10])


def list_items(
    session: Session,
    site: str | None = None,
    *,
    year: int | None = None,
    until: date | None = None,
    kind: str | None = None,
    fetch_status: str | None = None,
    column_taxonomy: str | None = None,
    under: str | None = None,
    with_doc_no: bool | None = None,
    limit: int | None = None,
) -> list[ItemRef]:
    """Distinct items matching every filter given, oldest first: the items behind a number.

    ``column_taxonomy`` keeps items listed in a column mapped exactly to that taxonomy path;
    ``under`` items listed under a taxonomy node or below; ``with_doc_no`` items with (or without)
    a 文号. ``column`` of each row is one column path that lists it.
    """
    stmt: Any = select(
        Site.slug,
        Item.url,
        func.coalesce(Item.title, Item.list_title),
        Item.counted_on,
        Item.kind,
        Item.doc_no,
        Item.fetch_status,
        Item.id,
    ).join(Site, Site.id == Item.site_id)
    stmt = _site_filter(stmt, site, Item.site_id)
    if year is not None:
        stmt = stmt.where(_in_year(year))
    if until is not None:
        stmt = stmt.where(Item.counted_on <= until)
    if kind is not None:
        stmt = stmt.where(Item.kind == kind)
    if fetch_status is not None:
        # Inline, so that SQLite can match the partial index of 404 pages (``ix_item_not_found``).
        stmt = stmt.where(Item.fetch_status == literal(fetch_status, literal_execute=True))
    if with_doc_no is True:
        stmt = stmt.where(Item.doc_no.is_not(None), Item.doc_no != "", Item.doc_no != "无")
    if column_taxonomy is not None:
        listed = (
            select(ItemColumn.item_id)
            .join(Column, Column.id == ItemColumn.column_id)
            .where(Column.taxonomy_path == column_taxonomy)
        )
        stmt = stmt.where(Item.id.in_(listed))
    if under is not None:
        stmt = stmt.where(
            Item.id.in_(select(ItemColumn.item_id).where(_under(ItemColumn.taxonomy_path, under)))
        )
    stmt = stmt.order_by(Item.counted_on, Item.url)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    paths = _first_column_paths(session, [row[-1] for row in rows])
    return [
        ItemRef(slug, url, title, _as_date(on), kind_, doc_no, status, paths.get(item_id))
        for slug, url, title, on, kind_, doc_no, status, item_id in rows
    ]


def _first_column_paths(session: Session, item_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(item_ids), 900):  # SQLite's bound-parameter limit
        chunk = item_ids[start : start + 900]
        stmt = (
            select(ItemColumn.item_id, func.min(Column.path))
            .join(Column, Column.id == ItemColumn.column_id)
            .where(ItemColumn.item_id.in_(chunk))
            .group_by(ItemColumn.item_id)
        )
        out.update({int(i): p for i, p in session.execute(stmt)})
    return out


def count_documents(session: Session, site: str, year: int, column_taxonomy: str) -> int:
    """Distinct items of ``year`` in columns mapped to ``column_taxonomy`` that are documents:
    kind ``document`` or carrying a 文号."""
    listed = (
        select(ItemColumn.item_id)
        .join(Column, Column.id == ItemColumn.column_id)
        .where(Column.taxonomy_path == column_taxonomy)
    )
    has_doc_no = and_(Item.doc_no.is_not(None), Item.doc_no != "", Item.doc_no != "无")
    ids: Any = _site_items(site).where(
        _in_year(year), Item.id.in_(listed), or_(Item.kind == "document", has_doc_no)
    )
    return _scalar_count(session, ids)


def list_findings(
    session: Session, kinds: tuple[str, ...], site: str | None = None, as_of: date | None = None
) -> list[FindingRow]:
    """Findings of the given kinds; with ``as_of``, those first seen by the end of that day."""
    stmt: Any = (
        select(
            Site.slug,
            Finding.kind,
            Finding.subject,
            Finding.severity,
            Finding.evidence,
            Finding.first_seen,
            Finding.last_seen,
            Finding.resolved_at,
            func.coalesce(Item.title, Item.list_title),
        )
        .join(Site, Site.id == Finding.site_id)
        .outerjoin(Item, Item.id == Finding.item_id)
        .where(Finding.kind.in_(kinds))
        .order_by(Site.slug, Finding.kind, Finding.subject)
    )
    stmt = _site_filter(stmt, site, Finding.site_id)
    rows = [FindingRow(*row) for row in session.execute(stmt)]
    if as_of is not None:
        rows = [r for r in rows if r.first_seen is None or r.first_seen.date() <= as_of]
    return rows


def column_paths(session: Session, site: str | None = None) -> list[tuple[str, str, str | None, str]]:
    """(site, column path, taxonomy path, status) of every column."""
    stmt: Any = _site_filter(
        select(Site.slug, Column.path, Column.taxonomy_path, Column.status)
        .join(Site, Site.id == Column.site_id)
        .order_by(Site.slug, Column.path),
        site,
        Column.site_id,
    )
    return [(s, p, t, st) for s, p, t, st in session.execute(stmt)]


def count_taxonomy_by_year(
    session: Session, years: list[int], site: str | None = None
) -> dict[tuple[str, str | None], dict[int, int]]:
    """(site, membership taxonomy path) → {year: distinct items}; None is unclassified."""
    out: dict[tuple[str, str | None], dict[int, int]] = {}
    for slug, path, year, n in _taxonomy_years(session, years, site):
        out.setdefault((slug, path), dict.fromkeys(years, 0))[int(year)] = n
    return out
