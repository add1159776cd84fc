"""Reads of what the inspector's checks kept: attachments (by item, or by words in their text), the
link targets confirmed dead at their last check, and the pages the cloaking probes look at."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import PROBE_PAGE_KIND, Attachment, Capture, Column, Item, LinkCheck, Site
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


def probe_pages(session: Session, site_id: int, since: datetime, sample: int) -> list[str]:
    """The pages a crawl's cloaking probes fetch, in order: the home page (as the crawl since
    ``since`` fetched it, else the site's base URL), every column page that crawl saw (blocked ones
    aside; those never probed first, then the longest ago, so a budget that stops short reaches the
    rest in the next runs), then the ``sample`` newest detail pages served (by published date)."""
    home = session.scalar(
        select(Capture.url)
        .where(Capture.site_id == site_id, Capture.page_kind == "home", Capture.fetched_at >= since)
        .order_by(Capture.fetched_at)
        .limit(1)
    ) or session.scalar(select(Site.base_url).where(Site.id == site_id))
    probed = (
        select(Capture.url, func.max(Capture.fetched_at).label("at"))
        .where(Capture.site_id == site_id, Capture.page_kind == PROBE_PAGE_KIND)
        .group_by(Capture.url)
        .subquery()
    )
    columns = session.scalars(
        select(Column.url)
        .outerjoin(probed, probed.c.url == Column.url)
        .where(Column.site_id == site_id, Column.last_seen >= since, Column.status != "blocked")
        .order_by(probed.c.at.asc().nulls_first(), Column.path, Column.url)
    )
    details = session.scalars(
        select(Item.url)
        .where(Item.site_id == site_id, Item.fetch_status == "ok", Item.foreign.is_(False))
        .order_by(Item.published_on.desc().nulls_last(), Item.id.desc())
        .limit(max(0, sample))
    )
    pages = [home] if home else []
    for url in [*columns, *details]:
        if url not in pages:
            pages.append(url)
    return pages
