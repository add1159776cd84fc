"""Answers to the archive-wide questions (counts, comparisons, indicators), kept until the archive changes.

Counting a million memberships takes SQLite seconds; the archive changes only when a crawl writes.
A cheap generation stamp (the newest ids of the growing tables and the latest run's end, each an
index lookup) is read at most every ``CHECK_SECONDS``; when it moves, everything is forgotten.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Capture, CrawlRun, Finding, Item, ItemVersion

logger = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
MAX_ENTRIES = 512
_T = TypeVar("_T")


def generation(session: Session) -> tuple[Any, ...]:
    """What changes whenever a crawl writes: newest ids, and the latest run's id, state and end."""
    newest = tuple(
        session.execute(select(func.max(table.id))).scalar()
        for table in (Item, ItemVersion, Capture, Finding)
    )
    run = session.execute(
        select(CrawlRun.id, CrawlRun.status, CrawlRun.finished_at).order_by(CrawlRun.id.desc()).limit(1)
    ).first()
    return (*newest, *(tuple(run) if run else ()))


class ResultCache:
    """A bounded map of computed answers, emptied when the archive's generation moves."""

    def __init__(self, max_entries: int = MAX_ENTRIES, check_seconds: float = CHECK_SECONDS) -> None:
        self.max_entries = max_entries
        self.check_seconds = check_seconds
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._generation: tuple[Any, ...] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def _refresh(self, session: Session) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_seconds and self._generation is not None:
            return
        current = generation(session)
        with self._lock:
            self._checked = now
            if current != self._generation:
                if self._generation is not None:
                    logger.info("archive changed; dropping %d cached answers", len(self._entries))
                self._entries.clear()
                self._generation = current

    def get(self, session: Session, key: Hashable, compute: Callable[[], _T]) -> _T:
        self._refresh(session)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value


def memo(session: Session, key: Hashable, compute: Callable[[], _T]) -> _T:
    """``compute()`` through the application's cache; computed directly outside an application."""
    cache = current_app.config.get("ZWGK_CACHE") if has_app_context() else None
    if cache is None:
        return compute()
    return cache.get(session, key, compute)  # type: ignore[no-any-return]
