"""A read-only connection to the archive (the dashboard's): opened so nothing can write.

SQLite is opened through a ``mode=ro`` URI with ``query_only`` set, so no statement the dashboard
runs can change the file; PostgreSQL sessions are read-only transactions. Sessions never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.db import DatabaseError


class ReadOnlyArchive:
    """An engine that can only read, and a factory of sessions that are always rolled back."""

    def __init__(self, url: str) -> None:
        self.engine = read_only_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def open_session(self) -> Session:
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()


def read_only_engine(url: str) -> Engine:
    """An engine on ``url`` that refuses writes; a SQLite file must already exist."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        path = Path(database).expanduser().resolve()
        if not path.is_file():
            raise DatabaseError(f"no archive at {path}: crawl first, or pass --data / --db")
        uri = f"file:{quote(str(path))}?mode=ro"
        engine = create_engine(
            "sqlite+pysqlite:///" + uri + "&uri=true", connect_args={"check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_read_only)
        return engine
    engine = create_engine(parsed, pool_pre_ping=True)
    return engine.execution_options(postgresql_readonly=True)  # type: ignore[return-value]


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
    finally:
        cursor.close()
