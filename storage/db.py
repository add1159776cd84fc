"""Where the archive lives and how to open it: the URL, the engine, sessions, migrations to head."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

DATA_ENV = "ZWGK_DATA"
DEFAULT_DATA_DIR = "zwgk-data"
SQLITE_FILE = "zwgk.sqlite"
MIGRATIONS = Path(__file__).with_name("migrations")
# How long a SQLite writer waits for another process's lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# An arbitrary constant naming zwgk's migration lock among PostgreSQL advisory locks.
MIGRATION_LOCK_KEY = 0x7A77_676B


class DatabaseError(RuntimeError):
    """The archive database cannot be opened, reached, written or migrated."""


def data_folder(data_dir: str | Path | None = None) -> Path:
    """The data folder (SQLite file, WARC files, locks): ``data_dir``, else ``$ZWGK_DATA``, else ``./zwgk-data``."""
    return Path(data_dir or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR).expanduser().resolve()


def database_url(data_dir: str | Path | None = None, db_url: str | None = None) -> str:
    """The database URL: ``db_url`` if given, else a SQLite file in the data folder."""
    if db_url:
        return db_url
    return f"sqlite:///{data_folder(data_dir) / SQLITE_FILE}"


def sqlite_path(url: str) -> Path:
    """The file of a SQLite archive URL (``sqlite:////data/zwgk.sqlite`` -> ``/data/zwgk.sqlite``)."""
    return Path(make_url(url).database or "")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the migrations inside the installed package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    """An open archive: its engine and a factory of sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        """The URL with any password masked, fit for logs and messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url!r})"


def require_archive(url: str) -> str:
    """``url`` unchanged if it names an archive that exists; a SQLite file that does not is an error
    naming its path (a reading command never creates an empty archive)."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database).expanduser().resolve()
        if not path.is_file():
            raise DatabaseError(f"no archive at {path}: crawl first, or pass --data / --db")
    return url


def open_database(url: str, migrate: bool = True) -> Database:
    """Open the archive at ``url``, creating a SQLite folder and applying migrations to head.

    Safe on an existing database: migrations only add, and an up-to-date one is left as is.
    Every failure to open is a :class:`DatabaseError` with a one-line message naming the URL.
    """
    parsed = _parse(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed, shown)
    engine = _create_engine(parsed, shown)
    try:
        with engine.connect() as connection:
            if migrate:
                _upgrade(connection)
                connection.commit()
    except DatabaseError:
        engine.dispose()
        raise
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {shown}: {_first_line(exc)}") from exc
    logger.debug("opened database %s", shown)
    return Database(engine)


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(f"malformed database URL {_mask_raw(url)!r}: {_first_line(exc)}") from exc


def _create_engine(parsed: URL, shown: str) -> Engine:
    options: dict[str, Any] = {}
    if parsed.get_backend_name() != "sqlite":
        options["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **options)
    except NoSuchModuleError as exc:
        raise DatabaseError(f"unknown database driver {parsed.drivername!r} in {shown}") from exc
    except ImportError as exc:
        raise DatabaseError(f"database driver for {shown} is not installed: {exc}") from exc
    except (ArgumentError, ValueError, TypeError) as exc:
        raise DatabaseError(f"malformed database URL {shown}: {_first_line(exc)}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _prepare_sqlite_folder(parsed: URL, shown: str) -> None:
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    folder = Path(database).expanduser().resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create the folder {folder} for {shown}: {exc.strerror or exc}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseError(f"the folder {folder} for {shown} is not writable")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL lets auditors read while the nightly crawl writes; it is a property of the file.
        cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL keeps the file consistent through any crash; a power cut may lose the
        # last commits, which the next (idempotent) crawl writes again. FULL syncs every batch.
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def schema_behind(engine: Engine) -> tuple[str | None, str] | None:
    """(the archive's schema revision, this version's) when the archive is behind, else None.

    Reads only: for a reader (the dashboard) that must not find a column missing.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return None if current == head or head is None else (current, head)


def _upgrade(connection: Any) -> None:
    if connection.dialect.name == "postgresql":
        # Workers starting together on a fresh server must not race to create the same tables;
        # the lock is released when open_database commits.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    elif connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        # The sqlite3 driver runs DDL outside any transaction unless one is open, so a migration
        # cut short (a full disk) would leave half its tables behind and the next run would fail
        # on "table already exists". One explicit transaction makes the upgrade all or nothing.
        connection.exec_driver_sql("BEGIN")
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _mask_raw(url: str) -> str:
    """Mask the password of a URL that could not be parsed, as far as its shape allows."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
