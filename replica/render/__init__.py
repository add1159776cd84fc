"""HTML and XML renderers of the replica's pages, one module per kind of page."""

from __future__ import annotations
