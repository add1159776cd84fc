"""Which columns a number rests on that were not walked whole, and how the views say so.

``audit counts`` marks each number of a column whose last walk ended ``incomplete``, ``blocked``,
``error`` or ``capped``; the comparison, the reconciliation and the health indicators mark every
number that rests on such a column the same way: a ``*`` beside the number, a footnote naming each
column with its reason, and in JSON the columns themselves (``walk_columns``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from storage import reads
from storage.reads import ColumnWalk, Session

logger = logging.getLogger(__name__)

# How a column's last walk ended, as a footnote says it; "ok" needs no word.
WALKS = {
    "incomplete": "未遍历完整",
    "blocked": "被拦截",
    "error": "抓取失败",
    "capped": "达到页数上限",
}
MARK = "*"
FOOTNOTE = f"{MARK} 标 {MARK} 的数字所依据的栏目最近一次遍历未完整，数字不是栏目全部："


def not_walked_whole(session: Session, site: str | None = None) -> list[ColumnWalk]:
    """Every column (of ``site``, or of every site) whose last walk was not complete."""
    return reads.column_walks(session, tuple(WALKS), site)


def of_site(walks: Iterable[ColumnWalk], site: str) -> list[ColumnWalk]:
    return [w for w in walks if w.site == site]


def under(walks: Iterable[ColumnWalk], site: str, prefixes: Sequence[str]) -> list[ColumnWalk]:
    """The site's columns mapped to one of the taxonomy ``prefixes`` or below it."""
    return [
        w
        for w in walks
        if w.site == site and any(reads.is_under(w.taxonomy_path, prefix) for prefix in prefixes)
    ]


def behind(session: Session, site: str, filters: dict[str, Any]) -> tuple[ColumnWalk, ...]:
    """The site's columns not walked whole that the items selected by ``filters`` (those of
    ``storage.reads.list_items``: ``column_taxonomy``, ``under``) may be listed in."""
    short = not_walked_whole(session, site)
    for key in ("column_taxonomy", "under"):
        if key in filters:
            return tuple(under(short, site, [filters[key]]))
    return tuple(short)


def describe(walk: ColumnWalk) -> str:
    """``政务公开/通知公告（未遍历完整：declared 1648 records, walked 25）``."""
    word = WALKS.get(walk.walk, walk.walk)
    return f"{walk.path}（{word}{'：' + walk.walk_note if walk.walk_note else ''}）"


def note(walks: Sequence[ColumnWalk]) -> str:
    """One line naming every column of ``walks`` with its reason ("" when there are none)."""
    return "；".join(describe(w) for w in _distinct(walks))


def footnote(walks: Sequence[ColumnWalk]) -> str:
    """The footnote under a table whose marked numbers rest on ``walks`` ("" when there are none)."""
    return FOOTNOTE + note(walks) if walks else ""


def with_footnote(caption: str, walks: Sequence[ColumnWalk]) -> str:
    return "\n".join(part for part in (footnote(walks), caption) if part)


def records(walks: Sequence[ColumnWalk]) -> list[dict[str, Any]]:
    """JSON-ready: site, column, walk, walk_note of each column (empty: every column walked whole)."""
    return [
        {"site": w.site, "column": w.path, "walk": w.walk, "walk_note": w.walk_note} for w in _distinct(walks)
    ]


def _distinct(walks: Iterable[ColumnWalk]) -> list[ColumnWalk]:
    return list(dict.fromkeys(walks))
