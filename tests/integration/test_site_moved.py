"""A site is one site whatever address reached it: a second address is refused (exit 2, nothing
changed) unless --site-moved, which re-bases the stored URLs without duplicating an item."""

from __future__ import annotations

from helpers import column_counts, diff_counts, duplicates, run_zwgk, truth_column_counts
from sqlalchemy import select

from storage.db import database_url, open_database
from storage.models import Item, Site


def _state(data):
    db = open_database(database_url(data))
    with db.session() as session:
        urls = list(session.scalars(select(Item.url)))
        base = session.scalar(select(Site.base_url))
    db.dispose()
    return urls, base


def test_crawl_at_another_address_refused_then_rebased(
    tiny_site, tiny_truth, tiny_archive, tiny_archive_copy
):
    import replica

    truth = tiny_truth
    slug = truth["site"]["slug"]
    data = tiny_archive_copy  # the tiny replica crawled at its first address (tests/conftest.py)
    before = _state(data)
    with replica.ReplicaServer(tiny_site) as second:
        assert second.base_url != tiny_archive.base_url
        refused = run_zwgk("crawl", second.base_url, "--site", slug, "--data", str(data))
        assert refused.returncode == 2, refused.stderr[-3000:]
        assert "--site-moved" in refused.stderr
        assert _state(data) == before
        moved = run_zwgk("crawl", second.base_url, "--site", slug, "--data", str(data), "--site-moved")
        assert moved.returncode == 0, moved.stderr[-3000:]
        new_origin = second.base_url.rstrip("/")
    urls, base = _state(data)
    assert duplicates(urls) == []
    assert len(urls) == len(before[0])
    assert base.startswith(new_origin)
    assert all(url.startswith(new_origin) for url in urls if "127.0.0.1" in url)
    assert diff_counts(column_counts(data, slug), truth_column_counts(truth)) == {}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_twice_on_different_ports_keeps_the_figures(tmp_path):
    counts = []
    for _ in range(2):
        done = run_zwgk("demo", "--spec", "tiny", "--port", str(_free_port()), "--data", str(tmp_path))
        assert done.returncode == 0, done.stderr[-3000:]
        urls, _ = _state(tmp_path)
        assert duplicates(urls) == []
        counts.append(len(urls))
    assert counts[0] == counts[1] > 0
