"""Covering indexes for the audit counts over a million items.

``item(site_id, counted_on, kind, fetch_status, removed_at, id)`` replaces ``item(site_id, counted_on)``;
``item_column(column_id, item_id)`` and ``item_column(taxonomy_path, item_id)`` replace the single-column
indexes; ``item_column(item_id, taxonomy_path)`` is new. Indexes only: no data changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from alembic import op

logger = logging.getLogger(__name__)

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("item") as batch:
        batch.drop_index("ix_item_site_id_counted_on")
        batch.create_index(
            "ix_item_audit", ["site_id", "counted_on", "kind", "fetch_status", "removed_at", "id"]
        )
    with op.batch_alter_table("item_column") as batch:
        batch.drop_index("ix_item_column_column_id")
        batch.drop_index("ix_item_column_taxonomy_path")
        batch.create_index("ix_item_column_column_id_item_id", ["column_id", "item_id"])
        batch.create_index("ix_item_column_taxonomy_path_item_id", ["taxonomy_path", "item_id"])
        batch.create_index("ix_item_column_item_id_taxonomy_path", ["item_id", "taxonomy_path"])


def downgrade() -> None:
    with op.batch_alter_table("item_column") as batch:
        batch.drop_index("ix_item_column_item_id_taxonomy_path")
        batch.drop_index("ix_item_column_taxonomy_path_item_id")
        batch.drop_index("ix_item_column_column_id_item_id")
        batch.create_index("ix_item_column_taxonomy_path", ["taxonomy_path"])
        batch.create_index("ix_item_column_column_id", ["column_id"])
    with op.batch_alter_table("item") as batch:
        batch.drop_index("ix_item_audit")
        batch.create_index("ix_item_site_id_counted_on", ["site_id", "counted_on"])
