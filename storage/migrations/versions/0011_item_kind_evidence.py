"""An item's kind with its evidence: the column that says it, and the page's own kind kept beside it.

``column.kind`` (picture or video) is what a column's name says its items are (图片新闻, 视频新闻;
``taxonomy/kinds.yaml``), ``column.kind_rule`` how that was read. ``item.kind`` is then the kind of a
kind column the item is listed in, else its page's; ``item.kind_reason`` says which, and
``item.kind_from_page`` / ``item.kind_page_reason`` keep what the page alone looked like, so an
auditor sees both when they disagree. Plain ``ADD COLUMN``s; an item fetched before keeps its kind
as its page's.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("column", sa.Column("kind", sa.String(16), nullable=True))
    op.add_column("column", sa.Column("kind_rule", sa.String(200), nullable=True))
    op.add_column("item", sa.Column("kind_from_page", sa.String(16), nullable=True))
    op.add_column("item", sa.Column("kind_reason", sa.Text(), nullable=True))
    op.add_column("item", sa.Column("kind_page_reason", sa.Text(), nullable=True))
    op.execute("UPDATE item SET kind_from_page = kind WHERE detail_fetched_at IS NOT NULL")


def downgrade() -> None:
    for name in ("kind_page_reason", "kind_reason", "kind_from_page"):
        op.drop_column("item", name)
    for name in ("kind_rule", "kind"):
        op.drop_column("column", name)
