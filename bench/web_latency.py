"""Benchmark: how long every dashboard page takes on an archive (e.g. the one-million-item one), cold and warm.

    .venv/bin/python -m bench.audit_million --keep /tmp/bench1m          # builds bench.sqlite
    .venv/bin/python -m bench.web_latency --db sqlite:////tmp/bench1m/bench.sqlite \\
        [--db postgresql+psycopg://postgres@127.0.0.1/bench1m] [--cold 3] [--warm 5]

Requests each page through the application (no network), on each archive given (``POST`` pages:
the reconciliation page and API, sent the 2018 seed report of the test fixtures):

- cold: in a fresh process with a fresh application (empty answer cache, no warm-up, new database
  connection, templates not yet compiled), the page's first request — what the first visitor after
  ``zwgk serve`` starts waits; the first visitor after a crawl (cache emptied) waits no longer.
  Each page is measured in ``--cold`` separate processes; the median is shown.
- warm: in one application, after one request to the page, the median of ``--warm`` requests.

The operating system's file cache is not dropped: the archive's pages are in memory, as on a
server that has run for a while. Pages over the budget are listed at the end; the exit status is 1
when any page is over it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from audit.web import create_app  # noqa: E402
from storage import rollup  # noqa: E402
from storage.models import Column, Item, Site  # noqa: E402
from storage.readonly import ReadOnlyArchive  # noqa: E402

BUDGET_MS = 300
ROOT = Path(__file__).resolve().parent.parent
# The report the reconciliation page is posted (the 2018 seed report of the test fixtures).
REPORT = ROOT / "tests" / "fixtures" / "reports" / "seed_2018.txt"
POST = "POST "


def urls(db_url: str) -> list[str]:
    """Every page and API answer of the dashboard, with the archive's first site, column and last item."""
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
        "/compare?by=taxonomy",
        f"/compare?site={slug}&by=kind",
        "/health",
        "/findings",
        f"/item/{item}",
        "/search?q=条目99999",
        "/search?q=目12",
        "/search?q=条",
        "/search?q=Z",
        "/search?q=2018-0&field=index_no",
        "/search?q=〔2018〕&field=doc_no",
        "/reconcile",
        f"{POST}/reconcile?site={slug}&year=2018",
        f"/reconcile/items?site={slug}&year=2018&claim=items_published&scope=year",
        f"/reconcile/items?site={slug}&year=2018&claim=feature_column_cumulative&scope=cumulative",
        "/api/sites",
        f"/api/sites/{slug}/counts",
        f"/api/sites/{slug}/counts?by=taxonomy&year=2018",
        f"/api/sites/{slug}/counts?online_only=1",
        "/api/compare?by=taxonomy",
        f"/api/columns/{column}/items",
        f"/api/items/{item}",
        "/api/health",
        "/api/search?q=条目12345",
        f"{POST}/api/reconcile?site={slug}&year=2018",
        f"/api/reconcile/items?site={slug}&year=2018&claim=government_documents&scope=year",
        f"/export/counts.xlsx?site={slug}",
        f"/export/column-items.csv?column={column}",
    ]


def fetch(client: FlaskClient, url: str) -> int:
    """Request ``url``; a ``POST /reconcile?site=…&year=…`` posts the seed report as the form (or the
    JSON body of ``/api/reconcile``) with that site and year. Returns the status."""
    if not url.startswith(POST):
        return client.get(url).status_code
    path, _, query = url.removeprefix(POST).partition("?")
    fields = dict(parse_qsl(query))
    text = REPORT.read_text(encoding="utf-8")
    if path.startswith("/api/"):
        body = {"site": fields["site"], "year": int(fields["year"]), "text": text}
        return client.post(path, json=body).status_code
    return client.post(path, data={**fields, "text": text}).status_code


def probe(db_url: str, url: str, warc: str | None) -> None:
    """Print the status and milliseconds of the first request of a fresh application (one process)."""
    app = create_app(db_url, warc, token="")
    client = app.test_client()
    started = time.perf_counter()
    status = fetch(client, url)
    print(json.dumps({"status": status, "ms": (time.perf_counter() - started) * 1000}))


def cold(db_url: str, url: str, warc: str | None, runs: int) -> tuple[int, float]:
    timings, status = [], 0
    for _ in range(runs):
        command = [sys.executable, "-m", "bench.web_latency", "--db", db_url, "--probe", url]
        if warc:
            command += ["--warc", warc]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        timings.append(answer["ms"])
        status = answer["status"]
    return status, statistics.median(timings)


def measure(
    db_url: str, warc: str | None, cold_runs: int, warm_runs: int
) -> list[tuple[str, int, float, float]]:
    """(url, status, cold ms, warm ms) of every page of one archive."""
    app = create_app(db_url, warc, token="")
    client = app.test_client()
    rows = []
    for url in urls(db_url):
        status, cold_ms = cold(db_url, url, warc, cold_runs)
        fetch(client, url)
        warm = []
        for _ in range(warm_runs):
            started = time.perf_counter()
            fetch(client, url)
            warm.append((time.perf_counter() - started) * 1000)
        rows.append((url, status, cold_ms, statistics.median(warm)))
        flag = "  SLOW" if max(cold_ms, rows[-1][3]) > BUDGET_MS else ""
        print(f"{url:<52} {status:>6} {cold_ms:>9.0f} {rows[-1][3]:>9.0f}{flag}", flush=True)
    app.config["ZWGK_ARCHIVE"].dispose()
    return rows


def rollup_state(db_url: str) -> str:
    archive = ReadOnlyArchive(db_url)
    with archive.session() as s:
        current = rollup.current(s) is not None
    archive.dispose()
    return "current" if current else "absent or stale: counts are computed live"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--db", action="append", required=True, help="database URL of an archive (repeatable)"
    )
    parser.add_argument("--warc", help="WARC folder")
    parser.add_argument("--cold", type=int, default=3, help="fresh processes per page (the median is shown)")
    parser.add_argument("--warm", type=int, default=5, help="warm requests per page (the median is shown)")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.db[0], args.probe, args.warc)
        return 0
    slow: list[str] = []
    for db_url in args.db:
        print(f"\n{db_url}  (rollup {rollup_state(db_url)}; load average {_load()})")
        print(f"{'page':<52} {'status':>6} {'cold ms':>9} {'warm ms':>9}")
        for url, status, cold_ms, warm_ms in measure(db_url, args.warc, args.cold, args.warm):
            if status != 200 or max(cold_ms, warm_ms) > BUDGET_MS:
                slow.append(f"{db_url} {url}: status {status}, cold {cold_ms:.0f} ms, warm {warm_ms:.0f} ms")
        print(f"load average after: {_load()}")
    print(f"\n{len(slow)} page(s) over {BUDGET_MS} ms (or failing), cold or warm:")
    for line in slow:
        print(f"  {line}")
    return 1 if slow else 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
