"""What the archive already knows about a site, as the crawler needs it to crawl incrementally.

Read-only; one query per table, so loading a county's state (tens of thousands of items) is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import PROBE_PAGE_KIND, Capture, Column, Item, ItemColumn, Site


@dataclass(frozen=True)
class KnownItem:
    fetch_status: str
    etag: str | None
    last_modified: str | None


@dataclass
class CrawlState:
    """Known items per column URL (still listed ones, for columns whose last walk completed), and
    every known item's fetch state by URL. A column whose last walk broke off is absent, so an
    incremental run walks it whole and a sweep infers no removal from it."""

    column_items: dict[str, set[str]] = field(default_factory=dict)
    items: dict[str, KnownItem] = field(default_factory=dict)

    def is_fetched(self, url: str) -> bool:
        known = self.items.get(url)
        return known is not None and known.fetch_status in ("ok", "foreign")


def crawl_state(session: Session, slug: str) -> CrawlState:
    """The frontier of ``slug`` as stored: empty for a site never crawled."""
    site_id = session.scalar(select(Site.id).where(Site.slug == slug))
    state = CrawlState()
    if site_id is None:
        return state
    rows = session.execute(
        select(Item.url, Item.fetch_status, Item.etag, Item.last_modified).where(Item.site_id == site_id)
    )
    for url, status, etag, last_modified in rows:
        state.items[url] = KnownItem(status, etag, last_modified)
    listed = session.execute(
        select(Column.url, Item.url)
        .join(ItemColumn, ItemColumn.column_id == Column.id)
        .join(Item, Item.id == ItemColumn.item_id)
        .where(Column.site_id == site_id, Column.status == "ok", ItemColumn.removed_at.is_(None))
    )
    for column_url, item_url in listed:
        state.column_items.setdefault(column_url, set()).add(item_url)
    return state


def last_payloads(session: Session, slug: str) -> dict[str, tuple[str, datetime]]:
    """For each URL of ``slug``, the digest and time of its latest full (non-revisit) capture."""
    site_id = session.scalar(select(Site.id).where(Site.slug == slug))
    if site_id is None:
        return {}
    latest = (
        select(Capture.url, func.max(Capture.fetched_at).label("at"))
        .where(Capture.site_id == site_id, Capture.record_type == "response")
        .where(Capture.page_kind != PROBE_PAGE_KIND)  # a probe's version is not the page as crawled
        .group_by(Capture.url)
        .subquery()
    )
    rows = session.execute(
        select(Capture.url, Capture.payload_digest, Capture.fetched_at).join(
            latest, (latest.c.url == Capture.url) & (latest.c.at == Capture.fetched_at)
        )
    )
    return {url: (digest, at) for url, digest, at in rows}
