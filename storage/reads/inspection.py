"""Reads of what the inspector's checks kept: attachments (by item, or by words in their text) and
the link targets confirmed dead at their last check."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Attachment, LinkCheck, Site
from storage.reads.filters import of_site


def attachments_of(session: Session, site: str, item_url: str | None = None) -> list[Attachment]:
    """The attachments of a site (of one item page, with ``item_url``), by URL."""
    stmt = select(Attachment).join(Site, Site.id == Attachment.site_id).where(Site.slug == site)
    if item_url is not None:
        stmt = stmt.where(Attachment.item_url == item_url)
    return list(session.scalars(stmt.order_by(Attachment.url)))


def search_attachments(
    session: Session, words: str, site: str | None = None, limit: int = 50
) -> list[Attachment]:
    """Attachments whose text contains ``words`` (a plain substring match, wildcards taken literally)."""
    stmt = select(Attachment).where(Attachment.text.contains(words, autoescape=True))
    stmt = of_site(stmt, site, Attachment.site_id)
    return list(session.scalars(stmt.order_by(Attachment.url).limit(limit)))


def dead_links(session: Session, site: str | None = None) -> list[LinkCheck]:
    """The link targets confirmed dead at their last check, by site and URL."""
    stmt = of_site(select(LinkCheck).where(LinkCheck.dead.is_(True)), site, LinkCheck.site_id)
    return list(session.scalars(stmt.order_by(LinkCheck.site_id, LinkCheck.url)))
