"""A copy of ``item.counted_on`` on each membership, so audit counts read one index without a join.

Adds ``item_column.counted_on``, fills it from its item, and indexes it as
``item_column(column_id, counted_on)`` and ``item_column(taxonomy_path, counted_on, item_id, column_id)``
(the column last, so a count kept to one site's columns reads the index alone).
``storage.repository`` keeps the copy equal to the item's date on every write.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

logger = logging.getLogger(__name__)

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item_column") as batch:
        batch.add_column(sa.Column("counted_on", sa.Date(), nullable=True))
    # Fill before indexing: one pass over the memberships, then each index built once.
    op.execute(
        "UPDATE item_column SET counted_on = "
        "(SELECT item.counted_on FROM item WHERE item.id = item_column.item_id)"
    )
    with op.batch_alter_table("item_column") as batch:
        batch.create_index("ix_item_column_column_id_counted_on", ["column_id", "counted_on"])
        batch.create_index(
            "ix_item_column_taxonomy_path_counted_on",
            ["taxonomy_path", "counted_on", "item_id", "column_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("item_column") as batch:
        batch.drop_index("ix_item_column_taxonomy_path_counted_on")
        batch.drop_index("ix_item_column_column_id_counted_on")
        batch.drop_column("counted_on")
