"""Reads of the recorded findings: by kind as of a date, a page at a time, counted per kind."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import PROBE_PAGE_KIND, Capture, Finding, Item, Site
from storage.reads.filters import of_site
from storage.reads.paging import PAGE_SIZE, Page, paged


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


@dataclass(frozen=True)
class ListedFinding:
    """One finding as ``zwgk audit findings`` and the dashboard list it: where it was seen (``url``,
    a page or an attachment), what it points at (``target``, for a link), and its evidence."""

    id: int
    site: str
    kind: str
    url: str
    target: str | None
    where: str | None
    severity: str
    evidence: dict[str, Any]
    first_seen: Any
    last_seen: Any
    resolved_at: Any
    capture_id: int | None


def all_findings(
    session: Session, site: str | None = None, kind: str | None = None, open_only: bool = False
) -> list[ListedFinding]:
    """Every recorded finding (of a site, of a kind, only the unresolved), by site, kind and URL."""
    stmt: Any = select(Finding, Site.slug).join(Site, Site.id == Finding.site_id)
    stmt = of_site(stmt, site, Finding.site_id)
    if kind:
        stmt = stmt.where(Finding.kind == kind)
    if open_only:
        stmt = stmt.where(Finding.resolved_at.is_(None))
    rows = [_listed(finding, slug) for finding, slug in session.execute(stmt)]
    # the archived evidence: the capture the finding was seen in, else the newest of its URL
    archived = _newest_captures(session, {r.url for r in rows if r.capture_id is None})
    rows = [r if r.capture_id is not None else replace(r, capture_id=archived.get(r.url)) for r in rows]
    return sorted(rows, key=lambda r: (r.site, r.kind, r.url, r.target or ""))


def _newest_captures(session: Session, urls: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    listed = sorted(urls)
    for start in range(0, len(listed), 500):
        stmt = (
            select(Capture.url, Capture.id)
            .where(Capture.url.in_(listed[start : start + 500]), Capture.page_kind != PROBE_PAGE_KIND)
            .order_by(Capture.fetched_at.desc(), Capture.id.desc())
        )
        for url, capture_id in session.execute(stmt):
            found.setdefault(url, capture_id)
    return found


def _listed(finding: Finding, slug: str) -> ListedFinding:
    evidence = dict(finding.evidence or {})
    url = str(evidence.get("url") or finding.subject)
    # a subject that is the page with a fragment (the cloaking probes' key) points at nothing else
    keyed_apart = finding.subject == url or finding.subject.startswith(url + "#")
    target = evidence.get("target") or (None if keyed_apart else finding.subject)
    return ListedFinding(
        finding.id,
        slug,
        finding.kind,
        url,
        target,
        evidence.get("where"),
        finding.severity,
        evidence,
        finding.first_seen,
        finding.last_seen,
        finding.resolved_at,
        finding.capture_id,
    )
