"""How counts are tallied: the one :class:`Tally` protocol its two implementations share.

A count either reads the memberships and items (``live``) or sums the count rollup the last crawl
left (``rollup``, ``storage.rollup``: valid until the archive changes). Both answer every question
below with the same numbers; ``storage.reads.tallies`` picks one per session. The counts (``counts``, ``by_year``, ``columns``) ask a
tally and never test which one they hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

# (site, group key, year or None for undated) → distinct items
Cell = tuple[tuple[str, Any, int | None], int]


@dataclass(frozen=True)
class AsOf:
    """How a column's items as of a date are counted: memberships in each of ``ranges`` (SQL
    conditions on the membership date) plus ``before(column_id)`` from elsewhere."""

    ranges: list[Any]
    before: Callable[[int], int]


class Tally(Protocol):
    """The questions every count is built from, answered live or from the rollup."""

    name: str

    def membership_years(self, site: str | None) -> list[int]:
        """Every year from the earliest to the latest dated membership of the site's columns."""
        ...

    def column_year_counts(
        self, site: str | None, years: list[int], undated: bool = False
    ) -> dict[int, dict[int | None, int]]:
        """column id → {year: memberships dated in it}, 0 included; ``undated`` adds None."""
        ...

    def listed_paths(self, site: str | None, span: tuple[int, int] | None = None) -> set[str | None]:
        """The taxonomy paths the site's memberships carry (with ``span``: dated in those years)."""
        ...

    def distinct_items(
        self, site: str | None, groups: list[tuple[Any, list[str | None]]], cells: list[int | None]
    ) -> list[Cell]:
        """Distinct items per site, group and year listed under any of the group's paths."""
        ...

    def site_year_counts(
        self, years: list[int], site: str | None, kinds: list[str | None]
    ) -> dict[tuple[str, str | None], dict[int, int]]:
        """(site, kind or None for all) → {year: items}, for the years' range, years with items."""
        ...

    def kinds_by_year(self, years: list[int], site: str | None) -> dict[tuple[str, str], dict[int, int]]:
        """(site, kind) → {year: items} for any kind at all."""
        ...

    def as_of(self, when: date) -> AsOf:
        """How to count a column's memberships dated on or before ``when`` (and undated)."""
        ...

    def site_items(self) -> dict[int, int]:
        """site id → all its items (dated or not); sites without items left out."""
        ...
