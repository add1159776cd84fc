"""A page whose analysis hangs: its worker is killed at the deadline, the page recorded with the
reason, the crawl finishes, every other count exact (crawler/analysis.py's test hook)."""

from __future__ import annotations

import time

from helpers import column_counts, diff_counts, run_zwgk, truth_column_counts
from sqlalchemy import select

from crawler.analysis import TEST_HANG_ENV
from storage.db import database_url, open_database
from storage.models import Item


def test_a_hanging_page_is_recorded_with_its_reason_and_the_crawl_goes_on(
    tiny_site, tiny_truth, tiny_server, tmp_path
) -> None:
    ok_items = [item for item in tiny_site.items.values() if item.status == "ok"]
    hanging = sorted(ok_items, key=lambda item: item.id)[len(ok_items) // 2]
    data = tmp_path / "data"
    started = time.monotonic()
    result = run_zwgk(
        "crawl", tiny_server.base_url, "--site", "tiny", "--data", str(data), "--json",
        "-s", "ZWGK_ANALYSIS_PROCESSES=1", "-s", "ZWGK_ANALYSIS_DEADLINE=2",
        timeout=120,
        env={TEST_HANG_ENV: hanging.url},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    assert elapsed < 90
    assert "passed its deadline" in result.stderr
    db = open_database(database_url(data, None))
    with db.session() as session:
        rows = session.execute(select(Item.url, Item.fetch_status, Item.fetch_note)).all()
    db.dispose()
    by_url = {url: (status, note) for url, status, note in rows}
    hung = [url for url in by_url if url.endswith(hanging.url)]
    assert len(hung) == 1, hung
    status, note = by_url[hung[0]]
    assert status == "error" and "passed its deadline of 2 s" in (note or "")
    others = [status for url, (status, _) in by_url.items() if url != hung[0]]
    assert len(others) == len(by_url) - 1 and "error" not in others
    # the listings are the replica's: every column count exact
    assert diff_counts(column_counts(data, "tiny"), truth_column_counts(tiny_truth)) == {}
