"""Health on the replica's truth: an archive written from the replica model (no crawl) must show
exactly the truth's empty columns, the stale columns its dates imply, and its hijacked pages."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import replica
from audit.health import back, inspect_health, load_settings
from crawler.extract.integrity import scan_page
from replica.routes import Router
from storage import repository as repo
from storage.db import open_database
from storage.findings import record_finding
from taxonomy import default_taxonomy

logger = logging.getLogger(__name__)

BASE = "http://127.0.0.1:8418"


@pytest.mark.parametrize("spec", ["tiny", "qingshi"])
def test_health_matches_the_replica_truth(spec, tmp_path: Path):
    site = replica.build_site(replica.load_spec(spec))
    truth = replica.truth(site)
    taxonomy = default_taxonomy()
    seen = datetime.combine(site.as_of, datetime.min.time(), tzinfo=UTC)
    router = Router(site)
    db = open_database(f"sqlite:///{tmp_path / 'zwgk.sqlite'}")
    with db.session() as s:
        site_id = repo.ensure_site(s, spec, site.name, BASE + "/", "mixed")
        for column in site.listing_columns():
            node = taxonomy.get(column.defn.taxonomy_code) if column.defn.taxonomy_code else None
            cid = repo.ensure_column(
                s,
                site_id,
                column.path,
                BASE + column.url,
                column.cms,
                node.code if node else None,
                node.path if node else None,
                "replica",
                seen,
            )
            status = "blocked" if column.blocked else "ok"
            repo.record_column_walk(
                s, cid, 1, 0 if column.blocked else len(column.items), None, None, status, None, seen
            )
            if column.blocked:
                continue
            for item in column.items:
                url = item.url if item.url.startswith("http") else BASE + item.url
                repo.record_listing(
                    s,
                    site_id,
                    cid,
                    url,
                    item.title,
                    item.list_date,
                    0,
                    False,
                    None,
                    node.path if node else None,
                    "replica",
                    "t",
                    seen,
                )
                fetch = "ok" if item.served else ("not_found" if item.status == "not_found" else "foreign")
                repo.record_detail(
                    s, site_id, url, {"published_on": item.list_date, "fetch_status": fetch}, seen
                )
        for path in truth["special"]["hijacked"] + [c.url for c in site.listing_columns()][:3]:
            reply = router.get(path)
            for signal in scan_page(
                reply.body.decode("utf-8", "replace"), BASE + path, site.name, {"127.0.0.1"}
            ):
                record_finding(
                    s,
                    site_id,
                    signal.kind,
                    BASE + path,
                    seen,
                    evidence=signal.evidence,
                    severity=signal.severity,
                )
        s.commit()
        health = {i.key: i for i in inspect_health(s, site.as_of, site=spec).indicators}
    db.dispose()

    assert sorted(e["column"] for e in health["empty_columns"].evidence) == sorted(
        truth["special"]["empty_columns"]
    )
    windows = load_settings()["windows"]
    want_stale = set()
    for column in site.listing_columns():
        code = column.defn.taxonomy_code
        klass = taxonomy.get(code).update_class if code else "other"
        if column.blocked or not column.items or klass not in windows:
            continue
        newest = max(i.list_date for i in column.items if i.list_date <= site.as_of)
        if newest < back(site.as_of, windows[klass]):
            want_stale.add(column.path)
    assert {e["column"] for e in health["stale_columns"].evidence} == want_stale
    assert {e["url"] for e in health["hijacked_pages"].evidence} == {
        BASE + p for p in truth["special"]["hijacked"]
    }
    assert {e["url"] for e in health["broken_links"].evidence} == {
        BASE + p for p in truth["special"]["not_found"]
    }
    assert health["hijacked_pages"].fails
    assert isinstance(site.as_of, date)
