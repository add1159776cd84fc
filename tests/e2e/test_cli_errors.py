"""Bad input gets a clear message and a non-zero exit, and loses nothing already stored."""

from __future__ import annotations

from helpers import column_counts, run_zwgk

import replica


def test_unreachable_url(tmp_path):
    result = run_zwgk("crawl", "http://127.0.0.1:9/", "--data", str(tmp_path))
    assert result.returncode == 3
    assert "cannot reach http://127.0.0.1:9/" in result.stderr


def test_profile_not_yaml(tmp_path):
    profile = tmp_path / "bad.yaml"
    profile.write_text("slug: [unclosed\n")
    result = run_zwgk("crawl", str(profile), "--data", str(tmp_path))
    assert result.returncode == 2
    assert "not valid YAML" in result.stderr


def test_profile_missing_field(tmp_path):
    profile = tmp_path / "partial.yaml"
    profile.write_text("slug: x\nname: X\ncolumns: []\n")
    result = run_zwgk("crawl", str(profile), "--data", str(tmp_path))
    assert result.returncode == 2
    assert "missing required field(s): base_url, columns" in result.stderr


def test_profile_missing_file(tmp_path):
    result = run_zwgk("crawl", str(tmp_path / "nope.yaml"), "--data", str(tmp_path))
    assert result.returncode == 2
    assert "cannot read the profile" in result.stderr


def test_database_that_cannot_be_opened(tmp_path):
    result = run_zwgk(
        "crawl", "http://127.0.0.1:9/", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/test"
    )
    assert result.returncode == 2
    assert "127.0.0.1:1" in result.stderr
    result = run_zwgk("audit", "counts", "--db", "nosuchdriver://x")
    assert result.returncode == 2
    assert "nosuchdriver" in result.stderr


def test_failed_run_loses_nothing(tiny_site, tmp_path):
    # The same portal at the same address, gone: the run fails as unreachable (another address
    # would be refused earlier, as a site that may have moved: tests/integration/test_site_moved.py).
    with replica.ReplicaServer(tiny_site) as server:
        base_url = server.base_url
        first = run_zwgk("crawl", base_url, "--site", "tiny", "--data", str(tmp_path))
    assert first.returncode == 0, first.stderr
    before = column_counts(tmp_path, "tiny")
    assert before
    failed = run_zwgk("crawl", base_url, "--site", "tiny", "--data", str(tmp_path))
    assert failed.returncode == 3, failed.stderr
    assert column_counts(tmp_path, "tiny") == before
