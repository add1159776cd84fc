"""Pages per second of the lone crawl and of 1, 2 and 3 ``zwgk worker`` processes, in one run.

    .venv/bin/python -m bench.workers [--spec qingshi] [--redis URL] [--pg URL]

Serves the replica on loopback (no politeness delay); crawls it once with the single-process
``zwgk crawl`` (the lone crawl), then queues it with ``zwgk crawl --redis --workers 0`` and runs N
workers, each time against a fresh PostgreSQL schema, and prints pages/s, plus per-page costs for
docs/SCALE.md: WARC bytes, database bytes and Redis dupefilter bytes per fingerprint.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


def _zwgk(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "zwgk", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _children_cpu() -> float:
    """CPU seconds (user + system) of the ended child process trees waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(spec: str, workers: int, redis_url: str, pg: str | None) -> dict[str, float]:
    import replica
    from crawler.cluster import Keys, connect, current_run, drop_keys
    from storage.testing import postgres_schema

    client = connect(redis_url)
    prefix = f"zwgkbench{uuid.uuid4().hex[:8]}"
    site = replica.build_site(replica.load_spec(spec))
    with (
        replica.ReplicaServer(site) as server,
        postgres_schema(pg) as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        common = ["--redis", redis_url, "--redis-prefix", prefix, "--db", url]
        queued = _zwgk("crawl", server.base_url, *common, "--workers", "0", "--json")
        queued.communicate()
        run = current_run(client, prefix)
        start, cpu = time.monotonic(), _children_cpu()
        procs = [
            _zwgk("worker", *common, "--data", f"{tmp}/w{n}", "--idle-exit", "1", "--json")
            for n in range(workers)
        ]
        outs = [json.loads(p.communicate()[0]) for p in procs]
        wall = time.monotonic() - start - 1.0  # the idle wait before exiting is not crawling
        cpu = _children_cpu() - cpu
        pages = sum(o["pages"] for o in outs)
        warc = sum(p.stat().st_size for p in Path(tmp).glob("w*/warc/*.warc.gz"))
        engine = create_engine(url)
        with engine.connect() as connection:
            schema = url.rsplit("search_path%3D", 1)[-1]
            db_bytes = connection.execute(
                text("SELECT coalesce(sum(pg_total_relation_size(c.oid)),0) FROM pg_class c "
                     "JOIN pg_namespace n ON n.oid=c.relnamespace WHERE n.nspname=:s AND c.relkind='r'"),
                {"s": schema},
            ).scalar_one()  # fmt: skip
            capture_bytes = connection.execute(
                text("SELECT pg_total_relation_size(:t)"), {"t": f"{schema}.capture"}
            ).scalar_one()
            captures = connection.execute(text(f'SELECT count(*) FROM "{schema}".capture')).scalar_one()
        engine.dispose()
        keys = Keys(prefix, str(run))
        fingerprints = client.scard(keys.dupefilter)
        df_bytes = client.memory_usage(keys.dupefilter) or 0
        # everything the run keeps in Redis: dupefilter, walk state, page memos, profiles
        run_bytes = sum(int(client.memory_usage(key) or 0) for key in client.scan_iter(match=f"{prefix}:*"))
        drop_keys(client, prefix)
    return {
        "workers": workers,
        "pages": pages,
        "seconds": round(wall, 2),
        "pages_per_s": round(pages / wall, 1),
        "cpu_ms_per_page": round(1000 * cpu / pages, 2),
        "warc_bytes_per_page": round(warc / pages),
        "db_bytes_per_page": round(int(db_bytes) / pages),
        "dupefilter_bytes_per_fingerprint": round(int(df_bytes) / max(1, int(fingerprints)), 1),
        "redis_bytes_per_page": round(run_bytes / pages),
        "capture_bytes_per_row": round(int(capture_bytes) / max(1, int(captures))),
    }


def measure_lone(spec: str, pg: str | None) -> dict[str, float | str]:
    """The single-process crawl of the same replica: the rate a worker is compared with."""
    import replica
    from storage.testing import postgres_schema

    site = replica.build_site(replica.load_spec(spec))
    with (
        replica.ReplicaServer(site) as server,
        postgres_schema(pg) as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        start, cpu = time.monotonic(), _children_cpu()
        out, err = _zwgk("crawl", server.base_url, "--db", url, "--data", tmp, "--json").communicate()
        wall, cpu = time.monotonic() - start, _children_cpu() - cpu
        if not out.strip():
            raise RuntimeError(f"the lone crawl failed: {err[-2000:]}")
        pages = int(json.loads(out)["pages"])
    return {
        "workers": "lone",
        "pages": pages,
        "seconds": round(wall, 2),
        "pages_per_s": round(pages / wall, 1),
        "cpu_ms_per_page": round(1000 * cpu / pages, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", default="qingshi")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--pg", default=None, help="PostgreSQL URL (default: storage.testing's)")
    parser.add_argument("--workers", default="1,2,3")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = [measure_lone(args.spec, args.pg)]
    rows += [measure(args.spec, int(n), args.redis, args.pg) for n in args.workers.split(",")]
    print(json.dumps(rows, indent=2))
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'workers':>8} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'CPU ms/page':>12}")
    for row in rows:
        print(
            f"{row['workers']:>8} {row['pages']:>7} {row['seconds']:>8} {row['pages_per_s']:>8} "
            f"{row['cpu_ms_per_page']:>12}"
        )
    lone, by_n = rows[0]["pages_per_s"], {row["workers"]: row["pages_per_s"] for row in rows[1:]}
    if 1 in by_n:
        print(f"one worker / lone crawl: {by_n[1] / lone:.2f} (target 0.80)")
        if 2 in by_n:
            print(f"two workers / one worker: {by_n[2] / by_n[1]:.2f} (target 1.60)")


if __name__ == "__main__":
    main()
