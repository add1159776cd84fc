"""Answers to the archive-wide questions (counts, comparisons, indicators), kept until the archive changes.

The archive changes only when a crawl writes. Its generation stamp (``storage.generation``: the
newest ids of the growing tables and the latest run's end, each an index lookup) is read at most
every ``CHECK_SECONDS``; when it moves, everything is forgotten. The counts themselves come from the
rollup the last crawl left (``storage.rollup``), so even a forgotten answer is quick to recompute.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, has_app_context

from storage.reads import Session, archive_generation

logger = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
MAX_ENTRIES = 512
_T = TypeVar("_T")


class ResultCache:
    """A bounded map of computed answers, emptied when the archive's generation moves."""

    def __init__(self, max_entries: int = MAX_ENTRIES, check_seconds: float = CHECK_SECONDS) -> None:
        self.max_entries = max_entries
        self.check_seconds = check_seconds
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._generation: str | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def _refresh(self, session: Session) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_seconds and self._generation is not None:
            return
        current = archive_generation(session)
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
