"""End to end: crawl the replica portal (both CMS styles) and compare the archive with its truth."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import (
    column_counts,
    diff_counts,
    duplicates,
    run_zwgk,
    summary_json,
    taxonomy_counts,
    truth_column_counts,
    truth_taxonomy_counts,
)
from sqlalchemy import func, select

from storage.db import database_url, open_database
from storage.models import Item, ItemColumn


def _crawl(target: str, data: Path, *extra: str) -> dict:
    result = run_zwgk("crawl", target, "--data", str(data), "--json", *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return summary_json(result)


def _rows(data: Path) -> tuple[int, int, list[str]]:
    db = open_database(database_url(data))
    with db.session() as session:
        items = session.scalar(select(func.count()).select_from(Item)) or 0
        memberships = session.scalar(select(func.count()).select_from(ItemColumn)) or 0
        urls = list(session.scalars(select(Item.url)))
    db.dispose()
    return items, memberships, urls


def test_crawl_by_url_matches_truth_and_is_idempotent(tiny_archive, tiny_archive_copy, tiny_truth):
    summary = tiny_archive.summary  # the crawl by URL (tests/conftest.py), shared with other tests
    assert summary["columns"].get("ok") == len(tiny_truth["columns"])

    want = truth_column_counts(tiny_truth)
    assert diff_counts(column_counts(tiny_archive.data, "tiny"), want) == {}
    assert diff_counts(taxonomy_counts(tiny_archive.data, "tiny"), truth_taxonomy_counts(tiny_truth)) == {}

    items, memberships, urls = _rows(tiny_archive.data)
    assert duplicates(urls) == []
    assert items == sum(tiny_truth["totals"]["items_by_year"].values())
    assert memberships == sum(want.values())

    _crawl(tiny_archive.base_url, tiny_archive_copy, "--site", "tiny")  # again, over a copy of it
    assert diff_counts(column_counts(tiny_archive_copy, "tiny"), want) == {}
    assert _rows(tiny_archive_copy)[:2] == (items, memberships)


def test_crawl_by_profile_matches_truth(tiny_server, tiny_site, tiny_truth, tmp_path):
    import replica

    profile = tmp_path / "tiny.yaml"
    profile.write_text(yaml.safe_dump(replica.profile(tiny_site, tiny_server.base_url), allow_unicode=True))
    _crawl(str(profile), tmp_path)
    assert diff_counts(column_counts(tmp_path, "tiny"), truth_column_counts(tiny_truth)) == {}


def test_special_pages_are_recorded(tiny_archive, tiny_truth):
    db = open_database(database_url(tiny_archive.data))
    with db.session() as session:
        statuses = dict(session.execute(select(Item.url, Item.fetch_status)).all())
        basis = dict(session.execute(select(Item.url, Item.counted_on_basis)).all())
        encodings = dict(session.execute(select(Item.url, Item.encoding)).all())
    db.dispose()
    base = tiny_archive.base_url.rstrip("/")
    for path in tiny_truth["special"]["not_found"]:
        assert statuses[base + path] == "not_found"
        assert basis[base + path] == "list"
    for path in tiny_truth["special"]["hijacked"]:
        assert statuses[base + path] == "ok"
    gbk = [url for url, enc in encodings.items() if enc and enc.lower() in ("gbk", "gb18030", "gb2312")]
    assert gbk, "the GBK column's pages were not decoded as GBK"


@pytest.mark.slow
def test_demo_spec_reproduces_the_report_figures(tmp_path):
    import replica

    site = replica.build_site(replica.load_spec("qingshi"))
    truth = replica.truth(site)
    with replica.ReplicaServer(site) as server:
        _crawl(server.base_url, tmp_path, "--site", "qingshi")
    assert diff_counts(column_counts(tmp_path, "qingshi"), truth_column_counts(truth)) == {}
    assert diff_counts(taxonomy_counts(tmp_path, "qingshi"), truth_taxonomy_counts(truth)) == {}
    result = run_zwgk("audit", "counts", "--data", str(tmp_path), "--year", "2018", "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    rows = json.loads(result.stdout)
    assert {"site", "column", "taxonomy", "year", "items"} <= set(rows[0])
    documents = [r["items"] for r in rows if r["column"] == "政府文件"]
    assert documents == [71]
