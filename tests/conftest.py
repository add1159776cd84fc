from __future__ import annotations

import pytest

from storage.db import Database, open_database
from storage.testing import temporary_database


@pytest.fixture(scope="session")
def tiny_site():
    import replica

    return replica.build_site(replica.load_spec("tiny"))


@pytest.fixture(scope="session")
def tiny_truth(tiny_site):
    import replica

    return replica.truth(tiny_site)


@pytest.fixture()
def tiny_server(tiny_site):
    import replica

    with replica.ReplicaServer(tiny_site) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty archive database URL, once on SQLite and once on PostgreSQL (a throwaway schema)."""
    try:
        context = temporary_database(request.param, tmp_path)
        url = context.__enter__()
    except Exception as exc:  # PostgreSQL must answer: a missing server fails the test, never skips it
        pytest.fail(f"{request.param} test database unavailable: {exc}")
    try:
        yield url
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def db(db_url) -> Database:
    database = open_database(db_url)
    yield database
    database.dispose()
