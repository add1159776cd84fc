"""A broken machine: a disk that fills up, PostgreSQL restarted mid-run, readers while a crawl writes.

Each ends with a consistent database, WARC files that pass the check, and a next run that
completes the archive. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT, column_counts, diff_counts, run_zwgk, truth_column_counts
from sqlalchemy import func, select

from storage.db import open_database
from storage.models import Capture
from storage.testing import postgres_schema
from storage.warc import check_file

# PostgreSQL is restarted once the crawl has stored this many captures (of about 1100): mid-walk
RESTART_AFTER_CAPTURES = 300


def _pg_cluster() -> str:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    return versions[-1]


@pytest.fixture()
def small_disk(tmp_path):
    """A 600 kB tmpfs: big enough to start the archive, too small to finish it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)], capture_output=True
    )
    assert result.returncode == 0, f"cannot mount a small tmpfs for the disk-full test: {result.stderr!r}"
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_then_space_freed(small_disk, tiny_server, tiny_truth):
    data = small_disk / "data"
    full = run_zwgk("crawl", tiny_server.base_url, "--site", "tiny", "--data", str(data), "--json")
    assert full.returncode != 0, "a crawl that ran out of disk must not report success"
    if (data / "zwgk.sqlite").exists():
        connection = sqlite3.connect(data / "zwgk.sqlite")
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        connection.close()
    # Free the space (a bigger disk), run again: the archive completes, the WARC files are whole.
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    again = run_zwgk("crawl", tiny_server.base_url, "--site", "tiny", "--data", str(data), "--json")
    assert again.returncode == 0, again.stderr[-3000:]
    assert diff_counts(column_counts(data, "tiny"), truth_column_counts(tiny_truth)) == {}
    warc = data / "warc"
    assert not list(warc.glob("*.open"))
    for path in warc.glob("*.warc.gz"):
        assert check_file(path).ok, path


def test_readers_while_a_crawl_writes(qingshi_third_site, tmp_path):
    """Audit commands and the dashboard answer while a crawl writes the same SQLite archive."""
    import replica

    site = qingshi_third_site  # the demo's shape at a third of its size
    with replica.ReplicaServer(site) as server:
        first = run_zwgk("crawl", server.base_url, "--site", "qingshi", "--data", str(tmp_path))
        assert first.returncode == 0, first.stderr[-2000:]
        crawl = subprocess.Popen(
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
            stderr=(tmp_path / "crawl.log").open("w"),
            text=True,
        )
        port = 8700 + (int(time.time()) % 200)
        serve = subprocess.Popen(
            [sys.executable, "-m", "zwgk", "serve", "--data", str(tmp_path), "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        failures: list[str] = []
        answered = 0
        try:
            deadline = time.monotonic() + 40
            while crawl.poll() is None and time.monotonic() < deadline:
                counts = run_zwgk(
                    "audit", "counts", "--data", str(tmp_path), "--year", "2018", "--format", "json"
                )
                if counts.returncode != 0:
                    failures.append(counts.stderr[-500:])
                for path in ("/", "/site/qingshi", "/findings?site=qingshi"):
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as page:
                            answered += page.status == 200
                    except OSError as exc:
                        if "Connection refused" not in str(exc):  # the server may still be starting
                            failures.append(f"{path}: {exc}")
            crawl.wait(timeout=120)
        finally:
            serve.terminate()
            serve.wait(timeout=10)
            if crawl.poll() is None:
                crawl.kill()
    assert failures == []
    assert answered > 0
    log = (tmp_path / "crawl.log").read_text()
    assert crawl.returncode == 0, log[-2000:]
    assert "database is locked" not in log


def _captures(url: str) -> int:
    db = open_database(url, migrate=False)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Capture)) or 0)
    except Exception:  # the tables may not exist yet while the crawler migrates
        return 0
    finally:
        db.dispose()


def test_postgresql_restarted_mid_run(qingshi_third_site, tmp_path):
    import replica

    site = qingshi_third_site  # the demo's shape at a third of its size: restarted under it mid-walk
    truth = replica.truth(site)
    with postgres_schema() as url, replica.ReplicaServer(site) as server:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "zwgk", "crawl", server.base_url, "--site", "qingshi", "--db", url,
             "--data", str(tmp_path)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp_path / "first.log").open("w"), text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while _captures(url) < RESTART_AFTER_CAPTURES and crawl.poll() is None:
            assert time.monotonic() < deadline, "the crawl never got far enough for the restart"
            time.sleep(0.2)
        assert crawl.poll() is None, "the crawl finished before PostgreSQL could be restarted under it"
        cluster = _pg_cluster()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"], check=True)
        for _ in range(60):
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
                break
            time.sleep(0.5)
        crawl.wait(timeout=180)
        again = run_zwgk(
            "crawl", server.base_url, "--site", "qingshi", "--db", url, "--data", str(tmp_path), "--json"
        )
        assert again.returncode == 0, again.stderr[-3000:]
        assert diff_counts(column_counts(tmp_path, "qingshi", db_url=url), truth_column_counts(truth)) == {}
    shutil.rmtree(tmp_path / "warc", ignore_errors=True)
