"""Evidence writes: capture rows for WARC records, removals from listings, findings about pages.

Captures are inserted a batch at a time (one executemany), then linked to their items and, for
revisits, to the capture holding the payload, with one UPDATE each per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from storage.findings import record_finding
from storage.models import Capture, Column, Finding, Item, ItemColumn

GONE_STATUSES = (404, 410)


@dataclass(frozen=True, slots=True)
class CaptureRow:
    url: str
    page_kind: str
    fetched_at: datetime
    http_status: int
    content_type: str | None
    payload_digest: str
    payload_length: int
    record_type: str
    warc_file: str
    warc_offset: int
    warc_length: int
    changed: bool


def record_captures(
    session: Session, site_id: int, run_id: int | None, rows: Sequence[CaptureRow]
) -> list[int]:
    """Insert capture rows; returns their ids in the order given."""
    if not rows:
        return []
    params = [
        {
            "site_id": site_id,
            "run_id": run_id,
            "url": row.url,
            "page_kind": row.page_kind,
            "fetched_at": row.fetched_at,
            "http_status": row.http_status,
            "content_type": row.content_type,
            "payload_digest": row.payload_digest,
            "payload_length": row.payload_length,
            "record_type": row.record_type,
            "warc_file": row.warc_file,
            "warc_offset": row.warc_offset,
            "warc_length": row.warc_length,
            "changed": row.changed,
        }
        for row in rows
    ]
    result = session.execute(insert(Capture).returning(Capture.id, sort_by_parameter_order=True), params)
    return [int(capture_id) for capture_id in result.scalars()]


def link_captures(session: Session, site_id: int, run_id: int | None) -> None:
    """Point this run's unlinked captures at their items, and revisits at the payload they repeat."""
    item_id = (
        select(Item.id).where(Item.site_id == Capture.site_id, Item.url == Capture.url).scalar_subquery()
    )
    session.execute(
        update(Capture)
        .where(Capture.site_id == site_id, Capture.run_id == run_id, Capture.item_id.is_(None))
        .where(Capture.page_kind == "detail")
        .values(item_id=item_id)
        .execution_options(synchronize_session=False)
    )
    original = aliased(Capture)
    refers = (
        select(func.max(original.id))
        .where(
            original.site_id == Capture.site_id,
            original.url == Capture.url,
            original.payload_digest == Capture.payload_digest,
            original.record_type == "response",
        )
        .scalar_subquery()
    )
    session.execute(
        update(Capture)
        .where(Capture.site_id == site_id, Capture.run_id == run_id, Capture.record_type == "revisit")
        .where(Capture.refers_to.is_(None))
        .values(refers_to=refers)
        .execution_options(synchronize_session=False)
    )


def record_delisting(
    session: Session,
    site_id: int,
    column_id: int,
    url: str,
    page_status: int,
    seen_at: datetime,
    run_id: int | None = None,
) -> None:
    """An item a complete walk no longer lists: its membership ends; if its page is gone too, the
    item is removed (it still counts: it was published) and a ``removed`` finding keeps the evidence."""
    item = session.execute(
        select(Item.id, Item.removed_at).where(Item.site_id == site_id, Item.url == url)
    ).first()
    if item is None:
        return
    session.execute(
        update(ItemColumn)
        .where(
            ItemColumn.item_id == item.id, ItemColumn.column_id == column_id, ItemColumn.removed_at.is_(None)
        )
        .values(removed_at=seen_at)
    )
    if page_status not in GONE_STATUSES:
        return
    if item.removed_at is None:
        session.execute(update(Item).where(Item.id == item.id).values(removed_at=seen_at))
    column_path = session.scalar(select(Column.path).where(Column.id == column_id))
    record_finding(
        session,
        site_id,
        "removed",
        url,
        seen_at,
        evidence={"column": column_path, "page_status": page_status, "seen_at": seen_at.isoformat()},
        item_id=item.id,
        column_id=column_id,
        run_id=run_id,
    )


def record_page_signals(
    session: Session,
    site_id: int,
    url: str,
    signals: Iterable[dict[str, Any]],
    seen_at: datetime,
    capture_id: int | None,
    run_id: int | None,
) -> None:
    """Findings for what the integrity scan saw on one page, each tied to the capture it was seen in."""
    item_id = session.scalar(select(Item.id).where(Item.site_id == site_id, Item.url == url))
    for signal in signals:
        record_finding(
            session,
            site_id,
            signal["kind"],
            url,
            seen_at,
            evidence=signal.get("evidence") or {},
            severity=signal.get("severity", "warning"),
            item_id=item_id,
            capture_id=capture_id,
            run_id=run_id,
        )


def resolve_cleared(
    session: Session, site_id: int, kinds: Sequence[str], urls: Sequence[str], at: datetime
) -> None:
    """Close open findings of ``kinds`` about pages that were scanned again and came back clean."""
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        session.execute(
            update(Finding)
            .where(
                and_(
                    Finding.site_id == site_id,
                    Finding.kind.in_(kinds),
                    Finding.resolved_at.is_(None),
                    Finding.subject.in_(chunk),
                )
            )
            .values(resolved_at=at)
        )
