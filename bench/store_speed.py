"""How much faster the batch writers store a crawl than the per-row ones (a benchmark, not a test).

Writes the same synthetic crawl (listings, some cross-listed, then each item's detail page) into
two fresh SQLite archives: once a row at a time through ``record_listing`` / ``record_detail``, once
through ``record_listings`` / ``record_details`` in batches, both committing every ``--batch``
records as the store pipeline does. Prints both times, the ratio, and whether the archives agree.

    .venv/bin/python bench/store_speed.py --items 20000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import repository as repo
from storage.db import database_url, open_database
from storage.models import Item, ItemColumn, ItemVersion

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
COLUMNS = 20
# One item in this many is listed in a second column too (cross-listing).
CROSS_LISTED_EVERY = 10

Record = repo.ListingRow | repo.DetailRow


def synthetic_crawl(items: int) -> Iterator[Record]:
    """What a crawl of ``items`` pages would store, in the order a spider yields it."""
    for n in range(items):
        url = f"http://www.example.gov.cn/zfxxgk/{n // 1000}/t{n}.html"
        at = T0 + timedelta(milliseconds=20 * n)
        column = n % COLUMNS
        yield _listing(column, url, n, at)
        if n % CROSS_LISTED_EVERY == 0:
            yield _listing((column + 1) % COLUMNS, url, n, at)
        yield repo.DetailRow(url, _detail_fields(n), at + timedelta(milliseconds=10))


def _listing(column: int, url: str, n: int, at: datetime) -> repo.ListingRow:
    code = f"code:{column % 5}"
    return repo.ListingRow(
        column_id=column + 1,
        url=url,
        list_title=f"关于印发第{n}号文件的通知",
        list_date=date(2018, 1, 1) + timedelta(days=n % 1500),
        position=n % 20,
        foreign=n % 97 == 0,
        taxonomy_code=code,
        taxonomy_path=f"政府文件/{column % 5}",
        taxonomy_rule="column",
        taxonomy_version="2018.1",
        seen_at=at,
    )


def _detail_fields(n: int) -> dict[str, Any]:
    ok = n % 50 != 0
    return {
        "title": f"关于印发第{n}号文件的通知" if ok else None,
        "index_no": f"11220000/{n:06d}",
        "doc_no": f"黑政办发〔2018〕{n}号",
        "publisher": "县人民政府办公室",
        "published_on": date(2018, 1, 1) + timedelta(days=n % 1500),
        "body_text": "正文内容。" * 200 if ok else None,
        "attachments": [{"url": f"http://www.example.gov.cn/f/{n}.doc", "name": "附件1"}],
        "fetch_status": "ok" if ok else "not_found",
        "http_status": 200 if ok else 404,
        "encoding": "utf-8",
        "content_hash": f"{n:064x}" if ok else None,
    }


def per_row(session: Session, site_id: int, records: list[Record], batch: int) -> None:
    for index, record in enumerate(records, 1):
        if isinstance(record, repo.ListingRow):
            repo.record_listing(
                session, site_id, record.column_id, record.url, record.list_title, record.list_date,
                record.position, record.foreign, record.taxonomy_code, record.taxonomy_path,
                record.taxonomy_rule, record.taxonomy_version, record.seen_at,
            )  # fmt: skip
        else:
            repo.record_detail(session, site_id, record.url, record.fields, record.seen_at)
        if index % batch == 0:
            session.commit()


def batched(session: Session, site_id: int, records: list[Record], batch: int) -> None:
    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        repo.record_listings(session, site_id, [r for r in chunk if isinstance(r, repo.ListingRow)])
        repo.record_details(session, site_id, [r for r in chunk if isinstance(r, repo.DetailRow)])
        session.commit()


Writer = Callable[[Session, int, list[Record], int], None]


def timed_run(
    folder: Path, write: Writer, records: list[Record], batch: int
) -> tuple[float, tuple[int, ...]]:
    """Seconds ``write`` takes to store ``records`` into a fresh archive, and that archive's row counts."""
    db = open_database(database_url(folder))
    with db.session() as session:
        site_id = repo.ensure_site(session, "bench", "基准县", "http://www.example.gov.cn/", "trs")
        for column in range(COLUMNS):
            url = f"http://www.example.gov.cn/col{column}/"
            repo.ensure_column(session, site_id, f"栏目{column}", url, "trs", None, None, None, T0)
    with Session(db.engine) as session:
        started = time.perf_counter()
        write(session, site_id, records, batch)
        session.commit()
        elapsed = time.perf_counter() - started
        counts = tuple(
            session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Item, ItemColumn, ItemVersion)
        )
    db.dispose()
    return elapsed, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=20_000, help="synthetic items (default 20000)")
    parser.add_argument("--batch", type=int, default=500, help="records per commit (default 500)")
    args = parser.parse_args()
    records = list(synthetic_crawl(args.items))
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-") as tmp:
        slow, slow_counts = timed_run(Path(tmp) / "per-row", per_row, records, args.batch)
        fast, fast_counts = timed_run(Path(tmp) / "batch", batched, records, args.batch)
    print(f"{len(records)} records ({args.items} items), commit every {args.batch}")
    print(f"per-row: {slow:8.2f} s  {len(records) / slow:9.0f} records/s")
    print(f"batch:   {fast:8.2f} s  {len(records) / fast:9.0f} records/s")
    print(f"ratio:   {slow / fast:8.1f}x faster")
    print(f"rows (items, memberships, versions): per-row {slow_counts}, batch {fast_counts}")
    if slow_counts != fast_counts:
        raise SystemExit("the two archives differ")


if __name__ == "__main__":
    main()
