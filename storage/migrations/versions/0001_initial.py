"""The first tables: site, column, item, item_column, crawl_run.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

logger = logging.getLogger(__name__)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _taxonomy() -> list[sa.Column]:
    return [
        sa.Column("taxonomy_code", sa.String(64), nullable=True),
        sa.Column("taxonomy_path", sa.String(500), nullable=True),
        sa.Column("taxonomy_rule", sa.String(200), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("base_url", sa.String(2048), nullable=False),
        sa.Column("cms", sa.String(64), nullable=True),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
        sa.UniqueConstraint("slug", name=op.f("uq_site_slug")),
    )
    op.create_table(
        "column",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("cms", sa.String(64), nullable=True),
        *_taxonomy(),
        sa.Column("declared_total", sa.Integer(), nullable=True),
        sa.Column("declared_pages", sa.Integer(), nullable=True),
        sa.Column("found_total", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("first_seen"),
        _ts("last_seen"),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_column_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_column")),
        sa.UniqueConstraint("site_id", "url", name=op.f("uq_column_site_id_url")),
    )
    op.create_index(op.f("ix_column_site_id"), "column", ["site_id"])
    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("list_title", sa.Text(), nullable=True),
        sa.Column("index_no", sa.String(500), nullable=True),
        sa.Column("doc_no", sa.String(500), nullable=True),
        sa.Column("publisher", sa.String(500), nullable=True),
        sa.Column("topic", sa.String(500), nullable=True),
        sa.Column("validity", sa.String(64), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("written_on", sa.Date(), nullable=True),
        sa.Column("list_date", sa.Date(), nullable=True),
        sa.Column("url_date", sa.Date(), nullable=True),
        sa.Column("counted_on", sa.Date(), nullable=True),
        sa.Column("counted_on_basis", sa.String(16), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("images", sa.JSON(), nullable=True),
        sa.Column("videos", sa.JSON(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=True),
        sa.Column("fetch_status", sa.String(16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("foreign", sa.Boolean(), nullable=False),
        sa.Column("encoding", sa.String(64), nullable=True),
        sa.Column("content_hash", sa.String(128), nullable=True),
        *_taxonomy(),
        sa.Column("taxonomy_version", sa.String(64), nullable=True),
        _ts("first_seen"),
        _ts("last_seen"),
        _ts("removed_at", nullable=True),
        _ts("detail_fetched_at", nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_item_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("site_id", "url", name=op.f("uq_item_site_id_url")),
    )
    op.create_index("ix_item_site_id_counted_on", "item", ["site_id", "counted_on"])
    op.create_table(
        "item_column",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=False),
        sa.Column("list_title", sa.Text(), nullable=True),
        sa.Column("list_date", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        *_taxonomy(),
        sa.Column("taxonomy_version", sa.String(64), nullable=True),
        _ts("first_seen"),
        _ts("last_seen"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_item_column_item_id_item")),
        sa.ForeignKeyConstraint(["column_id"], ["column.id"], name=op.f("fk_item_column_column_id_column")),
        sa.PrimaryKeyConstraint("item_id", "column_id", name=op.f("pk_item_column")),
    )
    op.create_index("ix_item_column_column_id", "item_column", ["column_id"])
    op.create_index("ix_item_column_taxonomy_path", "item_column", ["taxonomy_path"])
    op.create_table(
        "crawl_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(64), nullable=False),
        sa.Column("target", sa.String(2048), nullable=True),
        _ts("started_at"),
        _ts("finished_at", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_crawl_run_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_run")),
    )


def downgrade() -> None:
    # Downgrading past the first revision would drop the archive; zwgk never does it for you.
    raise RuntimeError("refusing to drop the archive's tables; remove the database by hand")
