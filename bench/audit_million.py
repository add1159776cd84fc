"""Benchmark: counts, compare and health over a synthetic archive of one million items.

    .venv/bin/python bench/audit_million.py [--items 1000000] [--db URL] [--keep DIR] [--no-build]

Builds a fresh SQLite file (or uses ``--db``, e.g. an empty PostgreSQL database), bulk-inserts one
site with the taxonomy's columns and N items (about one in ten cross-listed), gathers planner
statistics (``ANALYZE``; ``VACUUM ANALYZE`` on PostgreSQL, which also lets it read covering indexes
alone), then times each query twice: live (no rollup) and from the count rollup, which it then
leaves current, as a crawl's end would (``storage.rollup``). Run ``ANALYZE`` after any bulk load
of a real archive too: without statistics SQLite may drive a join from the wrong index.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from audit.compare import compare_years  # noqa: E402
from audit.health import inspect_health  # noqa: E402
from storage import rollup  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.models import Column, Item, ItemColumn, Site  # noqa: E402
from storage.reads import count_items  # noqa: E402
from taxonomy import default_taxonomy  # noqa: E402

BATCH = 20_000
KINDS = ("article",) * 7 + ("picture", "video", "document")


def build(url: str, n_items: int) -> None:
    db = open_database(url)
    now = datetime.now(UTC)
    rng = random.Random(1)
    nodes = [n for n in default_taxonomy() if not n.children]
    with db.session() as s:
        s.execute(
            insert(Site),
            [
                {
                    "id": 1,
                    "slug": "bench",
                    "name": "基准县",
                    "base_url": "http://b/",
                    "cms": "trs",
                    "created_at": now,
                }
            ],
        )
        s.execute(
            insert(Column),
            [
                {
                    "id": i + 1,
                    "site_id": 1,
                    "path": n.path,
                    "name": n.name,
                    "url": f"http://b/c{i}/",
                    "taxonomy_code": n.code,
                    "taxonomy_path": n.path,
                    "status": "ok",
                    "first_seen": now,
                    "last_seen": now,
                }
                for i, n in enumerate(nodes)
            ],
        )
        start = date(2012, 1, 1)
        for base in range(0, n_items, BATCH):
            items, members = [], []
            for i in range(base, min(base + BATCH, n_items)):
                on = start + timedelta(days=rng.randrange(2650))
                column = rng.randrange(len(nodes))
                items.append(
                    {
                        "id": i + 1,
                        "site_id": 1,
                        "url": f"http://b/a/{i}.html",
                        "title": f"条目{i}",
                        "index_no": f"11210726/{on.year}-{i:07d}",
                        "counted_on": on,
                        "published_on": on,
                        "kind": rng.choice(KINDS),
                        "fetch_status": "ok" if i % 500 else "not_found",
                        "first_seen": now,
                        "last_seen": now,
                    }
                )
                members.append(
                    {
                        "item_id": i + 1,
                        "column_id": column + 1,
                        "taxonomy_path": nodes[column].path,
                        "counted_on": on,
                        "first_seen": now,
                        "last_seen": now,
                    }
                )
                if i % 10 == 0:
                    other = (column + 1) % len(nodes)
                    members.append(
                        {
                            "item_id": i + 1,
                            "column_id": other + 1,
                            "taxonomy_path": nodes[other].path,
                            "counted_on": on,
                            "first_seen": now,
                            "last_seen": now,
                        }
                    )
            s.execute(insert(Item), items)
            s.execute(insert(ItemColumn), members)
        s.commit()
    db.dispose()


def migrate(url: str) -> None:
    open_database(url).dispose()


def analyze(url: str) -> None:
    db = open_database(url)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    db.dispose()


def timed(label: str, work: Callable[[], Any]) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    work()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label:<40} {elapsed:8.3f} s wall {cpu:8.3f} s cpu", flush=True)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--keep", help="folder for the SQLite file (default: a temporary one)")
    parser.add_argument(
        "--no-build",
        action="store_true",
        help="time an archive built earlier (migrated to the current schema)",
    )
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="zwgk-bench-"))
    url = args.db or f"sqlite:///{folder / 'bench.sqlite'}"
    if args.no_build:
        timed("migrate", lambda: migrate(url))
    else:
        timed(f"build {args.items:,} items", lambda: build(url, args.items))
    timed("analyze", lambda: analyze(url))
    db = open_database(url)
    with db.session() as s:
        rollup.forget(s)
    print("-- live (no rollup)")
    time_queries(db)
    timed("rollup refresh", lambda: rollup.refresh(db))
    print("-- from the rollup")
    time_queries(db)
    db.dispose()
    return 0


def time_queries(db: Any) -> None:
    with db.session() as s:
        timed("counts --by column (all years)", lambda: count_items(s, site="bench"))
        timed("counts --by column --year 2018", lambda: count_items(s, site="bench", year=2018))
        timed(
            "counts --by taxonomy --year 2018", lambda: count_items(s, site="bench", year=2018, by="taxonomy")
        )
        for by in ("column", "taxonomy", "kind"):
            timed(
                f"compare 2017 2018 2019 --by {by}",
                partial(compare_years, s, [2017, 2018, 2019], "bench", by),
            )
        timed("health --as-of 2019-03-20", lambda: inspect_health(s, date(2019, 3, 20), "bench"))


if __name__ == "__main__":
    raise SystemExit(main())
