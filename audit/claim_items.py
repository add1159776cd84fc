"""The items behind a claim's archived number: which filters select them, listed in full or counted.

The filters are those of ``storage.reads.list_items``; counting them (``count_claim_items``) gives
the length of that list without reading it, from the count rollup while it is current.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from storage import reads
from storage.reads import ItemRow, Session

GOVERNMENT_DOCUMENTS = "政府文件"
FEATURE_COLUMN = "政务公开重点工作"
TABLE_ISSUED = "table2_issued"


def claim_filters(key: str, scope: str, year: int) -> dict[str, Any] | None:
    """The ``list_claim_items`` filters selecting the items behind a claim's archived number (None:
    the number does not count items)."""
    end = date(year, 12, 31)
    filters: dict[str, dict[str, Any]] = {
        "items_published": {"until": end} if scope == "cumulative" else {"year": year},
        "proactive_total": {"year": year},
        "pictures": {"year": year, "kind": "picture"},
        "video_news": {"year": year, "kind": "video"},
        "government_documents": {"year": year, "column_taxonomy": GOVERNMENT_DOCUMENTS},
        "feature_column_cumulative": {"until": end, "under": FEATURE_COLUMN},
        TABLE_ISSUED: {"year": year, "column_taxonomy": GOVERNMENT_DOCUMENTS, "documents": True},
    }
    return filters.get(key)


def list_claim_items(session: Session, site: str, filters: dict[str, Any]) -> list[ItemRow]:
    """Every item behind a claim (see ``claim_filters``), oldest first."""
    return reads.list_items(session, site, **filters)


def count_claim_items(session: Session, site: str, filters: dict[str, Any]) -> int:
    """How many items ``list_claim_items`` would list, counted through ``storage.reads`` (sums over
    the count rollup while it is current) without listing them."""
    year: int | None = filters.get("year")
    until: date | None = filters.get("until")
    if filters.get("documents"):
        assert year is not None
        return reads.count_documents(session, site, year, filters["column_taxonomy"])
    if "column_taxonomy" in filters:
        assert year is not None
        path = filters["column_taxonomy"]
        if not reads.memberships_follow_columns(session, site, path):
            # Memberships recorded before a column was mapped anew: counted from the columns' mapping.
            return reads.count_in_columns(session, site, taxonomy_path=path, year=year)
        by_path = reads.count_taxonomy_by_year(session, [year], site)
        return by_path.get((site, path), {}).get(year, 0)
    if year is not None:
        years = [year]
    else:
        assert until is not None
        first = reads.first_year(session, site)
        if first is None or first > until.year:
            return 0
        years = list(range(first, until.year + 1))
    if "under" in filters:
        per_year = reads.count_under_by_year(session, [filters["under"]], years, site).get(site, {})
    elif "kind" in filters:
        per_year = reads.count_kinds_by_year(session, years, site).get((site, filters["kind"]), {})
    else:
        per_year = reads.count_sites_by_year(session, years, site).get(site, {})
    return sum(per_year.get(y, 0) for y in years)
