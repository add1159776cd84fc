"""The outside hosts a site's pages load scripts from (``script_host``): the pages that do and when
each host was first and last seen, so a host new since the crawls before can be reported.

One new table; nothing existing changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "script_host",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(500), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_script_host_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_script_host")),
        sa.UniqueConstraint("site_id", "host", name=op.f("uq_script_host_site_id_host")),
    )


def downgrade() -> None:
    op.drop_table("script_host")
