"""What the archive already knows of each site, read before its crawl needs it.

Incremental and sweep crawls stop at known items and revalidate known pages; the runner (or the
worker) builds a :class:`KnownItems` from the database once, and the spider only asks it, so the
spider opens no database of its own.
"""

from __future__ import annotations

import logging

from crawler.modes import CrawlMode
from storage.db import open_database
from storage.frontier import CrawlState, crawl_state

logger = logging.getLogger(__name__)


class KnownItems:
    """Each site's :class:`CrawlState`, read from ``db_url`` once per site (nothing when the mode
    does not need it, or without a database)."""

    def __init__(self, mode: CrawlMode, db_url: str | None = None) -> None:
        self.mode = mode
        self.db_url = db_url
        self.states: dict[str, CrawlState] = {}

    def load(self, slug: str) -> CrawlState:
        """The state of ``slug``, read now if it was not read yet."""
        state = self.states.get(slug)
        if state is None:
            state = self.states[slug] = self._read(slug)
        return state

    def _read(self, slug: str) -> CrawlState:
        if not self.mode.needs_known or self.db_url is None:
            return CrawlState()
        db = open_database(self.db_url)
        try:
            with db.session() as session:
                state = crawl_state(session, slug)
        finally:
            db.dispose()
        logger.info("%s crawl of %s: %d items already known", self.mode.name, slug, len(state.items))
        return state


__all__ = ["KnownItems"]
