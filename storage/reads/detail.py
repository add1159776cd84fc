"""One item in full: its columns, versions, captures and findings; and an item's versions by URL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import Capture, Column, Finding, Item, ItemColumn, ItemVersion, Site
from storage.reads.filters import as_date

MAX_CAPTURES = 200


@dataclass(frozen=True)
class ItemDetail:
    """An item with everything recorded about it."""

    item: Item
    site: str
    columns: list[tuple[int, str, date | None, datetime | None]]
    versions: list[ItemVersion]
    captures: list[Capture]
    findings: list[Finding]


def item_detail(session: Session, item_id: int) -> ItemDetail | None:
    """The item ``item_id`` in full, or None."""
    found = session.execute(
        select(Item, Site.slug).join(Site, Site.id == Item.site_id).where(Item.id == item_id)
    ).first()
    if found is None:
        return None
    item, slug = found[0], found[1]
    columns = [
        (cid, path, as_date(on), removed)
        for cid, path, on, removed in session.execute(
            select(Column.id, Column.path, ItemColumn.list_date, ItemColumn.removed_at)
            .join(ItemColumn, ItemColumn.column_id == Column.id)
            .where(ItemColumn.item_id == item_id)
            .order_by(Column.path)
        )
    ]
    versions = list(
        session.scalars(
            select(ItemVersion).where(ItemVersion.item_id == item_id).order_by(ItemVersion.version_no)
        )
    )
    captures = list(
        session.scalars(
            select(Capture)
            .where(
                or_(Capture.item_id == item_id, (Capture.site_id == item.site_id) & (Capture.url == item.url))
            )
            .order_by(Capture.fetched_at.desc())
            .limit(MAX_CAPTURES)
        )
    )
    findings = list(session.scalars(select(Finding).where(Finding.item_id == item_id).order_by(Finding.kind)))
    return ItemDetail(item, slug, columns, versions, captures, findings)


def versions_of(session: Session, urls: Collection[str]) -> list[ItemVersion]:
    """Every version of the items at any of ``urls``, oldest first."""
    return list(
        session.scalars(
            select(ItemVersion)
            .join(Item, Item.id == ItemVersion.item_id)
            .join(Site, Site.id == Item.site_id)
            .where(Item.url.in_(set(urls)))
            .order_by(ItemVersion.version_no)
        )
    )
