"""The auditors' web dashboard (``zwgk serve``): read-only pages, exports and a JSON API."""

from __future__ import annotations

from audit.web.app import create_app

__all__ = ["create_app"]
