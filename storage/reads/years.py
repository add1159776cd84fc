"""The years an archive (or one site of it) holds items for, as the counts date them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.reads.tallies import tally_for


def item_years(session: Session, site: str | None = None) -> list[int]:
    """Every year in which some column of ``site`` (every site when None) lists an item, ascending;
    from the count rollup when current, else one index range per column and year."""
    tally = tally_for(session)
    span = tally.membership_years(site)
    if not span:
        return []
    counts = tally.column_year_counts(site, span)
    return sorted({y for per_year in counts.values() for y, n in per_year.items() if n and y is not None})


__all__ = ["item_years"]
