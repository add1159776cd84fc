"""Reads of the sites: the list auditors pick from, and each site's summary with its latest run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import CrawlRun, Finding, Site
from storage.reads.counts import count_site_items


@dataclass(frozen=True)
class SiteInfo:
    """A site as listed for auditors."""

    slug: str
    name: str
    base_url: str
    cms: str | None


@dataclass(frozen=True)
class SiteSummary:
    """A site with its item count, open findings and latest crawl run."""

    slug: str
    name: str
    base_url: str
    items: int
    open_findings: int
    last_run_at: datetime | None
    last_run_status: str | None
    last_run_mode: str | None


def list_sites(session: Session) -> list[SiteInfo]:
    """Every site in the archive, by slug."""
    stmt = select(Site.slug, Site.name, Site.base_url, Site.cms).order_by(Site.slug)
    return [SiteInfo(slug, name, base_url, cms) for slug, name, base_url, cms in session.execute(stmt)]


def site_id(session: Session, slug: str) -> int | None:
    """The id of the site ``slug``, or None when the archive has no such site."""
    return session.execute(select(Site.id).where(Site.slug == slug)).scalar_one_or_none()


def site_summaries(session: Session) -> list[SiteSummary]:
    """Every site with its item count, open findings and latest crawl run."""
    items = count_site_items(session)
    findings = {
        sid: n
        for sid, n in session.execute(
            select(Finding.site_id, func.count())
            .where(Finding.resolved_at.is_(None))
            .group_by(Finding.site_id)
        )
    }
    latest = select(func.max(CrawlRun.id)).group_by(CrawlRun.site_id).scalar_subquery()
    runs = {
        site: (started, status, mode)
        for site, started, status, mode in session.execute(
            select(CrawlRun.site_id, CrawlRun.started_at, CrawlRun.status, CrawlRun.mode).where(
                CrawlRun.id.in_(latest)
            )
        )
    }
    out = []
    for sid, slug, name, base_url in session.execute(
        select(Site.id, Site.slug, Site.name, Site.base_url).order_by(Site.slug)
    ):
        started, status, mode = runs.get(sid, (None, None, None))
        out.append(
            SiteSummary(slug, name, base_url, items.get(sid, 0), findings.get(sid, 0), started, status, mode)
        )
    return out
