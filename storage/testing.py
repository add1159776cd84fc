"""Throwaway databases for tests: a SQLite file in a folder, or a private PostgreSQL schema.

Each PostgreSQL database is a fresh, uniquely named schema selected through ``search_path`` in the
URL, so parallel test runs against one server never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

POSTGRES_ENV = "ZWGK_TEST_POSTGRES"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_base_url() -> str:
    """The server tests run against: ``$ZWGK_TEST_POSTGRES`` or the local default."""
    return os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES_URL


@contextmanager
def postgres_schema(base_url: str | None = None) -> Iterator[str]:
    """A URL whose connections live in a new empty schema, dropped with its tables afterwards."""
    base = make_url(base_url or postgres_base_url())
    schema = f"zwgk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        finally:
            admin.dispose()


@contextmanager
def temporary_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'data' / 'zwgk.sqlite'}"
    elif backend == "postgresql":
        with postgres_schema() as url:
            yield url
    else:
        raise ValueError(f"unknown test backend {backend!r}")
