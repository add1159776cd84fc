"""The error a replica spec that is unknown or cannot be used raises (a leaf: every replica module may raise it)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class SpecError(ValueError):
    """A replica spec that is unknown or cannot be used, with the reason."""
