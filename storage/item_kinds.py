"""An item's kind decided from its evidence: a kind column it is listed in (图片新闻, 视频新闻) wins,
else its page's own kind; ``kind_reason`` says which, and the page's own kind stays beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, literal, or_, select, update
from sqlalchemy.orm import Session

from storage.batching import chunks as _chunks
from storage.batching import statement as _statement
from storage.models import Column, Item, ItemColumn

ITEM = cast(Table, Item.__table__)
MEMBERSHIP = cast(Table, ItemColumn.__table__)
COLUMN = cast(Table, Column.__table__)


def rekind_column(session: Session, column_id: int) -> None:
    """Decide again the kind of every item listed in the column (its kind changed)."""
    members = session.scalars(select(ItemColumn.item_id).where(ItemColumn.column_id == column_id)).all()
    for chunk in _chunks(sorted(set(members))):
        rekind(session, chunk)


def rekind(session: Session, item_ids: Sequence[int]) -> None:
    """Set each item's kind from its evidence: a kind column it is listed in (图片新闻, 视频新闻)
    wins, else its page's kind; ``kind_reason`` says which. The page's own kind stays beside it."""
    params = {"ids": sorted(set(item_ids))}
    session.connection().execute(_statement(session, "rekind", _rekind_update), params)


def _rekind_update(insert: Callable[..., Any]) -> Any:
    c, m, col = ITEM.c, MEMBERSHIP.c, COLUMN.c

    def first(value: Any) -> Any:
        # the first kind column by id: an item listed in two takes the older column's kind
        return (
            select(value)
            .select_from(MEMBERSHIP.join(COLUMN, col.id == m.column_id))
            .where(m.item_id == c.id, col.kind.is_not(None))
            .order_by(col.id)
            .limit(1)
            .scalar_subquery()
        )

    kind = func.coalesce(first(col.kind), c.kind_from_page, "article")
    reason = func.coalesce(first(literal("column ") + col.name), c.kind_page_reason)
    return (
        update(ITEM)
        .where(
            c.id.in_(bindparam("ids", expanding=True)),
            or_(c.kind.is_distinct_from(kind), c.kind_reason.is_distinct_from(reason)),
        )
        .values(kind=kind, kind_reason=reason)
    )
