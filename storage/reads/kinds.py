"""Each item's kind with its evidence: what decided it, and what its page alone looked like."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Item, Site

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemKind:
    """An item's kind and reason (``column 图片新闻`` or the page's evidence), and its page's own."""

    url: str
    kind: str
    kind_reason: str | None
    kind_from_page: str | None
    kind_page_reason: str | None


def item_kinds(session: Session, site: str) -> list[ItemKind]:
    """The kind evidence of every item of ``site``, by URL."""
    rows = session.execute(
        select(Item.url, Item.kind, Item.kind_reason, Item.kind_from_page, Item.kind_page_reason)
        .join(Site, Site.id == Item.site_id)
        .where(Site.slug == site)
        .order_by(Item.url)
    )
    return [ItemKind(*row) for row in rows]
