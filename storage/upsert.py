"""The dialect's ``INSERT … ON CONFLICT`` construct for a session (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session) -> Callable[..., Any]:
    """``insert`` of the session's dialect, whose statements have ``on_conflict_do_*``."""
    name = session.get_bind().dialect.name
    if name == "sqlite":
        return sqlite.insert
    if name == "postgresql":
        return postgresql.insert
    raise NotImplementedError(f"no upsert for the {name!r} dialect; use SQLite or PostgreSQL")
