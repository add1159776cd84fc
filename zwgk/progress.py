"""Progress of a long crawl on the console: a live line on a terminal, a log line per interval
(``ZWGK_PROGRESS_INTERVAL``, a minute by default) when the output goes to a file or a pipe.

Either says pages fetched, items done, columns walked, the rate and the time elapsed; a worker's
(``zwgk worker``) also the sites it has worked on. The local workers of ``zwgk crawl --redis
--workers N`` report as JSON lines on a pipe (:func:`progress_json`), which the parent sums
(:func:`combined_snapshot`) into one line of its own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.text import Text

LIVE_INTERVAL = 0.5  # seconds between updates of the live line on a terminal


def elapsed_text(seconds: float) -> str:
    """``75.2`` as ``1m15s``; ``3725`` as ``1h02m05s``."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def progress_text(snapshot: dict[str, Any], seconds: float) -> str:
    """``pages 1200, items 1000, columns 12 of 57, 40.0 pages/s, elapsed 30s``; a worker's snapshot
    (it has ``sites``) begins ``sites 2, ``; a combined one (``workers``) ``workers 2, ``."""
    total = snapshot.get("columns_total") or 0
    columns = snapshot.get("columns", 0)
    walked = f"{columns} of {total}" if total >= columns and total else str(columns)
    rate = snapshot.get("pages", 0) / seconds if seconds > 0 else 0.0
    head = "".join(f"{key} {snapshot[key]}, " for key in ("workers", "sites") if key in snapshot)
    return (
        f"{head}pages {snapshot.get('pages', 0)}, items {snapshot.get('items', 0)}, columns {walked}, "
        f"{rate:.1f} pages/s, elapsed {elapsed_text(seconds)}"
    )


# The key of a worker's progress line on the pipe to its parent (one JSON object a line).
PROGRESS_KEY = "progress"


def progress_json(snapshot: dict[str, Any]) -> str:
    """A worker's snapshot as one line for its parent: ``{"progress": {...}}``."""
    return json.dumps({PROGRESS_KEY: snapshot}, ensure_ascii=False, separators=(",", ":"))


def parse_progress(line: str) -> dict[str, Any] | None:
    """The snapshot in a line :func:`progress_json` wrote, else None (any other output)."""
    if not line.startswith('{"' + PROGRESS_KEY + '"'):
        return None
    try:
        snapshot = json.loads(line)[PROGRESS_KEY]
    except (ValueError, KeyError, TypeError):
        return None
    return snapshot if isinstance(snapshot, dict) else None


def combined_snapshot(snapshots: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The local workers' latest snapshots as one: pages, items and columns summed (each page and
    column is done by one worker), sites counted once, a site's columns as the worker knowing most
    of them has them."""
    combined: dict[str, Any] = {"workers": 0, "pages": 0, "items": 0, "columns": 0}
    site_columns: dict[str, int] = {}
    for snapshot in snapshots:
        combined["workers"] += 1
        for key in ("pages", "items", "columns"):
            combined[key] += int(snapshot.get(key) or 0)
        for slug, count in (snapshot.get("site_columns") or {}).items():
            # a worker knows the columns it found on the site: the one that walked its home page all
            site_columns[slug] = max(site_columns.get(slug, 0), int(count))
    combined["sites"] = len(site_columns)
    combined["columns_total"] = sum(site_columns.values())
    return combined


class CrawlProgress:
    """A context around a crawl; pass :meth:`update` as the crawl's ``on_progress`` and
    :attr:`interval` as its ``progress_interval`` (None: the setting's, for log lines)."""

    def __init__(self, console: Console, live: bool | None = None) -> None:
        self.console = console
        self.live_mode = console.is_terminal if live is None else live
        self.interval: float | None = LIVE_INTERVAL if self.live_mode else None
        self._live: Live | None = None
        self._started = time.monotonic()

    def __enter__(self) -> CrawlProgress:
        self._started = time.monotonic()
        if self.live_mode:
            self._live = Live(Text("crawling: starting"), console=self.console, transient=True)
            self._live.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.__exit__(kind, exc, tb)
            self._live = None

    def update(self, snapshot: dict[str, Any]) -> None:
        text = progress_text(snapshot, time.monotonic() - self._started)
        if self._live is not None:
            self._live.update(Text(f"crawling: {text}"))
        else:
            stamp = time.strftime("%H:%M:%S")
            self.console.print(f"{stamp} progress: {text}", highlight=False, markup=False)
