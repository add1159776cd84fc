"""The error a replica spec that is unknown or cannot be used raises (a leaf: every replica module may raise it)."""

from __future__ import annotations


class SpecError(ValueError):
    """A replica spec that is unknown or cannot be used, with the reason."""
