"""Auditor-facing reading of the archive: counts, figures to reconcile, the rules behind each number."""

from __future__ import annotations
