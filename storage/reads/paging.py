"""One page of a longer list: every list the dashboard shows is read a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

PAGE_SIZE = 50


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


def paged(stmt: Any, session: Session, page: int, size: int = PAGE_SIZE) -> tuple[list[Any], bool]:
    """The rows of page ``page`` (from 1) of ``stmt``, and whether another page follows."""
    page = max(page, 1)
    rows = list(session.execute(stmt.limit(size + 1).offset((page - 1) * size)))
    return rows[:size], len(rows) > size
