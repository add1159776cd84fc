"""Attachments' text in the archive: each document file a detail page links to, as the last crawl
read it (its text, or why none came out), written idempotently (read in ``storage.reads.inspection``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import Attachment
from storage.upsert import insert_for


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
