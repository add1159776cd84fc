"""Which tally a session counts with, chosen in one place from :data:`TALLIES`.

The way scrapy picks a feed storage from its scheme table: the rollup's tally while the rollup the
last crawl left is current (``storage.rollup.current``), else the live one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from storage import rollup
from storage.reads.tally import Tally
from storage.reads.tally_live import LiveTally
from storage.reads.tally_rollup import RollupTally

TALLIES: dict[str, Callable[[Session, rollup.Rollup | None], Tally]] = {
    "live": LiveTally,
    "rollup": RollupTally,
}


def tally_name(session: Session) -> str:
    """``rollup`` while the session's archive has a current rollup, else ``live``."""
    return "live" if rollup.current(session) is None else "rollup"


def tally_for(session: Session) -> Tally:
    """The tally the session's counts use."""
    found = rollup.current(session)
    return TALLIES["live" if found is None else "rollup"](session, found)
