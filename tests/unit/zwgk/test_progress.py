"""Crawl progress: a live line on a terminal, a log line per report elsewhere, both in words."""

from __future__ import annotations

import io

from rich.console import Console

from zwgk.progress import CrawlProgress, elapsed_text, progress_text

SNAPSHOT = {"pages": 120, "items": 100, "columns": 12, "columns_total": 57}


def test_progress_says_pages_items_columns_rate_and_elapsed():
    assert (
        progress_text(SNAPSHOT, 60.0) == "pages 120, items 100, columns 12 of 57, 2.0 pages/s, elapsed 1m00s"
    )
    assert elapsed_text(3725) == "1h02m05s"


def test_not_a_terminal_gets_one_line_per_report():
    out = io.StringIO()
    with CrawlProgress(Console(file=out, force_terminal=False, width=200)) as progress:
        assert progress.interval is None  # the setting's interval (a minute)
        progress.update(SNAPSHOT)
        progress.update({**SNAPSHOT, "pages": 240})
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and all(" progress: pages " in line for line in lines)


def test_a_terminal_gets_a_live_line_that_goes_away():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=200)
    with CrawlProgress(console) as progress:
        assert progress.interval is not None and progress.interval < 5
        progress.update(SNAPSHOT)
        progress._live.refresh()  # type: ignore[union-attr]
    assert "crawling: pages 120, items 100, columns 12 of 57" in out.getvalue()
