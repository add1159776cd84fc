"""Batch writes: statements built once per dialect, rows in chunks, and waves that touch a row once.

Building and cache-keying an upsert per row dominated a crawl's storage time; one statement per
(dialect, shape) is built here and reused for every chunk of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from storage.upsert import insert_for

CHUNK = 500

# Batch statements, built once per (dialect, shape); see ``statement``.
_STATEMENTS: dict[tuple[str, Hashable], Any] = {}
_Row = TypeVar("_Row")


def statement(session: Session, name: Hashable, build: Callable[[Callable[..., Any]], Any]) -> Any:
    """A statement built once per dialect: building and cache-keying them per row dominated a crawl."""
    key = (session.get_bind().dialect.name, name)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = build(insert_for(session))
    return stmt


def chunks(rows: Sequence[_Row]) -> Iterator[Sequence[_Row]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def waves(rows: Sequence[_Row], key: Callable[[_Row], str]) -> list[list[tuple[int, _Row]]]:
    """Split rows so no wave names a URL twice, keeping each URL's rows in order.

    One ``ON CONFLICT`` statement may not touch a row twice (PostgreSQL refuses); rows of different
    URLs touch different rows, so running the waves in turn equals running the rows in turn.
    """
    waves: list[list[tuple[int, _Row]]] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        k = key(row)
        n = seen.get(k, 0)
        seen[k] = n + 1
        if n == len(waves):
            waves.append([])
        waves[n].append((index, row))
    return waves
