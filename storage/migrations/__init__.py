"""Alembic migrations of the archive (run by ``storage.db.open_database``)."""
