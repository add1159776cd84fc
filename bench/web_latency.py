"""Benchmark: how long every dashboard page takes on an archive (e.g. the one-million-item one).

    .venv/bin/python bench/audit_million.py --keep /tmp/bench1m          # builds bench.sqlite
    .venv/bin/python bench/web_latency.py --db sqlite:////tmp/bench1m/bench.sqlite [--repeat 3]

Requests each page through the application (no network), first cold (every answer computed), then
warm (what an auditor sees once ``zwgk serve`` has warmed its cache), and prints the timings.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from audit.web import create_app  # noqa: E402
from audit.web.db import ReadOnlyArchive  # noqa: E402
from storage.models import Column, Item, Site  # noqa: E402

logger = logging.getLogger(__name__)
BUDGET_MS = 300


def urls(db_url: str) -> list[str]:
    archive = ReadOnlyArchive(db_url)
    with archive.session() as s:
        slug = s.execute(select(Site.slug).order_by(Site.id).limit(1)).scalar_one()
        column = s.execute(select(Column.id).order_by(Column.id).limit(1)).scalar_one()
        item = s.execute(select(Item.id).order_by(Item.id.desc()).limit(1)).scalar_one()
    archive.dispose()
    return [
        "/",
        f"/site/{slug}",
        f"/column/{column}",
        f"/column/{column}?page=100",
        f"/column/{column}?year=2018",
        "/compare",
        f"/compare?site={slug}&by=kind",
        "/health",
        "/findings",
        f"/item/{item}",
        "/search?q=条目99999",
        "/search?q=2018-0&field=index_no",
        "/api/sites",
        f"/api/sites/{slug}/counts",
        f"/api/columns/{column}/items",
        f"/api/items/{item}",
        "/api/health",
        f"/export/counts.xlsx?site={slug}",
        f"/export/column-items.csv?column={column}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL of the archive")
    parser.add_argument("--warc", help="WARC folder")
    parser.add_argument("--repeat", type=int, default=3, help="warm requests per page (the best is shown)")
    args = parser.parse_args()
    app = create_app(args.db, args.warc, token="")
    client = app.test_client()
    print(f"{'page':<48} {'status':>6} {'cold ms':>9} {'warm ms':>9}")
    slow = 0
    for url in urls(args.db):
        started = time.perf_counter()
        status = client.get(url).status_code
        cold = (time.perf_counter() - started) * 1000
        warm = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            warm.append((time.perf_counter() - started) * 1000)
        best = min(warm)
        slow += best > BUDGET_MS
        flag = "  SLOW" if best > BUDGET_MS else ""
        print(f"{url:<48} {status:>6} {cold:>9.0f} {best:>9.0f}{flag}", flush=True)
    print(f"{slow} page(s) over {BUDGET_MS} ms warm")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
