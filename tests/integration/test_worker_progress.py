"""Progress of distributed crawls on a console that is not a terminal: ``zwgk worker`` logs its own
line per interval, ``zwgk crawl --redis --workers N`` one line summing its local workers.

Needs the local Redis (127.0.0.1:6379, or $ZWGK_TEST_REDIS) and PostgreSQL: fails, not skips.
"""

from __future__ import annotations

import json
import os
import re
import uuid

from helpers import run_zwgk

from storage.testing import postgres_schema

REDIS_URL = os.environ.get("ZWGK_TEST_REDIS", "redis://127.0.0.1:6379/0")
LINE = re.compile(
    r"^\d\d:\d\d:\d\d progress: (?:workers (?P<workers>\d+), )?sites (?P<sites>\d+), pages (?P<pages>\d+), "
    r"items (?P<items>\d+), columns (?P<columns>\d+)(?: of (?P<total>\d+))?, [\d.]+ pages/s, elapsed \S+$"
)


def progress_lines(stderr: str) -> list[dict[str, int]]:
    found = [LINE.match(line) for line in stderr.splitlines() if " progress: " in line]
    assert all(found), stderr[-2000:]
    return [{k: int(v) for k, v in match.groupdict().items() if v is not None} for match in found if match]


def assert_plausible(lines: list[dict[str, int]], pages: int) -> None:
    assert len(lines) >= 2, lines
    for key in ("pages", "items", "columns"):
        counts = [line[key] for line in lines]
        assert counts == sorted(counts), (key, counts)  # never goes back
    assert lines[-1]["pages"] > lines[0]["pages"] > 0
    assert lines[-1]["pages"] <= pages
    assert all(line["items"] < line["pages"] and line["sites"] == 1 for line in lines)


def test_local_workers_log_one_combined_line_per_interval(tiny_server, tmp_path) -> None:
    from crawler.cluster import connect, drop_keys

    prefix = f"zwgktest{uuid.uuid4().hex[:10]}"
    try:
        with postgres_schema() as pg:
            result = run_zwgk(
                "crawl", tiny_server.base_url, "--site", "tiny", "--redis", REDIS_URL, "--redis-prefix", prefix,
                "--workers", "2", "--db", pg, "--data", str(tmp_path), "--json", "--no-inspect",
                "-s", "ZWGK_PROGRESS_INTERVAL=0.3", "-s", "ZWGK_LOOPBACK_DELAY=0.02", timeout=240,
            )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        assert "\x1b[" not in result.stderr  # no terminal control codes in a log
        summary = json.loads(result.stdout)  # the workers' progress lines stay out of their summaries
        lines = progress_lines(result.stderr)
        assert all(line["workers"] == 2 for line in lines)
        assert_plausible(lines, summary["pages"])
        # the sites' column totals reach the parent; a line leaves the total out when the summed
        # walks pass it: seen once in a full-suite run on a loaded machine, not yet explained (a
        # list page redone after its lease lapsed would end its column twice in the count, once in
        # the archive)
        with_total = [line for line in lines if "total" in line]
        assert with_total and all(line["columns"] <= line["total"] for line in with_total), lines
    finally:
        drop_keys(connect(REDIS_URL), prefix)


def test_a_worker_logs_its_own_progress(tiny_server, tmp_path) -> None:
    from crawler.cluster import connect, drop_keys

    prefix = f"zwgktest{uuid.uuid4().hex[:10]}"
    try:
        with postgres_schema() as pg:
            queued = run_zwgk(
                "crawl", tiny_server.base_url, "--site", "tiny", "--redis", REDIS_URL, "--redis-prefix", prefix,
                "--workers", "0", "--db", pg, "--data", str(tmp_path),
            )  # fmt: skip
            assert queued.returncode == 0, queued.stderr[-3000:]
            result = run_zwgk(
                "worker", "--redis", REDIS_URL, "--redis-prefix", prefix, "--db", pg, "--data", str(tmp_path),
                "--idle-exit", "1", "--json", "-s", "ZWGK_PROGRESS_INTERVAL=0.3",
                "-s", "ZWGK_LOOPBACK_DELAY=0.02", timeout=240,
            )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        assert "\x1b[" not in result.stderr
        summary = json.loads(result.stdout)
        lines = progress_lines(result.stderr)
        assert all("workers" not in line for line in lines)
        assert_plausible(lines, summary["pages"])
    finally:
        drop_keys(connect(REDIS_URL), prefix)
