"""The audit counts, precomputed once a crawl has written, so that no auditor waits for them.

Three tallies of the whole archive, each a few hundred to a few thousand rows however many items it
holds, from which every count of ``storage.reads`` that would otherwise read a million rows is a
sum:

- ``column``: memberships per column and year of ``item_column.counted_on`` (None: undated);
- ``paths``: items per site, year (of the membership's date) and *set of taxonomy paths* the item is
  listed under in that year. Distinct items under a path, or under any path of a group, are the sum
  over the sets that meet it: an item listed twice in a group is one set, and counts once;
- ``kind``: items per site, kind and year of ``item.counted_on``.

A rollup is stamped with the archive generation it was computed at (``storage.generation``), and
:func:`current` hands it out only while the archive still has that generation; otherwise every
query computes live, exactly as it would without a rollup. :func:`refresh` computes and stores one;
``zwgk crawl`` and ``zwgk worker`` call it when their crawl ends.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, cast, delete, func, insert, inspect, literal, select, true, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from storage.db import Database
from storage.generation import archive_generation
from storage.models import Column, CountRollup, Item, ItemColumn, RollupState, utcnow
from storage.sql import year_of

logger = logging.getLogger(__name__)

STATE_ID = 1
ATTEMPTS = 3
BATCH = 5_000
# Memberships travel through the string aggregate as 'site:year:P<path>' ('N': no path), joined by a
# control character no taxonomy path holds (each set's size is checked).
_SEPARATOR = "\x1f"
_MEMO = "zwgk.rollup"
_TABLES = "zwgk.rollup.tables"

Year = int | None
PathSet = frozenset[str | None]


class RollupError(RuntimeError):
    """The archive's counts cannot be tallied (an unexpected value); queries keep counting live."""


@dataclass
class Rollup:
    """The tallies in memory, with the sums the queries need."""

    generation: str
    columns: dict[int, dict[Year, int]] = field(default_factory=dict)
    paths: dict[int, dict[Year, dict[PathSet, int]]] = field(default_factory=dict)
    kinds: dict[int, dict[str, dict[Year, int]]] = field(default_factory=dict)
    column_sites: dict[int, int] = field(default_factory=dict)
    _path_totals: dict[tuple[int, Year], dict[str | None, int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def column_year_counts(
        self, column_ids: Iterable[int], years: list[int], undated: bool = False
    ) -> dict[int, dict[Year, int]]:
        """column id → {year: memberships} for each column and year, 0 included; ``undated`` adds None."""
        keys: list[Year] = [*years, None] if undated else list(years)
        return {cid: {key: self.columns.get(cid, {}).get(key, 0) for key in keys} for cid in column_ids}

    def membership_years(self, column_ids: Iterable[int]) -> list[int]:
        """Every year from the earliest to the latest dated membership of the columns."""
        dated = [y for cid in column_ids for y in self.columns.get(cid, {}) if y is not None]
        return list(range(min(dated), max(dated) + 1)) if dated else []

    def before(self, column_id: int, year: int) -> int:
        """Memberships of the column dated before 1 January of ``year``, plus the undated ones."""
        return sum(n for y, n in self.columns.get(column_id, {}).items() if y is None or y < year)

    def listed_paths(self, site_ids: Iterable[int], span: tuple[int, int] | None = None) -> set[str | None]:
        """The taxonomy paths the sites' memberships carry; with ``span``, only of memberships dated
        in those years (inclusive)."""
        found: set[str | None] = set()
        for site_id in site_ids:
            for year, sets in self.paths.get(site_id, {}).items():
                if span is None or (year is not None and span[0] <= year <= span[1]):
                    for paths in sets:
                        found |= paths
        return found

    def distinct_items(self, site_id: int, paths: Collection[str | None], year: Year) -> int:
        """Items of the site listed in ``year`` under any of ``paths``."""
        if len(paths) == 1:
            (path,) = paths
            return self._per_path(site_id, year).get(path, 0)
        wanted = frozenset(paths)
        return sum(n for found, n in self.paths.get(site_id, {}).get(year, {}).items() if found & wanted)

    def _per_path(self, site_id: int, year: Year) -> dict[str | None, int]:
        # Items under each single path, summed once: a site's taxonomy counts ask for every path.
        key = (site_id, year)
        if key not in self._path_totals:
            totals: dict[str | None, int] = {}
            for found, n in self.paths.get(site_id, {}).get(year, {}).items():
                for path in found:
                    totals[path] = totals.get(path, 0) + n
            self._path_totals[key] = totals
        return self._path_totals[key]

    def items(self, site_id: int, kind: str | None, year: Year) -> int:
        """Items of the site of ``kind`` (None: any) counted in ``year``."""
        kinds = self.kinds.get(site_id, {})
        if kind is not None:
            return kinds.get(kind, {}).get(year, 0)
        return sum(years.get(year, 0) for years in kinds.values())

    def kinds_of(self, site_id: int) -> list[str]:
        return sorted(self.kinds.get(site_id, {}))

    def site_items(self) -> dict[int, int]:
        """site id → all its items, dated or not."""
        return {
            site_id: sum(n for years in kinds.values() for n in years.values())
            for site_id, kinds in self.kinds.items()
        }

    def add_paths(self, site_id: int, year: Year, paths: PathSet, n: int) -> None:
        self._path_totals.clear()
        sets = self.paths.setdefault(site_id, {}).setdefault(year, {})
        sets[paths] = sets.get(paths, 0) + n

    def rows(self) -> Iterator[dict[str, Any]]:
        """The tallies as ``count_rollup`` rows."""
        for cid, years in self.columns.items():
            for year, n in years.items():
                yield _row("column", self.column_sites[cid], str(cid), year, n)
        for site_id, by_year in self.paths.items():
            for year, sets in by_year.items():
                for paths, n in sets.items():
                    yield _row("paths", site_id, _paths_key(paths), year, n)
        for site_id, kinds in self.kinds.items():
            for kind, years in kinds.items():
                for year, n in years.items():
                    yield _row("kind", site_id, kind, year, n)

    def add(self, dimension: str, site_id: int, key: str, year: Year, n: int) -> None:
        """Take in one ``count_rollup`` row (or one aggregate row while computing)."""
        if dimension == "column":
            cid = int(key)
            self.column_sites[cid] = site_id
            years = self.columns.setdefault(cid, {})
            years[year] = years.get(year, 0) + n
        elif dimension == "paths":
            self.add_paths(site_id, year, frozenset(json.loads(key)), n)
        elif dimension == "kind":
            years = self.kinds.setdefault(site_id, {}).setdefault(key, {})
            years[year] = years.get(year, 0) + n
        else:
            raise RollupError(f"unknown rollup dimension {dimension!r}")


def _row(dimension: str, site_id: int, key: str, year: Year, n: int) -> dict[str, Any]:
    return {"dimension": dimension, "site_id": site_id, "key": key, "year": year, "items": n}


def _paths_key(paths: PathSet) -> str:
    return json.dumps(sorted(paths, key=lambda p: (p is not None, p or "")), ensure_ascii=False)


def _year(value: Any) -> Year:
    return None if value is None else int(value)


# --- computing ---------------------------------------------------------------------------------


def compute(session: Session, generation: str) -> Rollup:
    """Tally the archive as it is now: memberships twice, items once, each in index order.

    Grouping by date rather than by year keeps SQLite reading the (…, counted_on) indexes in order
    instead of sorting a million rows; the dates are summed into years here.
    """
    rollup = Rollup(generation)
    sites = {cid: site_id for cid, site_id in session.execute(select(Column.id, Column.site_id))}
    member_dates = select(ItemColumn.column_id, ItemColumn.counted_on, func.count()).group_by(
        ItemColumn.column_id, ItemColumn.counted_on
    )
    for cid, on, n in session.execute(member_dates):
        rollup.add("column", sites[cid], str(cid), _year_of_date(on), int(n))
    for site_id, y, paths, n in _path_sets(session):
        rollup.add_paths(site_id, y, paths, n)
    item_dates = select(Item.site_id, Item.counted_on, Item.kind, func.count()).group_by(
        Item.site_id, Item.counted_on, Item.kind
    )
    for site_id, on, kind, n in session.execute(item_dates):
        rollup.add("kind", int(site_id), str(kind), _year_of_date(on), int(n))
    return rollup


def _year_of_date(value: Any) -> Year:
    if value is None:
        return None
    return value.year if isinstance(value, date) else int(str(value)[:4])


def _path_sets(session: Session) -> Iterator[tuple[int, Year, PathSet, int]]:
    """(site, year, set of taxonomy paths, items): each item's memberships in a year, as one set.

    Each membership is written as ``site:year:P<path>`` (``N`` for no path) and an item's are joined
    into one string, grouped in the memberships' primary-key order (no sort); equal strings are then
    counted together. The count of memberships checks that no path held the separator.
    """
    # The column's site: SQLite keeps the memberships' order with a lookup per row but sorts them
    # when joined; PostgreSQL joins the few columns in memory and is slow at the lookups.
    sqlite = session.get_bind().dialect.name == "sqlite"
    site: Any = Column.site_id
    if sqlite:
        site = select(Column.site_id).where(Column.id == ItemColumn.column_id).scalar_subquery()
    part = (
        cast(site, String)
        + literal(":", String)
        + func.coalesce(cast(year_of(ItemColumn.counted_on), String), literal("", String))
        + literal(":", String)
        + func.coalesce(literal("P", String) + ItemColumn.taxonomy_path, literal("N", String))
    )
    per_item: Any = select(
        func.aggregate_strings(part, _SEPARATOR).label("parts"), func.count().label("members")
    ).select_from(ItemColumn)
    if not sqlite:
        per_item = per_item.join(Column, Column.id == ItemColumn.column_id)
    per_item = per_item.group_by(ItemColumn.item_id).subquery()
    c = per_item.c
    counted = select(c.parts, c.members, func.count()).group_by(c.parts, c.members)
    for parts, members, n in session.execute(counted):
        for (site_id, y), paths in _parse_parts(parts, int(members)).items():
            yield site_id, y, paths, int(n)


def _parse_parts(parts: str, members: int) -> dict[tuple[int, Year], PathSet]:
    pieces = parts.split(_SEPARATOR)
    if len(pieces) != members:
        raise RollupError(f"a taxonomy path holds the separator U+001F: {parts!r}")
    found: dict[tuple[int, Year], set[str | None]] = {}
    for piece in pieces:
        site_id, y, path = piece.split(":", 2)
        if path != "N" and not path.startswith("P"):
            raise RollupError(f"unexpected membership in the rollup: {piece!r}")
        found.setdefault((int(site_id), int(y) if y else None), set()).add(None if path == "N" else path[1:])
    return {key: frozenset(paths) for key, paths in found.items()}


# --- storing and reading --------------------------------------------------------------------------


def refresh(db: Database) -> Rollup | None:
    """Compute the rollup and store it, stamped with the generation it was computed at.

    The archive may be written while the tallies are computed (another site's crawl): the stamp is
    read before computing and again under the write lock, and the rollup is stored only if it did
    not move. Returns None when it kept moving (the next crawl to end stores one). A database
    failure is a :class:`RollupError`.
    """
    try:
        return _refresh(db)
    except SQLAlchemyError as exc:
        raise RollupError(str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]) from exc


def _refresh(db: Database) -> Rollup | None:
    for _ in range(ATTEMPTS):
        started = time.perf_counter()
        with db.session() as session:
            stamp = archive_generation(session)
            rollup = compute(session, stamp)
        with db.session() as session:
            _lock(session)
            if archive_generation(session) != stamp:
                continue
            _store(session, rollup, time.perf_counter() - started)
        logger.info("count rollup stored (%.1f s)", time.perf_counter() - started)
        return rollup
    logger.warning("the archive kept changing while its counts were tallied; queries count live")
    return None


def _lock(session: Session) -> None:
    # A write first: SQLite then holds the write lock, PostgreSQL the state row, until commit.
    result = session.execute(
        update(RollupState).where(RollupState.id == STATE_ID).values(generation=RollupState.generation)
    )
    if not getattr(result, "rowcount", 1):
        session.execute(insert(RollupState).values(id=STATE_ID))


def _store(session: Session, rollup: Rollup, seconds: float) -> None:
    session.execute(delete(CountRollup))
    rows = list(rollup.rows())
    for start in range(0, len(rows), BATCH):
        session.execute(insert(CountRollup), rows[start : start + BATCH])
    session.execute(
        update(RollupState)
        .where(RollupState.id == STATE_ID)
        .values(generation=rollup.generation, computed_at=utcnow(), seconds=round(seconds, 3))
    )


def forget(session: Session) -> None:
    """Mark the stored rollup as stale: queries count live until the next :func:`refresh`."""
    session.execute(update(RollupState).where(RollupState.id == STATE_ID).values(generation=None))
    session.info.pop(_MEMO, None)


def current(session: Session) -> Rollup | None:
    """The stored rollup if it was computed at the archive's present generation, else None.

    Read once per session and generation (a few thousand rows); the generation itself is read on
    every call, so a session that writes never gets counts from before its writes.
    """
    if not _has_tables(session):
        return None
    stamp = archive_generation(session)
    memo = session.info.get(_MEMO)
    if memo is not None and memo[0] == stamp:
        return memo[1]  # type: ignore[no-any-return]
    found = _load(session, stamp)
    session.info[_MEMO] = (stamp, found)
    return found


def _load(session: Session, stamp: str) -> Rollup | None:
    # One statement, so the rows and the stamp they were stored with come from one snapshot.
    stmt = (
        select(
            RollupState.generation,
            CountRollup.dimension,
            CountRollup.site_id,
            CountRollup.key,
            CountRollup.year,
            CountRollup.items,
        )
        .select_from(RollupState)
        .outerjoin(CountRollup, true())
        .where(RollupState.id == STATE_ID)
    )
    rows = session.execute(stmt).all()
    if not rows or rows[0][0] != stamp:
        return None
    rollup = Rollup(stamp)
    for _, dimension, site_id, key, year, n in rows:
        if dimension is not None:
            rollup.add(dimension, int(site_id), key, _year(year), int(n))
    return rollup


def _has_tables(session: Session) -> bool:
    """Whether the archive has the rollup tables (it has once migrated to 0007)."""
    found = session.info.get(_TABLES)
    if found is None:
        found = session.info[_TABLES] = inspect(session.connection()).has_table(RollupState.__tablename__)
    return bool(found)
