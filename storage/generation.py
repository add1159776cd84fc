"""The archive's generation: a stamp that moves whenever a crawl writes.

Every crawl write adds a row to one of the growing tables (items, versions, captures, findings) or
starts, ends or interrupts a crawl run, and the archive never deletes; so the newest ids of those
tables and the latest run's id, state and end (each one index lookup) change whenever anything a
count reads can have changed. Answers computed at one generation stay true while it lasts: the
dashboard's cache (``audit.web.cache``) and the count rollup (``storage.rollup``) rely on it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Capture, CrawlRun, Finding, Item, ItemVersion


def archive_generation(session: Session) -> str:
    """The stamp of what the archive holds now, as text (stored beside precomputed answers)."""
    newest = [
        session.execute(select(func.max(table.id))).scalar()
        for table in (Item, ItemVersion, Capture, Finding)
    ]
    run = session.execute(
        select(CrawlRun.id, CrawlRun.status, CrawlRun.finished_at).order_by(CrawlRun.id.desc()).limit(1)
    ).first()
    latest: list[Any] = [] if run is None else [run.id, run.status, _iso(run.finished_at)]
    return json.dumps([*newest, *latest], separators=(",", ":"))


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()
