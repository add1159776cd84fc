"""What earlier crawls left unfinished: detail pages listed but never fetched, columns never walked
to their end. The next run of any mode completes them; until then an archive is incomplete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Column, Item, Site


@dataclass(frozen=True)
class PendingWork:
    """Pending detail pages and unfinished columns of one site (or of every site)."""

    items: int
    columns: int

    @property
    def total(self) -> int:
        return self.items + self.columns


def pending_work(session: Session, site: str | None = None) -> PendingWork:
    """The work ``site`` (a slug; every site when None) still has pending in the archive."""
    items = (
        select(func.count())
        .select_from(Item)
        .where(Item.fetch_status == "pending", Item.removed_at.is_(None))
    )
    columns = select(func.count()).select_from(Column).where(Column.status == "unwalked")
    if site is not None:
        site_id = select(Site.id).where(Site.slug == site).scalar_subquery()
        items = items.where(Item.site_id == site_id)
        columns = columns.where(Column.site_id == site_id)
    return PendingWork(int(session.scalar(items) or 0), int(session.scalar(columns) or 0))


__all__ = ["PendingWork", "pending_work"]
