"""The items behind a number: listed in full, or a page at a time, as one row type.

The filters are the counting rules of ``storage.reads.filters``, so a list holds exactly the items
the matching count counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from storage.models import Column, Item, ItemColumn, Site
from storage.reads.filters import (
    as_date,
    has_doc_no,
    in_year,
    is_document,
    listed_in_mapped_columns,
    of_site,
    under,
)
from storage.reads.paging import PAGE_SIZE, Page, paged

CHUNK = 900  # SQLite's bound-parameter limit


@dataclass(frozen=True)
class ItemRow:
    """An item as auditors see it: enough to open it and see why it counts.

    ``column`` is one column path that lists it, where the read looked it up.
    """

    id: int
    site: str
    url: str
    title: str | None
    counted_on: date | None
    kind: str
    doc_no: str | None
    index_no: str | None
    fetch_status: str
    removed: bool
    column: str | None = None


def item_columns() -> tuple[Any, ...]:
    """The selected columns an :class:`ItemRow` is made from (of ``Item`` joined to ``Site``)."""
    return (
        Item.id,
        Site.slug,
        Item.url,
        func.coalesce(Item.title, Item.list_title),
        Item.counted_on,
        Item.kind,
        Item.doc_no,
        Item.index_no,
        Item.fetch_status,
        Item.removed_at,
    )


def item_row(row: Any, column: str | None = None) -> ItemRow:
    """The :class:`ItemRow` of a row selected by :func:`item_columns`."""
    iid, slug, url, title, on, kind, doc_no, index_no, status, removed_at = row
    return ItemRow(
        iid, slug, url, title, as_date(on), kind, doc_no, index_no, status, removed_at is not None, column
    )


def _conditions(
    year: int | None,
    until: date | None,
    kind: str | None,
    column_taxonomy: str | None,
    documents: bool,
) -> list[Any]:
    found: list[Any] = []
    if year is not None:
        found.append(in_year(Item.counted_on, year))
    if until is not None:
        found.append(Item.counted_on <= until)
    if kind is not None:
        found.append(Item.kind == kind)
    if column_taxonomy is not None:
        found.append(Item.id.in_(listed_in_mapped_columns(column_taxonomy)))
    if documents:
        found.append(is_document())
    return found


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
    documents: bool = False,
    limit: int | None = None,
) -> list[ItemRow]:
    """Distinct items matching every filter given, oldest first: the items behind a number.

    ``column_taxonomy`` keeps items listed in a column mapped exactly to that taxonomy path;
    ``under`` items listed under a taxonomy node or below; ``with_doc_no`` items with a 文号;
    ``documents`` documents (kind ``document`` or with a 文号). ``column`` of each row is one
    column path that lists it.
    """
    stmt: Any = select(*item_columns()).join(Site, Site.id == Item.site_id)
    stmt = of_site(stmt, site, Item.site_id)
    stmt = stmt.where(*_conditions(year, until, kind, column_taxonomy, documents))
    if fetch_status is not None:
        # Inline, so that SQLite can match the partial index of 404 pages (``ix_item_not_found``).
        stmt = stmt.where(Item.fetch_status == literal(fetch_status, literal_execute=True))
    if with_doc_no is True:
        stmt = stmt.where(has_doc_no())
    if under is not None:
        stmt = stmt.where(Item.id.in_(select(ItemColumn.item_id).where(_under(under))))
    stmt = stmt.order_by(Item.counted_on, Item.url)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    paths = _first_column_paths(session, [row[0] for row in rows])
    return [item_row(row, paths.get(row[0])) for row in rows]


def _under(prefix: str) -> Any:
    return under(ItemColumn.taxonomy_path, prefix)


def _first_column_paths(session: Session, item_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(item_ids), CHUNK):
        chunk = item_ids[start : start + CHUNK]
        stmt = (
            select(ItemColumn.item_id, func.min(Column.path))
            .join(Column, Column.id == ItemColumn.column_id)
            .where(ItemColumn.item_id.in_(chunk))
            .group_by(ItemColumn.item_id)
        )
        out.update({int(i): p for i, p in session.execute(stmt)})
    return out


def claim_items(
    session: Session, site: str, filters: dict[str, Any], page: int = 1, total: int | None = None
) -> Page:
    """One page of the items behind a reconciled claim (``audit.reconcile.claim_filters``), oldest
    first: the same items :func:`list_items` lists in full with those filters, a page at a time."""
    stmt: Any = of_site(select(*item_columns()).join(Site, Site.id == Item.site_id), site, Item.site_id)
    year = None if filters.get("year") is None else int(filters["year"])
    stmt = stmt.where(
        *_conditions(
            year,
            filters.get("until"),
            filters.get("kind"),
            filters.get("column_taxonomy"),
            bool(filters.get("documents")),
        )
    )
    if filters.get("under") is not None:
        # Most items may lie under the node: probed per item in date order (the (item_id,
        # taxonomy_path) index), a page stops after its rows instead of collecting every id first.
        within = _under(str(filters["under"]))
        stmt = stmt.where(select(ItemColumn.item_id).where(ItemColumn.item_id == Item.id, within).exists())
    rows, more = paged(stmt.order_by(Item.counted_on, Item.id), session, page)
    return Page([item_row(r) for r in rows], max(page, 1), PAGE_SIZE, more, total)


def column_items(
    session: Session,
    column_id: int,
    year: int | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
    total: Callable[[Callable[[], int]], int] | None = None,
) -> Page:
    """One page of the items listed in a column (newest first), with the column's total.

    Dated and ordered by the memberships' copy of the date (``item_column.counted_on``, equal to the
    item's), as the column counts are: the page is picked from the (column_id, counted_on, item_id)
    index alone, and only its rows are joined to the items, however deep the page. ``total`` may
    wrap the count of the column's items (a cache).
    """
    members: Any = select(ItemColumn.item_id, ItemColumn.counted_on).where(ItemColumn.column_id == column_id)
    total_stmt: Any = select(func.count()).select_from(ItemColumn).where(ItemColumn.column_id == column_id)
    if year is not None:
        members = members.where(in_year(ItemColumn.counted_on, year))
        total_stmt = total_stmt.where(in_year(ItemColumn.counted_on, year))
    page = max(page, 1)
    order = (ItemColumn.counted_on.desc(), ItemColumn.item_id.desc())
    chosen = members.order_by(*order).limit(size + 1).offset((page - 1) * size).subquery()
    stmt = (
        select(*item_columns())
        .select_from(chosen)
        .join(Item, Item.id == chosen.c.item_id)
        .join(Site, Site.id == Item.site_id)
        .order_by(chosen.c.counted_on.desc(), chosen.c.item_id.desc())
    )
    rows = list(session.execute(stmt))

    def count() -> int:
        return int(session.execute(total_stmt).scalar_one())

    found = count() if total is None else total(count)
    return Page([item_row(r) for r in rows[:size]], page, size, len(rows) > size, found)
