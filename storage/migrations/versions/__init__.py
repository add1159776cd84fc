"""Alembic revisions, oldest first; each only adds, never drops archived data."""
