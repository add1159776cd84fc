"""Counts laid out by year for comparing years: per column, taxonomy group, kind and site.

Each table is a mapping to {year: items} over the years asked for, built from the session's
:class:`~storage.reads.tally.Tally` (live, or summed from the rollup when current).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ITEM_KINDS, Column, Site
from storage.reads.counts import taxonomy_years
from storage.reads.filters import is_under, of_site
from storage.reads.tallies import tally_for


def count_columns_by_year(
    session: Session, years: list[int], site: str | None = None
) -> dict[tuple[str, str], dict[int, int]]:
    """(site, column path) → {year: items} for every column of the site(s), 0 for a year without items.

    One count per column and year of a range of the (column_id, counted_on) index, then the names.
    """
    counts = tally_for(session).column_year_counts(site, years)
    stmt: Any = of_site(
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
    tally = tally_for(session)
    if paths is None:
        paths = {p for p in tally.listed_paths(site, (min(years), max(years))) if p is not None}
    members = {
        key: sorted({p for p in paths if any(is_under(p, prefix) for prefix in prefixes)})
        for key, prefixes in groups.items()
    }
    out: dict[str, dict[str, dict[int, int]]] = {key: {} for key in groups}
    chosen: list[tuple[Any, list[str | None]]] = [(key, [*found]) for key, found in members.items() if found]
    cells: list[int | None] = list(range(min(years), max(years) + 1))
    for (slug, key, year), n in tally.distinct_items(site, chosen, cells):
        if n and year is not None:
            out[key].setdefault(slug, dict.fromkeys(years, 0))[year] = n
    return out


def count_kinds_by_year(
    session: Session, years: list[int], site: str | None = None
) -> dict[tuple[str, str], dict[int, int]]:
    """(site, kind) → {year: distinct items}; kinds with no item in the years are left out."""
    tally = tally_for(session)
    found = tally.site_year_counts(years, site, [*ITEM_KINDS, None])
    totals = {slug: counts for (slug, kind), counts in found.items() if kind is None}
    out = {(slug, kind): counts for (slug, kind), counts in found.items() if kind is not None}
    known = all(
        sum(out.get((slug, kind), {}).get(year, 0) for kind in ITEM_KINDS) == n
        for slug, counts in totals.items()
        for year, n in counts.items()
    )
    return out if known else tally.kinds_by_year(years, site)


def count_sites_by_year(
    session: Session, years: list[int], site: str | None = None
) -> dict[str, dict[int, int]]:
    """site → {year: distinct items of the site} (the 合计 row)."""
    found = tally_for(session).site_year_counts(years, site, [None])
    return {slug: counts for (slug, _), counts in found.items()}


def count_taxonomy_by_year(
    session: Session, years: list[int], site: str | None = None
) -> dict[tuple[str, str | None], dict[int, int]]:
    """(site, membership taxonomy path) → {year: distinct items}; None is unclassified."""
    out: dict[tuple[str, str | None], dict[int, int]] = {}
    for slug, path, year, n in taxonomy_years(session, years, site):
        out.setdefault((slug, path), dict.fromkeys(years, 0))[int(year)] = n
    return out
