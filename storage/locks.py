"""Advisory locks in a shared PostgreSQL database: one run of a site at a time across machines."""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import text

from storage.db import Database


def supports_advisory_locks(db: Database) -> bool:
    """Whether the archive's database has advisory locks (PostgreSQL)."""
    return db.engine.dialect.name == "postgresql"


def try_advisory_lock(db: Database, name: str) -> Any | None:
    """A connection holding the advisory lock of ``name``, or None when another session holds it.

    Advisory locks are per database; two archives in two schemas of one database lock apart.
    Closing the connection releases the lock.
    """
    connection = db.engine.connect()
    schema = connection.execute(text("SELECT current_schema()")).scalar()
    key = zlib.crc32(f"zwgk:{schema}:{name}".encode())
    if not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
        connection.close()
        return None
    return connection


def release_advisory_lock(connection: Any) -> None:
    """Release the locks ``connection`` holds and close it.

    Closing alone would return the connection to the engine's pool with its session, and the lock,
    still alive; a later lock of the same name from another pooled connection would then be refused.
    """
    try:
        connection.execute(text("SELECT pg_advisory_unlock_all()"))
    finally:
        connection.close()
