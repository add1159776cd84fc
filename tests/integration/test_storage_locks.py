"""The run's advisory lock in a shared PostgreSQL database: one holder at a time, freed on release."""

from __future__ import annotations

import logging

from storage.db import Database
from storage.locks import release_advisory_lock, supports_advisory_locks, try_advisory_lock

logger = logging.getLogger(__name__)


def test_one_holder_at_a_time(db: Database) -> None:
    if not supports_advisory_locks(db):
        assert db.engine.dialect.name == "sqlite"  # a SQLite archive has one writer by its file lock
        return
    first = try_advisory_lock(db, "heishan")
    assert first is not None
    assert try_advisory_lock(db, "heishan") is None
    other = try_advisory_lock(db, "other-site")
    assert other is not None
    release_advisory_lock(other)
    release_advisory_lock(first)
    again = try_advisory_lock(db, "heishan")  # from whichever pooled connection: the lock is free
    assert again is not None
    release_advisory_lock(again)
