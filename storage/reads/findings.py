"""Reads of the recorded findings: by kind as of a date, a page at a time, counted per kind."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Finding, Item, Site
from storage.reads.filters import of_site
from storage.reads.paging import PAGE_SIZE, Page, paged

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FindingRow:
    """A recorded finding with its evidence, as auditors read it."""

    site: str
    kind: str
    subject: str
    severity: str
    evidence: dict[str, Any] | None
    first_seen: Any
    last_seen: Any
    resolved_at: Any
    title: str | None


def list_findings(
    session: Session, kinds: tuple[str, ...], site: str | None = None, as_of: date | None = None
) -> list[FindingRow]:
    """Findings of the given kinds; with ``as_of``, those first seen by the end of that day."""
    stmt: Any = (
        select(
            Site.slug,
            Finding.kind,
            Finding.subject,
            Finding.severity,
            Finding.evidence,
            Finding.first_seen,
            Finding.last_seen,
            Finding.resolved_at,
            func.coalesce(Item.title, Item.list_title),
        )
        .join(Site, Site.id == Finding.site_id)
        .outerjoin(Item, Item.id == Finding.item_id)
        .where(Finding.kind.in_(kinds))
        .order_by(Site.slug, Finding.kind, Finding.subject)
    )
    stmt = of_site(stmt, site, Finding.site_id)
    rows = [FindingRow(*row) for row in session.execute(stmt)]
    if as_of is not None:
        rows = [r for r in rows if r.first_seen is None or r.first_seen.date() <= as_of]
    return rows


def findings_page(session: Session, site: str | None = None, kind: str | None = None, page: int = 1) -> Page:
    """Recorded findings, newest first, with the title of the item they concern."""
    stmt: Any = (
        select(Finding, Site.slug, func.coalesce(Item.title, Item.list_title))
        .join(Site, Site.id == Finding.site_id)
        .outerjoin(Item, Item.id == Finding.item_id)
    )
    if site:
        stmt = stmt.where(Site.slug == site)
    if kind:
        stmt = stmt.where(Finding.kind == kind)
    rows, more = paged(stmt.order_by(Finding.last_seen.desc(), Finding.id.desc()), session, page)
    return Page([(f, slug, title) for f, slug, title in rows], max(page, 1), PAGE_SIZE, more)


def finding_kinds(session: Session, site: str | None = None) -> dict[str, int]:
    """kind → findings recorded of it (of the site, or of all)."""
    stmt: Any = select(Finding.kind, func.count()).join(Site, Site.id == Finding.site_id)
    if site:
        stmt = stmt.where(Site.slug == site)
    return {kind: n for kind, n in session.execute(stmt.group_by(Finding.kind).order_by(Finding.kind))}
