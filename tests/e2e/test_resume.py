"""A crawl killed with SIGKILL mid-way, then run again, ends in the same archive as an unbroken run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import ROOT, column_counts, diff_counts, duplicates, run_zwgk, truth_column_counts
from sqlalchemy import func, select

from storage.db import database_url, open_database
from storage.models import Capture, CrawlRun, Item, ItemColumn
from storage.warc import check_file

# about a quarter of the pages of the crawl (1031 items and their list pages)
KILL_AFTER_CAPTURES = 300


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


def test_kill_9_mid_crawl_then_resume(qingshi_third_site, tmp_path):
    import replica

    site = qingshi_third_site  # the demo's shape at a third of its size: long enough to kill in flight
    truth = replica.truth(site)
    with replica.ReplicaServer(site) as server:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zwgk",
                "crawl",
                server.base_url,
                "--site",
                "qingshi",
                "--data",
                str(tmp_path),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while _captures(tmp_path) < KILL_AFTER_CAPTURES and process.poll() is None:
            assert time.monotonic() < deadline, "the crawl never got far enough to be killed"
            time.sleep(0.2)
        assert process.poll() is None, "the crawl finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert list((tmp_path / "warc").glob("*.open")), "a killed writer leaves its WARC file open"

        resumed = run_zwgk("crawl", server.base_url, "--site", "qingshi", "--data", str(tmp_path), "--json")
        assert resumed.returncode == 0, resumed.stderr[-3000:]

    assert diff_counts(column_counts(tmp_path, "qingshi"), truth_column_counts(truth)) == {}
    db = open_database(database_url(tmp_path))
    with db.session() as session:
        urls = list(session.scalars(select(Item.url)))
        memberships = session.scalar(select(func.count()).select_from(ItemColumn))
        runs = list(session.execute(select(CrawlRun.status).order_by(CrawlRun.id)).scalars())
    db.dispose()
    assert duplicates(urls) == []
    assert len(urls) == sum(truth["totals"]["items_by_year"].values())
    assert memberships == sum(truth_column_counts(truth).values())
    assert runs == ["interrupted", "ok"]
    warc = tmp_path / "warc"
    assert not list(warc.glob("*.open"))
    for path in warc.glob("*.warc.gz"):
        assert check_file(path).ok, path
