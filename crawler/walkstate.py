"""Where a crawl keeps the bookkeeping of its column walks: which item URLs each column has shown,
pages walked, declared totals, which detail pages were requested.

One process keeps it in memory (:class:`MemoryWalkState`); many workers keep it in Redis
(``crawler.cluster.shared_walkstate.RedisWalkState``), so list pages of one column may go to different workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


class WalkState(Protocol):
    """Where the walk bookkeeping lives: in memory for one process, in Redis for many workers
    (``crawler.cluster.shared_walkstate.RedisWalkState``), so that list pages of one column may be processed by
    different workers."""

    def begin_column(self, site: str, column_url: str) -> bool:
        """True the first time a column of ``site`` is begun (walked once per crawl)."""
        ...

    def add_seen(self, site: str, column_url: str, urls: Sequence[str]) -> list[tuple[int, int]]:
        """Mark ``urls`` seen in the column; (index in ``urls``, position) of those new to it."""
        ...

    def seen(self, site: str, column_url: str) -> set[str]: ...

    def count_page(
        self, site: str, column_url: str, declared_total: int | None, declared_pages: int | None
    ) -> None: ...

    def totals(self, site: str, column_url: str) -> tuple[int, int, int | None, int | None]:
        """(pages walked, items found, declared total, declared pages) of the column."""
        ...

    def claim_detail(self, site: str, url: str) -> bool:
        """True the first time the detail page ``url`` is requested in this crawl."""
        ...


@dataclass
class _MemoryColumn:
    seen: set[str] = field(default_factory=set)
    pages: int = 0
    declared_total: int | None = None
    declared_pages: int | None = None


class MemoryWalkState:
    """The walk bookkeeping of a single-process crawl."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, str], _MemoryColumn] = {}
        self.requested: set[tuple[str, str]] = set()

    def begin_column(self, site: str, column_url: str) -> bool:
        if (site, column_url) in self.columns:
            return False
        self.columns[site, column_url] = _MemoryColumn()
        return True

    def _column(self, site: str, column_url: str) -> _MemoryColumn:
        return self.columns.setdefault((site, column_url), _MemoryColumn())

    def add_seen(self, site: str, column_url: str, urls: Sequence[str]) -> list[tuple[int, int]]:
        column = self._column(site, column_url)
        new = [index for index, url in enumerate(urls) if url not in column.seen]
        out = []
        for index in new:
            column.seen.add(urls[index])
            out.append((index, len(column.seen)))
        return out

    def seen(self, site: str, column_url: str) -> set[str]:
        return set(self._column(site, column_url).seen)

    def count_page(
        self, site: str, column_url: str, declared_total: int | None, declared_pages: int | None
    ) -> None:
        column = self._column(site, column_url)
        column.pages += 1
        column.declared_total = declared_total if declared_total is not None else column.declared_total
        column.declared_pages = declared_pages if declared_pages is not None else column.declared_pages

    def totals(self, site: str, column_url: str) -> tuple[int, int, int | None, int | None]:
        column = self._column(site, column_url)
        return column.pages, len(column.seen), column.declared_total, column.declared_pages

    def claim_detail(self, site: str, url: str) -> bool:
        if (site, url) in self.requested:
            return False
        self.requested.add((site, url))
        return True
