"""Crawl progress: a live line on a terminal, a log line per report elsewhere, both in words."""

from __future__ import annotations

import io

from rich.console import Console

from zwgk.progress import (
    CrawlProgress,
    combined_snapshot,
    elapsed_text,
    parse_progress,
    progress_json,
    progress_text,
)

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


def test_a_worker_and_a_combined_line_name_their_sites_and_workers():
    worker = {**SNAPSHOT, "sites": 2}
    assert progress_text(worker, 60.0).startswith("sites 2, pages 120, items 100, columns 12 of 57, ")
    assert progress_text({**worker, "workers": 3}, 60.0).startswith("workers 3, sites 2, pages 120, ")


def test_a_workers_progress_line_goes_through_the_pipe_and_nothing_else_does():
    snapshot = {**SNAPSHOT, "sites": 1, "site_columns": {"县": 57}}
    assert parse_progress(progress_json(snapshot) + "\n") == snapshot
    for other in (
        "{\n",
        '  "pages": 3,\n',
        '{"progressive": 1}\n',
        '{"progress": [1]}\n',
        '{"progress": {\n',
    ):
        assert parse_progress(other) is None


def test_the_combined_snapshot_sums_work_and_counts_each_site_once():
    one = {"pages": 100, "items": 80, "columns": 3, "site_columns": {"a": 10, "b": 4}}
    two = {"pages": 50, "items": 40, "columns": 2, "site_columns": {"a": 7}}  # found fewer of a's columns
    assert combined_snapshot([one, two]) == {
        "workers": 2,
        "pages": 150,
        "items": 120,
        "columns": 5,
        "sites": 2,
        "columns_total": 14,
    }
    assert combined_snapshot([])["pages"] == 0
