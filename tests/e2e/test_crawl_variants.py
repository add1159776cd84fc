"""Any portal, no configuration: crawl each CMS style of the replica by URL and compare with truth."""

from __future__ import annotations

import json

import pytest
from helpers import (
    column_counts,
    diff_counts,
    run_zwgk,
    taxonomy_counts,
    truth_column_counts,
    truth_taxonomy_counts,
)
from sqlalchemy import select

from storage.db import database_url, open_database
from storage.models import Capture, Column, Item


@pytest.mark.parametrize("spec", ["trs_only", "hanweb_only", "ucap_only", "generic_only", "mixed"])
def test_crawl_without_profile_matches_truth(spec, tmp_path):
    import replica

    site = replica.build_site(replica.load_spec(spec))
    truth = replica.truth(site)
    with replica.ReplicaServer(site) as server:
        result = run_zwgk("crawl", server.base_url, "--site", spec, "--data", str(tmp_path), "--json")
    blocked = [c["path"] for c in truth["columns"] if c.get("blocked")]
    assert result.returncode == (5 if blocked else 0), result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["columns"].get("ok") == len(truth["columns"]) - len(blocked)

    assert diff_counts(taxonomy_counts(tmp_path, spec), truth_taxonomy_counts(truth)) == {}
    assert diff_counts(column_counts(tmp_path, spec), truth_column_counts(truth)) == {}

    db = open_database(database_url(tmp_path))
    with db.session() as session:
        columns = {c.path: c for c in session.scalars(select(Column))}
        statuses = dict(session.execute(select(Item.url, Item.fetch_status)).all())
        captured = list(session.scalars(select(Capture.url)))
    db.dispose()
    # Discovery mapped every column to the taxonomy node the portal meant.
    for column in truth["columns"]:
        assert columns[column["path"]].taxonomy_path == column["taxonomy"], column["path"]
    # A blocked column is recorded as blocked, never as an empty column.
    assert sorted(path for path, c in columns.items() if c.status == "blocked") == sorted(blocked)
    for path in blocked:
        assert columns[path].found_total == 0 and columns[path].note
    base = server.base_url.rstrip("/")
    for path in truth["special"]["not_found"]:
        assert statuses[base + path] == "not_found"
    for path in truth["special"].get("foreign", []):
        url = path if path.startswith("http") else base + path
        assert statuses[url] == "foreign"
    # Traps (calendar, search, print) were never followed, and the summary says how many were seen.
    if truth["special"].get("traps"):
        assert summary["traps_not_followed"].get("calendar", 0) > 0
        assert summary["traps_not_followed"].get("search", 0) > 0
    assert summary["details_not_found"] == len(truth["special"]["not_found"])
    assert not [url for url in captured if "calendar" in url or "search" in url or "print" in url]
