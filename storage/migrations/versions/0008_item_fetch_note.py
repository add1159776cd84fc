"""Why an item's last fetch did not succeed: ``item.fetch_note``.

The crawler knew (a WAF's name, "HTTP 302 from …", a page that killed its analysis worker) but the
archive kept only the status. A plain ``ADD COLUMN`` (no table rebuild on SQLite, so the search
triggers of 0006 stay), empty for every item until its next fetch.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("item", sa.Column("fetch_note", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("item", "fetch_note")
