"""A read-only connection to the archive (the dashboard's and every reading command's).

SQLite is opened through a ``mode=ro`` URI with ``query_only`` set, so no statement can change the
file, and no file is created beside it. A SQLite archive is kept in WAL mode; while nobody writes it
has no ``-wal``/``-shm`` files, and a reader that cannot create the ``-shm`` (a read-only mount, a
folder of another user) opens it ``immutable`` instead: nothing to fold in, nothing locked. Every
session opens its own connection, so a crawl that starts writing later is seen by the next one.
PostgreSQL sessions are read-only transactions (a role that may only SELECT is enough). Sessions
never commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from storage.db import DatabaseError, schema_behind


class ReadOnlyArchive:
    """An engine that can only read, and a factory of sessions that are always rolled back."""

    def __init__(self, url: str) -> None:
        self.engine = read_only_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @property
    def url(self) -> str:
        """The URL with any password masked, fit for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
        finally:
            session.close()  # ends the transaction, written nothing; what was read stays readable

    def open_session(self) -> Session:
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()


def open_reader(url: str) -> tuple[ReadOnlyArchive, tuple[str | None, str] | None]:
    """The archive at ``url`` opened read-only, and (its schema revision, this zwgk's) when it is
    behind (else None). No archive there (no SQLite file, or a database without zwgk's tables) is a
    :class:`DatabaseError` naming it: a reader never creates one."""
    archive = ReadOnlyArchive(url)
    try:
        behind = schema_behind(archive.engine)
        if behind is not None and behind[0] is None and not _has_sites(archive.engine):
            raise DatabaseError(f"no archive in {archive.url}: it holds no zwgk tables (crawl first)")
    except SQLAlchemyError as exc:
        archive.dispose()
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise DatabaseError(f"cannot read the archive {archive.url}: {text[0] if text else exc}") from exc
    except DatabaseError:
        archive.dispose()
        raise
    return archive, behind


def _has_sites(engine: Engine) -> bool:
    return bool(inspect(engine).has_table("site"))


def read_only_engine(url: str) -> Engine:
    """An engine on ``url`` that refuses writes; a SQLite file must already exist."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseError(f"malformed database URL: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        path = Path(database).expanduser().resolve()
        if not path.is_file():
            raise DatabaseError(f"no archive at {path}: crawl first, or pass --data / --db")
        engine = create_engine(
            "sqlite+pysqlite://", creator=lambda: _connect_sqlite(path), poolclass=NullPool
        )
        event.listen(engine, "connect", _sqlite_read_only)
        return engine
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except Exception as exc:
        raise DatabaseError(f"cannot open {parsed.render_as_string(hide_password=True)}: {exc}") from exc
    return engine.execution_options(postgresql_readonly=True)  # type: ignore[return-value]


def _connect_sqlite(path: Path) -> sqlite3.Connection:
    """``mode=ro``; where the WAL's shared-memory file cannot be made, ``immutable`` when no
    write-ahead log waits to be folded in (else a clear error: reading the file alone would miss it)."""
    uri = f"file:{quote(str(path))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError as exc:
        connection.close()
        if "readonly" not in str(exc) and "unable to open" not in str(exc):
            raise
        log = path.with_name(path.name + "-wal")
        if log.exists() and log.stat().st_size > 0:
            raise DatabaseError(
                f"the archive {path} has a write-ahead log ({log.name}) not yet folded into it, which "
                "a reader cannot open in a folder it may not write: let the crawl writing it finish, "
                f"or fold it in where it can be written (sqlite3 {path.name} "
                "'PRAGMA wal_checkpoint(TRUNCATE)'), then read"
            ) from exc
    return sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False)


def _sqlite_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
    finally:
        cursor.close()
