"""Evidence and time: capture, item_version, finding; item_column.removed_at.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

logger = logging.getLogger(__name__)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("item_column") as batch:
        batch.add_column(_ts("removed_at", nullable=True))
    op.create_table(
        "capture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("page_kind", sa.String(16), nullable=False),
        _ts("fetched_at"),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(500), nullable=True),
        sa.Column("payload_digest", sa.String(64), nullable=False),
        sa.Column("payload_length", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=True),
        sa.Column("record_type", sa.String(16), nullable=False),
        sa.Column("refers_to", sa.Integer(), nullable=True),
        sa.Column("warc_file", sa.String(500), nullable=False),
        sa.Column("warc_offset", sa.Integer(), nullable=False),
        sa.Column("warc_length", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name="fk_capture_site_id_site"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name="fk_capture_item_id_item"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_run.id"], name="fk_capture_run_id_crawl_run"),
        sa.ForeignKeyConstraint(["refers_to"], ["capture.id"], name="fk_capture_refers_to_capture"),
        sa.PrimaryKeyConstraint("id", name="pk_capture"),
    )
    op.create_index("ix_capture_site_id_url_fetched_at", "capture", ["site_id", "url", "fetched_at"])
    op.create_index("ix_capture_payload_digest", "capture", ["payload_digest"])
    op.create_index("ix_capture_item_id", "capture", ["item_id"])
    op.create_table(
        "item_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version_no", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        _ts("captured_at"),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("written_on", sa.Date(), nullable=True),
        sa.Column("doc_no", sa.String(500), nullable=True),
        sa.Column("index_no", sa.String(500), nullable=True),
        sa.Column("publisher", sa.String(500), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name="fk_item_version_item_id_item"),
        sa.ForeignKeyConstraint(["capture_id"], ["capture.id"], name="fk_item_version_capture_id_capture"),
        sa.PrimaryKeyConstraint("id", name="pk_item_version"),
        sa.UniqueConstraint("item_id", "version_no", name="uq_item_version_item_id_version_no"),
    )
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(2048), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("column_id", sa.Integer(), nullable=True),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        _ts("first_seen"),
        _ts("last_seen"),
        _ts("resolved_at", nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name="fk_finding_site_id_site"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name="fk_finding_item_id_item"),
        sa.ForeignKeyConstraint(["column_id"], ["column.id"], name="fk_finding_column_id_column"),
        sa.ForeignKeyConstraint(["capture_id"], ["capture.id"], name="fk_finding_capture_id_capture"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_run.id"], name="fk_finding_run_id_crawl_run"),
        sa.PrimaryKeyConstraint("id", name="pk_finding"),
        sa.UniqueConstraint("site_id", "kind", "subject", name="uq_finding_site_id_kind_subject"),
    )
    op.create_index("ix_finding_item_id", "finding", ["item_id"])


def downgrade() -> None:
    op.drop_table("finding")
    op.drop_table("item_version")
    op.drop_table("capture")
    with op.batch_alter_table("item_column") as batch:
        batch.drop_column("removed_at")
