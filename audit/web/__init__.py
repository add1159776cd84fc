"""The auditors' web dashboard (``zwgk serve``): read-only pages, exports and a JSON API."""

from __future__ import annotations

import logging

from audit.web.app import create_app

logger = logging.getLogger(__name__)

__all__ = ["create_app"]
