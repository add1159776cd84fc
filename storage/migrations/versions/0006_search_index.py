"""A trigram index over the searchable fields of items: 标题 (title, list title), 索引号, 文号.

Chinese titles have no word boundaries, so the index is of every three-character sequence and
answers "contains" searches of three characters or more.

SQLite: ``item_search_text`` (a narrow copy of ``item(id, title, list_title, index_no, doc_no)``) and
``item_search``, an FTS5 ``trigram`` index over it (external content, SQLite 3.34 or later). Triggers
on ``item`` keep both equal to the items on every insert, update and delete, so nothing that writes
items needs to know of them. A later migration that rebuilds ``item`` in batch mode (copy and move)
drops these triggers and must create them again.

PostgreSQL: the ``pg_trgm`` extension and one GIN index on the item table itself,
``ix_item_search_trgm (title, list_title, index_no, doc_no)``, which LIKE uses directly.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.db import DatabaseError

logger = logging.getLogger(__name__)

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = ("title", "list_title", "index_no", "doc_no")
TRIGRAM_SINCE = (3, 34, 0)


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}.{name}" for name in FIELDS)


NAMES = ", ".join(FIELDS)
CHANGED = " OR ".join(f"old.{name} IS NOT new.{name}" for name in ("id", *FIELDS))
SQLITE_UPGRADE = (
    f"CREATE TABLE item_search_text (id INTEGER PRIMARY KEY, {', '.join(f'{n} TEXT' for n in FIELDS)})",
    f"CREATE VIRTUAL TABLE item_search USING fts5({NAMES}, content='item_search_text', "
    "content_rowid='id', tokenize='trigram')",
    f"INSERT INTO item_search_text (id, {NAMES}) SELECT id, {NAMES} FROM item",
    "INSERT INTO item_search (item_search) VALUES ('rebuild')",
    f"""CREATE TRIGGER item_search_insert AFTER INSERT ON item BEGIN
        INSERT INTO item_search_text (id, {NAMES}) VALUES (new.id, {_values("new")});
        INSERT INTO item_search (rowid, {NAMES}) VALUES (new.id, {_values("new")});
    END""",
    f"""CREATE TRIGGER item_search_update AFTER UPDATE OF id, {NAMES} ON item WHEN {CHANGED} BEGIN
        INSERT INTO item_search (item_search, rowid, {NAMES}) VALUES ('delete', old.id, {_values("old")});
        UPDATE item_search_text SET id = new.id, {", ".join(f"{n} = new.{n}" for n in FIELDS)}
            WHERE id = old.id;
        INSERT INTO item_search (rowid, {NAMES}) VALUES (new.id, {_values("new")});
    END""",
    f"""CREATE TRIGGER item_search_delete AFTER DELETE ON item BEGIN
        INSERT INTO item_search (item_search, rowid, {NAMES}) VALUES ('delete', old.id, {_values("old")});
        DELETE FROM item_search_text WHERE id = old.id;
    END""",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS item_search_delete",
    "DROP TRIGGER IF EXISTS item_search_update",
    "DROP TRIGGER IF EXISTS item_search_insert",
    "DROP TABLE IF EXISTS item_search",
    "DROP TABLE IF EXISTS item_search_text",
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        _require_trigram()
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
    elif connection.dialect.name == "postgresql":
        schema = _trigram_schema(connection)
        # A GIN build over a million rows is several times faster with more sort memory.
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
        ops = ", ".join(f"{name} {schema}.gin_trgm_ops" for name in FIELDS)
        op.execute(f"CREATE INDEX ix_item_search_trgm ON item USING gin ({ops})")
    else:
        logger.warning("no search index for %s: searches scan the items", connection.dialect.name)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    elif connection.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_item_search_trgm")


def _require_trigram() -> None:
    if sqlite3.sqlite_version_info < TRIGRAM_SINCE:
        raise DatabaseError(
            f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer (needs 3.34 or later): "
            "use a Python built with a newer SQLite, or PostgreSQL"
        )


def _trigram_schema(connection: sa.Connection) -> str:
    """The (quoted) schema holding pg_trgm, created in ``public`` (else the current schema) if missing.

    An extension lives once per database: installed into a schema that is later dropped (a test's
    throwaway schema) it would take every other schema's trigram index with it.
    """
    found = connection.execute(
        sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    ).scalar()
    if found is not None:
        return str(found)
    public = connection.execute(sa.text("SELECT to_regnamespace('public') IS NOT NULL")).scalar()
    target = (
        "public" if public else connection.execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
    )
    try:
        with connection.begin_nested():
            connection.execute(sa.text(f"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA {target}"))
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(
            "the PostgreSQL extension pg_trgm (needed for the search index) cannot be created here: "
            f"{str(exc.orig).strip().splitlines()[0]}; ask the database owner to run "
            "CREATE EXTENSION pg_trgm (Debian: package postgresql-contrib)"
        ) from exc
    return str(target)
