"""After a sweep, every capture shows its page (issue 14, point 3): a page that answered 304 is
shown, written with ``--raw`` and served by the dashboard as the payload it confirmed."""

from __future__ import annotations

from helpers import run_zwgk
from sqlalchemy import select

from audit.web import create_app
from storage.db import database_url, open_database
from storage.models import Capture


def _crawl(base_url: str, data: str, *extra: str) -> None:
    result = run_zwgk("crawl", base_url, "--site", "tiny", "--data", data, "--no-inspect", *extra)
    assert result.returncode == 0, result.stderr[-3000:]


def test_after_a_sweep_every_capture_shows_its_page(tiny_server, tmp_path):
    data = str(tmp_path / "data")
    _crawl(tiny_server.base_url, data)
    _crawl(tiny_server.base_url, data, "--sweep")
    db = open_database(database_url(data))
    with db.session() as s:
        captures = list(s.scalars(select(Capture).order_by(Capture.id)))
    db.dispose()
    not_modified = [c for c in captures if c.http_status == 304]
    assert not_modified, "the sweep should have met pages answering 304"
    first_body = {}
    for c in captures:
        if c.http_status == 200 and c.url not in first_body and c.record_type == "response":
            first_body[c.url] = c
    for c in not_modified[:5]:
        raw = tmp_path / f"raw-{c.id}"
        result = run_zwgk("show", c.url, "--data", data, "--raw", str(raw))
        assert result.returncode == 0, result.stderr
        assert "unchanged since" in result.stderr and "HTTP 304" in result.stderr
        body = raw.read_bytes()
        assert body, f"{c.url}: the 304 capture wrote 0 bytes"
        assert len(body) == first_body[c.url].payload_length, f"{c.url}: not the confirmed payload"
        shown = run_zwgk("show", c.url, "--data", data)
        assert shown.returncode == 0 and shown.stdout.strip(), f"{c.url}: shown as nothing"
    app = create_app(database_url(data), warc_dir=tmp_path / "data" / "warc")
    client = app.test_client()
    for c in not_modified[:5]:
        page = client.get(f"/raw/{c.id}")
        assert page.status_code == 200 and page.data.strip(), f"capture {c.id} served empty"
