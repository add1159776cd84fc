"""Persistence for zwgk: the SQLAlchemy models, sessions, idempotent writes, count queries, migrations.

Nothing here imports the crawler or the pipelines; writes take plain values.
"""

from __future__ import annotations

from storage.db import Database, DatabaseError, database_url, open_database

__all__ = ["Database", "DatabaseError", "database_url", "open_database"]
