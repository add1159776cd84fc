"""zwgk discover writes a profile that maps every column right, and a crawl can use it as edited."""

from __future__ import annotations

import json

import yaml
from helpers import diff_counts, run_zwgk, taxonomy_counts, truth_taxonomy_counts


def test_discover_maps_every_column_and_the_profile_crawls(tmp_path):
    import replica

    site = replica.build_site(replica.load_spec("mixed"))
    truth = replica.truth(site)
    profile_file = tmp_path / "mixed.yaml"
    with replica.ReplicaServer(site) as server:
        found = run_zwgk("discover", server.base_url, "--site", "mixed", "-o", str(profile_file))
        assert found.returncode == 0, found.stderr[-2000:]
        profile = yaml.safe_load(profile_file.read_text(encoding="utf-8"))
        base = server.base_url.rstrip("/")
        by_url = {column["url"]: column for column in profile["columns"]}
        for column in truth["columns"]:
            discovered = by_url[base + column["url"]]
            assert discovered["path"] == column["path"]
            assert discovered["taxonomy"] == column["taxonomy_code"], column["path"]
            if column["taxonomy_code"]:
                assert discovered["taxonomy_rule"] in ("exact", "alias", "normalised")
        assert profile["cms"] == "mixed"
        assert "1 unclassified: 县长信箱" in found.stderr
        # Nothing was walked: a handful of pages, not the portal.
        assert server.request_count < 40

        # An auditor edits the profile by hand (drops a column), then crawls with it.
        blocked = {base + c["url"] for c in truth["columns"] if c.get("blocked")}
        dropped = next(c for c in profile["columns"] if c["taxonomy"] and c["url"] not in blocked)
        profile["columns"].remove(dropped)
        profile_file.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
        crawled = run_zwgk("crawl", str(profile_file), "--data", str(tmp_path), "--json")
    assert crawled.returncode == 5, crawled.stderr[-2000:]  # the two WAF-blocked columns
    assert json.loads(crawled.stdout)["columns"]["blocked"] == 2
    want = truth_taxonomy_counts(truth)
    want = {key: n for key, n in want.items() if key[0] != dropped["taxonomy_path"]}
    assert diff_counts(taxonomy_counts(tmp_path, "mixed"), want) == {}


def test_discover_refuses_what_is_not_a_url():
    result = run_zwgk("discover", "profile.yaml")
    assert result.returncode == 2
    assert "expects the portal's http(s) URL" in result.stderr
