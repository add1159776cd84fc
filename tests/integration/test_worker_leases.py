"""No request lost when workers die: of three workers one is SIGKILLed and one SIGSTOPped (never
continued) mid-run; the third finishes the run alone, with no command from anyone, and the
archive equals the replicas' truth with no item twice (crawler/cluster/leases.py).

Needs the local Redis (127.0.0.1:6379, or $ZWGK_TEST_REDIS) and PostgreSQL: fails, not skips.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from helpers import ROOT, diff_counts, duplicates, run_zwgk, truth_column_counts
from sqlalchemy import func, select

from storage.db import open_database
from storage.models import Capture, Item, ItemColumn
from storage.reads import count_items
from storage.testing import postgres_schema

REDIS_URL = os.environ.get("ZWGK_TEST_REDIS", "redis://127.0.0.1:6379/0")
SPECS = ("tiny", "trs_only", "hanweb_only")


@pytest.fixture()
def redis_prefix() -> Iterator[str]:
    from crawler.cluster import connect, drop_keys

    client = connect(REDIS_URL)
    prefix = f"zwgktest{uuid.uuid4().hex[:10]}"
    yield prefix
    drop_keys(client, prefix)


@pytest.fixture()
def replicas() -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    import replica

    with ExitStack() as stack:
        out = []
        for name in SPECS:
            site = replica.build_site(replica.load_spec(name))
            out.append((stack.enter_context(replica.ReplicaServer(site)), replica.truth(site)))
        yield out


def _slug(server: Any) -> str:
    from crawler.spiders.sites import slug_for_url

    return slug_for_url(server.base_url)


def _holding(prefix: str, pids: list[int]) -> bool:
    """Whether each of these workers holds leased requests (it is mid-run, with work in hand)."""
    from crawler.cluster import connect

    client = connect(REDIS_URL)
    return all(any(client.scan_iter(match=f"{prefix}:*:requests:lease:*-{pid}")) for pid in pids)


def _fetched(url: str) -> int:
    """Pages the workers have stored so far (captures committed)."""
    db = open_database(url, migrate=False)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Capture)) or 0)
    except Exception:
        return 0
    finally:
        db.dispose()


def test_a_killed_and_a_frozen_worker_lose_nothing(replicas, redis_prefix, tmp_path) -> None:
    with postgres_schema() as pg:
        common = ["--redis", REDIS_URL, "--redis-prefix", redis_prefix, "--db", pg]
        queued = run_zwgk(
            "crawl", *(server.base_url for server, _ in replicas), *common, "--workers", "0", "--json"
        )
        assert queued.returncode == 0, queued.stderr[-2000:]
        # a small delay makes the run last long enough to kill and freeze workers in its middle
        slow = ["-s", "ZWGK_LOOPBACK_DELAY=0.03", "-s", "ZWGK_LEASE_TTL=3", "-s", "ZWGK_STORE_BATCH=50"]
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "zwgk",
                    "worker",
                    *common,
                    "--data",
                    str(tmp_path / f"w{n}"),
                    "--idle-exit",
                    "2",
                    "--json",
                    *slow,
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for n in range(3)
        ]
        try:
            deadline = time.monotonic() + 120
            while not _holding(redis_prefix, [workers[0].pid, workers[1].pid]) or _fetched(pg) < 40:
                assert time.monotonic() < deadline, "the crawl never got far enough"
                assert all(w.poll() is None for w in workers), "a worker finished too early"
                time.sleep(0.05)
            os.kill(workers[0].pid, signal.SIGKILL)
            os.kill(workers[1].pid, signal.SIGSTOP)
            out, err = workers[2].communicate(timeout=240)
            assert workers[2].returncode == 0, err[-3000:]
            assert workers[1].poll() is None  # still frozen: nobody waited for it
            summary = json.loads(out)
        finally:
            for process in workers:
                if process.poll() is None:
                    process.kill()
                process.wait(timeout=30)
        db = open_database(pg)
        with db.session() as session:
            for server, truth in replicas:
                rows = count_items(session, site=_slug(server), by="column")
                got = {(r.column or "", r.year): r.items for r in rows if r.items and r.year is not None}
                assert diff_counts(got, truth_column_counts(truth)) == {}, _slug(server)
            items = list(session.execute(select(Item.site_id, Item.url, Item.fetch_status)))
            memberships = session.scalar(select(func.count()).select_from(ItemColumn))
        db.dispose()
        assert duplicates([f"{site}|{url}" for site, url, _ in items]) == []
        assert len(items) == sum(sum(t["totals"]["items_by_year"].values()) for _, t in replicas)
        assert memberships == sum(sum(truth_column_counts(t).values()) for _, t in replicas)
        assert summary["pages"] > 0
        assert "back in the queue" in err  # the dead workers' leases came back, not a re-enqueue
