"""Counts precomputed after a crawl, an index of the items whose page answers 404, and a column's
memberships indexed down to the item.

``count_rollup`` holds the archive's counts per column, per set of taxonomy paths and per kind, each
per year; ``rollup_state`` (one row) the archive generation they were computed at. Both start empty
(generation NULL): until ``storage.rollup.refresh`` runs (``zwgk crawl`` runs it when a crawl
ends), every count is computed live, exactly as before. ``ix_item_not_found`` is a partial index:
only the items whose page answers 404, for the broken-links indicator.
``item_column(column_id, counted_on)`` gains ``item_id``, so a page of a column's items (newest
first) is read from the index alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

logger = logging.getLogger(__name__)

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_FOUND = sa.text("fetch_status = 'not_found'")


def upgrade() -> None:
    op.create_table(
        "count_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(64), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_count_rollup_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_count_rollup")),
    )
    state = op.create_table(
        "rollup_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Text(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollup_state")),
    )
    op.bulk_insert(state, [{"id": 1, "generation": None, "computed_at": None, "seconds": None}])
    op.create_index(
        "ix_item_not_found",
        "item",
        ["site_id", "counted_on"],
        sqlite_where=NOT_FOUND,
        postgresql_where=NOT_FOUND,
    )
    with op.batch_alter_table("item_column") as batch:
        batch.drop_index("ix_item_column_column_id_counted_on")
        batch.create_index("ix_item_column_column_id_counted_on", ["column_id", "counted_on", "item_id"])


def downgrade() -> None:
    with op.batch_alter_table("item_column") as batch:
        batch.drop_index("ix_item_column_column_id_counted_on")
        batch.create_index("ix_item_column_column_id_counted_on", ["column_id", "counted_on"])
    op.drop_index("ix_item_not_found", table_name="item")
    op.drop_table("rollup_state")
    op.drop_table("count_rollup")
