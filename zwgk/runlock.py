"""One run per site at a time: a lock file in the data folder, and a PostgreSQL advisory lock
when the archive is shared, so workers on other machines see it too."""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from storage.db import Database
from storage.locks import release_advisory_lock, supports_advisory_locks, try_advisory_lock

logger = logging.getLogger(__name__)


class AlreadyRunning(RuntimeError):
    """Another run of the same site holds the lock."""


class RunLock:
    """Hold the run lock of ``slug`` for the duration of a ``with`` block, or raise AlreadyRunning."""

    def __init__(self, lock_dir: Path, slug: str, db: Database | None = None) -> None:
        self.path = lock_dir / f"{slug}.lock"
        self.slug = slug
        self.db = db
        self._file: IO[str] | None = None
        self._connection: Any = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise AlreadyRunning(
                f"another run of {self.slug} is active ({holder}); lock {self.path}"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}\n")
        handle.flush()
        self._file = handle
        if self.db is not None and supports_advisory_locks(self.db):
            self._lock_database()
        return self

    def _lock_database(self) -> None:
        assert self.db is not None
        self._connection = try_advisory_lock(self.db, self.slug)
        if self._connection is None:
            self._release_file()
            raise AlreadyRunning(f"another run of {self.slug} holds its lock in the shared database")

    def _release_file(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._connection is not None:
            try:
                release_advisory_lock(self._connection)
            except Exception:  # a server that restarted has dropped the session, and the lock with it
                logger.warning("the database session holding the run lock of %s was already gone", self.slug)
            self._connection = None
        self._release_file()
