"""The ``shapes`` replica crawled end to end: every real-world list shape (sibling blocks, static
下一页 links, onclick and ``<select>`` pagers) yields exactly the truth's items per column."""

from __future__ import annotations

import json
import logging

from helpers import column_counts, diff_counts, run_zwgk, truth_column_counts

import replica

logger = logging.getLogger(__name__)


def test_crawl_of_every_list_shape_matches_truth(tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = replica.build_site(replica.load_spec("shapes"))
    truth = replica.truth(site)
    with replica.ReplicaServer(site) as server:
        result = run_zwgk("crawl", server.base_url, "--site", "shapes", "--data", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["columns"].get("ok") == len(truth["columns"])
    assert diff_counts(column_counts(tmp_path, "shapes"), truth_column_counts(truth)) == {}
