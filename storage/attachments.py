"""Attachments' text in the archive: each document file a detail page links to, as the last crawl
read it (its text, or why none came out), written idempotently and searched by words in its text."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Attachment, Site
from storage.upsert import insert_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AttachmentRow:
    """One fetched attachment: where it was linked from, what came out of it."""

    url: str
    item_url: str | None
    name: str | None
    http_status: int | None
    format: str | None
    size: int | None
    tool: str | None
    text: str | None
    reason: str | None
    fetched_at: datetime


def record_attachments(session: Session, site_id: int, rows: Sequence[AttachmentRow]) -> None:
    """Insert or refresh the attachments of ``site_id`` (keyed by URL: the latest fetch wins)."""
    if not rows:
        return
    values = [{"site_id": site_id, **asdict(row)} for row in {r.url: r for r in rows}.values()]
    stmt = insert_for(session)(Attachment).values(values)
    refreshed = {key: stmt.excluded[key] for key in values[0] if key not in ("site_id", "url")}
    session.execute(stmt.on_conflict_do_update(index_elements=["site_id", "url"], set_=refreshed))


def attachments_of(session: Session, site: str, item_url: str | None = None) -> list[Attachment]:
    """The attachments of a site (of one item page, with ``item_url``), by URL."""
    stmt = select(Attachment).join(Site, Site.id == Attachment.site_id).where(Site.slug == site)
    if item_url is not None:
        stmt = stmt.where(Attachment.item_url == item_url)
    return list(session.scalars(stmt.order_by(Attachment.url)))


def search_attachments(
    session: Session, words: str, site: str | None = None, limit: int = 50
) -> list[Attachment]:
    """Attachments whose text contains ``words`` (a plain substring match, every dialect)."""
    stmt = select(Attachment).where(Attachment.text.contains(words, autoescape=True))
    if site is not None:
        stmt = stmt.join(Site, Site.id == Attachment.site_id).where(Site.slug == site)
    return list(session.scalars(stmt.order_by(Attachment.url).limit(limit)))
