"""``zwgk crawl TARGET --redis URL --workers N``: N local workers over one queue, the summary after.

Needs the local Redis (127.0.0.1:6379, or $ZWGK_TEST_REDIS) and PostgreSQL: fails, not skips.
"""

from __future__ import annotations

import json
import os
import uuid

from helpers import column_counts, diff_counts, run_zwgk, truth_column_counts

from storage.testing import postgres_schema

REDIS_URL = os.environ.get("ZWGK_TEST_REDIS", "redis://127.0.0.1:6379/0")


def test_two_local_workers_crawl_one_site_exactly(tiny_server, tiny_truth, tmp_path) -> None:
    from crawler.cluster import connect, drop_keys

    prefix = f"zwgktest{uuid.uuid4().hex[:10]}"
    try:
        with postgres_schema() as pg:
            result = run_zwgk(
                "crawl", tiny_server.base_url, "--site", "tiny", "--redis", REDIS_URL, "--redis-prefix", prefix,
                "--workers", "2", "--db", pg, "--data", str(tmp_path), "--json", timeout=240,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr[-3000:]
            summary = json.loads(result.stdout)
            assert summary["workers"] == 2 and len(summary["worker_summaries"]) == 2
            assert summary["pages"] == sum(s["pages"] for s in summary["worker_summaries"]) > 0
            assert diff_counts(column_counts(tmp_path, "tiny", pg), truth_column_counts(tiny_truth)) == {}
    finally:
        drop_keys(connect(REDIS_URL), prefix)


def test_workers_without_redis_is_refused(tiny_server, tmp_path) -> None:
    result = run_zwgk("crawl", tiny_server.base_url, "--workers", "2", "--data", str(tmp_path))
    assert result.returncode != 0
    assert "--workers needs --redis" in result.stderr


def test_the_checks_after_the_walk_run_once_when_the_workers_are_done(tmp_path) -> None:
    import replica
    from crawler.cluster import connect, drop_keys

    site = replica.build_site(replica.load_spec("inspection"))
    prefix = f"zwgktest{uuid.uuid4().hex[:10]}"
    try:
        with replica.ReplicaServer(site) as server:
            result = run_zwgk(
                "crawl", server.base_url, "--site", "inspection", "--redis", REDIS_URL, "--redis-prefix", prefix,
                "--workers", "1", "--data", str(tmp_path), "--json", timeout=240,
            )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        checks = json.loads(result.stdout)["inspection"]["inspection"]
        assert checks["out_of_budget"] == []
        assert checks["links"]["verdicts"] == {"dead": 3}  # the planted two and the listed 404
        base = server.base_url
        assert sorted(checks["cloaking"]["cloaked"]) == sorted(
            url for _, url in replica.cloaking_cases.expected(site, base)
        )
    finally:
        drop_keys(connect(REDIS_URL), prefix)
