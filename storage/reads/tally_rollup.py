"""The rollup tally: every count summed from the count rollup the last crawl left.

None of these reads the memberships or the items, except ``as_of``'s own year (the rollup holds
years, not days). Valid only while the rollup is current (``storage.rollup.current``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from storage.models import ItemColumn
from storage.reads import scope
from storage.reads.tally import AsOf, Cell
from storage.rollup import Rollup


class RollupTally:
    """Counts summed from a current :class:`storage.rollup.Rollup`."""

    name = "rollup"

    def __init__(self, session: Session, found: Rollup | None) -> None:
        if found is None:
            raise ValueError("the rollup tally needs a current rollup")
        self.session = session
        self.rollup = found

    def membership_years(self, site: str | None) -> list[int]:
        return self.rollup.membership_years(scope.column_ids(self.session, site))

    def column_year_counts(
        self, site: str | None, years: list[int], undated: bool = False
    ) -> dict[int, dict[int | None, int]]:
        return self.rollup.column_year_counts(scope.column_ids(self.session, site), years, undated)

    def listed_paths(self, site: str | None, span: tuple[int, int] | None = None) -> set[str | None]:
        return self.rollup.listed_paths(scope.column_sites(self.session, site), span)

    def distinct_items(
        self, site: str | None, groups: list[tuple[Any, list[str | None]]], cells: list[int | None]
    ) -> list[Cell]:
        sites = scope.column_sites(self.session, site)
        slugs = scope.slugs(self.session)
        wanted = dict(groups)
        return [
            ((slugs[site_id], key, cell), self.rollup.distinct_items(site_id, wanted[key], cell))
            for site_id in sites
            for key, _ in groups
            for cell in cells
        ]

    def site_year_counts(
        self, years: list[int], site: str | None, kinds: list[str | None]
    ) -> dict[tuple[str, str | None], dict[int, int]]:
        cells = [(kind, year) for kind in kinds for year in range(min(years), max(years) + 1)]
        out: dict[tuple[str, str | None], dict[int, int]] = {}
        for site_id, slug in scope.sites(self.session, site):
            for kind, year in cells:
                n = self.rollup.items(site_id, kind, year)
                if n:
                    out.setdefault((slug, kind), dict.fromkeys(years, 0))[year] = n
        return out

    def kinds_by_year(self, years: list[int], site: str | None) -> dict[tuple[str, str], dict[int, int]]:
        out: dict[tuple[str, str], dict[int, int]] = {}
        for site_id, slug in scope.sites(self.session, site):
            for kind in self.rollup.kinds_of(site_id):
                for year in range(min(years), max(years) + 1):
                    n = self.rollup.items(site_id, kind, year)
                    if n:
                        out.setdefault((slug, kind), dict.fromkeys(years, 0))[year] = n
        return out

    def as_of(self, when: date) -> AsOf:
        # The years before ``when``'s and the undated come from the rollup; its own year is counted.
        this_year = ItemColumn.counted_on.between(date(when.year, 1, 1), when)
        return AsOf([this_year], lambda cid: self.rollup.before(cid, when.year))

    def site_items(self) -> dict[int, int]:
        return {site_id: n for site_id, n in self.rollup.site_items().items() if n}
