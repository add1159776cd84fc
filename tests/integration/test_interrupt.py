"""A crawl stopped by SIGINT / SIGTERM (once: gracefully, twice: at once) is stored as interrupted
with its own exit code, and one incremental run afterwards completes the archive to the truth."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, column_counts, diff_counts, duplicates, run_zwgk, truth_column_counts
from sqlalchemy import func, select

from crawler.runner import EXIT_INTERRUPTED
from storage.db import database_url, open_database
from storage.models import Capture, CrawlRun, Item
from storage.reads.runs import pending_work

# A graceful stop (one signal) finishes every page fetched so far, so it is sent once the replica
# has served this many pages (of about 1100): the stored captures lag the fetches by a batch and
# the analysis queue, and on a small site may only show once nearly every page is fetched. A stop
# at once (two signals) drops what is not stored yet, so it waits for this many stored captures.
STOP_AFTER_PAGES = 300
STOP_AFTER_CAPTURES = 300


def _captures(data: Path) -> int:
    if not (data / "zwgk.sqlite").exists():
        return 0
    db = open_database(database_url(data), migrate=False)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Capture)) or 0)
    except Exception:  # the tables may not exist yet while the crawler migrates
        return 0
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("signum", "times"),
    [(signal.SIGINT, 1), (signal.SIGINT, 2), (signal.SIGTERM, 1)],
    ids=["int", "int2", "term"],
)
def test_stop_signal_then_incremental_completes(qingshi_third_site, tmp_path, signum, times):
    import replica

    site = qingshi_third_site  # the demo's shape at a third of its size (tests/conftest.py)
    truth = replica.truth(site)
    with replica.ReplicaServer(site) as server:
        command = [sys.executable, "-m", "zwgk", "crawl", server.base_url, "--site", "qingshi"]
        process = subprocess.Popen(
            [*command, "--data", str(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while process.poll() is None and (
            server.request_count < STOP_AFTER_PAGES
            if times == 1
            else _captures(tmp_path) < STOP_AFTER_CAPTURES
        ):
            assert time.monotonic() < deadline, "the crawl never got far enough to be stopped"
            time.sleep(0.1)
        assert process.poll() is None, "the crawl finished before it could be stopped"
        for _ in range(times):
            process.send_signal(signum)
            time.sleep(0.3)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == EXIT_INTERRUPTED, stderr[-3000:]
        assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr[-3000:]
        assert "interrupted: finishing the pages in flight" in stderr
        db = open_database(database_url(tmp_path))
        with db.session() as session:
            assert pending_work(session, "qingshi").total > 0

        resumed = run_zwgk(*command[3:], "--data", str(tmp_path), "--incremental", "--json")
        assert resumed.returncode == 0, resumed.stderr[-3000:]

    assert diff_counts(column_counts(tmp_path, "qingshi"), truth_column_counts(truth)) == {}
    with db.session() as session:
        urls = list(session.scalars(select(Item.url)))
        runs = list(session.execute(select(CrawlRun.status).order_by(CrawlRun.id)).scalars())
        assert pending_work(session, "qingshi").total == 0
    db.dispose()
    assert duplicates(urls) == []
    assert len(urls) == sum(truth["totals"]["items_by_year"].values())
    assert runs == ["interrupted", "ok"]
