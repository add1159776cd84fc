"""Reads the dashboard needs beyond ``storage.queries``: one page of items, one item with its
versions and captures, search, the latest runs. Every list is paged; nothing reads a whole table.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from audit.versions import version_lines
from storage.models import Capture, Column, CrawlRun, Finding, Item, ItemColumn, ItemVersion, Site
from storage.queries import count_site_items
from storage.search import search_statement

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
SEARCH_FIELDS = {"title": "标题", "index_no": "索引号", "doc_no": "文号"}  # storage.search.SEARCH_FIELDS


@dataclass(frozen=True)
class Page:
    """One page of a longer list: its rows, which page, and whether another follows."""

    rows: list[Any]
    page: int
    size: int
    has_next: bool
    total: int | None = None
    method: str | None = None

    @property
    def has_prev(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class SiteSummary:
    slug: str
    name: str
    base_url: str
    items: int
    open_findings: int
    last_run_at: datetime | None
    last_run_status: str | None
    last_run_mode: str | None


@dataclass(frozen=True)
class ItemRow:
    id: int
    site: str
    url: str
    title: str | None
    counted_on: date | None
    kind: str
    doc_no: str | None
    index_no: str | None
    fetch_status: str
    removed: bool


def _paged(stmt: Any, session: Session, page: int, size: int = PAGE_SIZE) -> tuple[list[Any], bool]:
    page = max(page, 1)
    rows = list(session.execute(stmt.limit(size + 1).offset((page - 1) * size)))
    return rows[:size], len(rows) > size


def site_id(session: Session, slug: str) -> int | None:
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


def _item_columns() -> Any:
    return (
        Item.id,
        Site.slug,
        Item.url,
        func.coalesce(Item.title, Item.list_title),
        Item.counted_on,
        Item.kind,
        Item.doc_no,
        Item.index_no,
        Item.fetch_status,
        Item.removed_at,
    )


def _item_row(row: Any) -> ItemRow:
    iid, slug, url, title, on, kind, doc_no, index_no, status, removed_at = row
    return ItemRow(
        iid, slug, url, title, _as_date(on), kind, doc_no, index_no, status, removed_at is not None
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def column_items(
    session: Session, column_id: int, year: int | None = None, page: int = 1, size: int = PAGE_SIZE
) -> Page:
    """One page of the items listed in a column (newest first), with the column's total.

    Dated and ordered by the memberships' copy of the date (``item_column.counted_on``, equal to the
    item's), as the column counts are: the page is picked from the (column_id, counted_on, item_id)
    index alone, and only its rows are joined to the items, however deep the page.
    """
    members: Any = select(ItemColumn.item_id, ItemColumn.counted_on).where(ItemColumn.column_id == column_id)
    total_stmt: Any = select(func.count()).select_from(ItemColumn).where(ItemColumn.column_id == column_id)
    if year is not None:
        in_year = ItemColumn.counted_on.between(date(year, 1, 1), date(year, 12, 31))
        members = members.where(in_year)
        total_stmt = total_stmt.where(in_year)
    page = max(page, 1)
    order = (ItemColumn.counted_on.desc(), ItemColumn.item_id.desc())
    chosen = members.order_by(*order).limit(size + 1).offset((page - 1) * size).subquery()
    stmt = (
        select(*_item_columns())
        .select_from(chosen)
        .join(Item, Item.id == chosen.c.item_id)
        .join(Site, Site.id == Item.site_id)
        .order_by(chosen.c.counted_on.desc(), chosen.c.item_id.desc())
    )
    rows = list(session.execute(stmt))
    from audit.web.cache import memo

    total = memo(
        session, ("column_total", column_id, year), lambda: int(session.execute(total_stmt).scalar_one())
    )
    return Page([_item_row(r) for r in rows[:size]], page, size, len(rows) > size, total)


def column(session: Session, column_id: int) -> tuple[Column, str] | None:
    found = session.execute(
        select(Column, Site.slug).join(Site, Site.id == Column.site_id).where(Column.id == column_id)
    ).first()
    return None if found is None else (found[0], found[1])


def site_columns(session: Session, slug: str) -> list[Column]:
    return list(
        session.scalars(select(Column).join(Site, Site.id == Column.site_id).where(Site.slug == slug))
    )


def search_items(
    session: Session, q: str, field: str = "title", site: str | None = None, page: int = 1
) -> Page:
    """Items whose title (or 索引号 / 文号) contains ``q`` literally, by id; see ``storage.search``
    for how (``Page.method``: ``index``, ``scan`` for one or two characters, ``like``)."""
    if field not in SEARCH_FIELDS:
        raise ValueError(f"unknown search field {field!r}")
    stmt, method = search_statement(session, _item_columns(), q, field, site)
    rows, more = _paged(stmt, session, page)
    return Page([_item_row(r) for r in rows], max(page, 1), PAGE_SIZE, more, method=method)


@dataclass(frozen=True)
class ItemDetail:
    item: Item
    site: str
    columns: list[tuple[int, str, date | None, datetime | None]]
    versions: list[ItemVersion]
    captures: list[Capture]
    findings: list[Finding]


def item_detail(session: Session, item_id: int) -> ItemDetail | None:
    found = session.execute(
        select(Item, Site.slug).join(Site, Site.id == Item.site_id).where(Item.id == item_id)
    ).first()
    if found is None:
        return None
    item, slug = found[0], found[1]
    columns = [
        (cid, path, _as_date(on), removed)
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
            .limit(200)
        )
    )
    findings = list(session.scalars(select(Finding).where(Finding.item_id == item_id).order_by(Finding.kind)))
    return ItemDetail(item, slug, columns, versions, captures, findings)


def capture(session: Session, capture_id: int) -> Capture | None:
    return session.get(Capture, capture_id)


def capture_location(session: Session, uri: str, when: datetime, digest: str) -> tuple[str, int] | None:
    """The WARC file and offset of the original response a revisit points at (a ``read_response`` resolver)."""
    found = session.execute(
        select(Capture.warc_file, Capture.warc_offset, Capture.fetched_at)
        .where(Capture.url == uri, Capture.payload_digest == digest, Capture.record_type == "response")
        .order_by(Capture.fetched_at)
    ).all()
    if not found:
        return None
    best = min(found, key=lambda r: abs((r.fetched_at - when).total_seconds()))
    return best.warc_file, int(best.warc_offset)


def version_diff(old: ItemVersion, new: ItemVersion) -> list[tuple[str, str]]:
    """(mark, line) pairs of a unified diff: mark is ``+``, ``-``, ``@`` or a space."""
    lines = difflib.unified_diff(version_lines(old), version_lines(new), lineterm="", n=2)
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        mark = line[:1] if line[:1] in "+-@" else " "
        out.append((mark, line[1:] if mark in "+- " else line))
    return out


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
    rows, more = _paged(stmt.order_by(Finding.last_seen.desc(), Finding.id.desc()), session, page)
    return Page([(f, slug, title) for f, slug, title in rows], max(page, 1), PAGE_SIZE, more)


def finding_kinds(session: Session, site: str | None = None) -> dict[str, int]:
    stmt: Any = select(Finding.kind, func.count()).join(Site, Site.id == Finding.site_id)
    if site:
        stmt = stmt.where(Site.slug == site)
    return {kind: n for kind, n in session.execute(stmt.group_by(Finding.kind).order_by(Finding.kind))}


def blocked_columns(session: Session, site: str | None = None) -> list[tuple[str, Column]]:
    stmt: Any = (
        select(Site.slug, Column)
        .join(Site, Site.id == Column.site_id)
        .where(Column.status.in_(("blocked", "error")))
        .order_by(Site.slug, Column.path)
    )
    if site:
        stmt = stmt.where(Site.slug == site)
    return [(slug, c) for slug, c in session.execute(stmt)]


def claim_items(
    session: Session, site: str, filters: dict[str, Any], page: int = 1, total: int | None = None
) -> Page:
    """One page of the items behind a reconciled claim (``audit.reconcile.claim_filters``), oldest
    first: the same items ``audit.reconcile.list_claim_items`` lists in full, read a page at a time."""
    stmt: Any = (
        select(*_item_columns())
        .join(Site, Site.id == Item.site_id)
        .where(Item.site_id == select(Site.id).where(Site.slug == site).scalar_subquery())
    )
    if filters.get("year") is not None:
        year = int(filters["year"])
        stmt = stmt.where(Item.counted_on.between(date(year, 1, 1), date(year, 12, 31)))
    if filters.get("until") is not None:
        stmt = stmt.where(Item.counted_on <= filters["until"])
    if filters.get("kind") is not None:
        stmt = stmt.where(Item.kind == filters["kind"])
    if filters.get("column_taxonomy") is not None:
        listed = (
            select(ItemColumn.item_id)
            .join(Column, Column.id == ItemColumn.column_id)
            .where(Column.taxonomy_path == filters["column_taxonomy"])
        )
        stmt = stmt.where(Item.id.in_(listed))
    if filters.get("under") is not None:
        # Most items may lie under the node: probed per item in date order (the (item_id,
        # taxonomy_path) index), a page stops after its rows instead of collecting every id first.
        prefix = str(filters["under"])
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        path = ItemColumn.taxonomy_path
        under = or_(path == prefix, path.like(escaped + "/%", escape="\\"))
        stmt = stmt.where(select(ItemColumn.item_id).where(ItemColumn.item_id == Item.id, under).exists())
    if filters.get("documents"):
        has_doc_no = and_(Item.doc_no.is_not(None), Item.doc_no != "", Item.doc_no != "无")
        stmt = stmt.where(or_(Item.kind == "document", has_doc_no))
    rows, more = _paged(stmt.order_by(Item.counted_on, Item.id), session, page)
    return Page([_item_row(r) for r in rows], max(page, 1), PAGE_SIZE, more, total)
