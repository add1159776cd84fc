"""``zwgk show`` reads the page as the crawl archived it, never a cloaking probe's copy (the page as
a search-engine crawler or another visitor saw it), even a newer one; ``--list`` lists both, each
with its role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import repository
from storage.db import database_url, open_database
from storage.evidence import CaptureRow, record_captures
from storage.models import PROBE_PAGE_KIND
from storage.warc import WarcWriter
from zwgk.cli import main

URL = "http://h/zfwj/1.html"
T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
CRAWLED = "<html><body><p>依法公开的正文</p></body></html>".encode()
AS_SPIDER = "<html><body><p>博彩 代孕 广告</p></body></html>".encode()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    warc = tmp_path / "warc"
    warc.mkdir()
    rows = []
    with WarcWriter(warc, worker="w1") as writer:
        for kind, at, body in (
            ("detail", T0, CRAWLED),
            (PROBE_PAGE_KIND, T0 + timedelta(minutes=5), AS_SPIDER),
        ):
            where = writer.write_exchange(
                URL,
                at,
                200,
                "OK",
                [("Content-Type", "text/html; charset=utf-8")],
                body,
                [("User-Agent", "x")],
            )
            rows.append(
                CaptureRow(
                    URL, kind, at, 200, "text/html", where.payload_digest, len(body), where.record_type,
                    where.file, where.offset, where.length, True,
                )
            )  # fmt: skip
    db = open_database(database_url(tmp_path))
    with db.session() as session:
        site_id = repository.ensure_site(session, "s", "S", "http://h/", None)
        record_captures(session, site_id, None, rows)
        session.commit()
    db.dispose()
    return tmp_path


def test_show_reads_the_crawls_capture_not_a_newer_probes(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", URL, "--data", str(data), "--raw", str(data / "page.html")]) == 0
    assert (data / "page.html").read_bytes() == CRAWLED
    assert main(["show", URL, "--data", str(data)]) == 0
    shown = capsys.readouterr().out
    assert "依法公开的正文" in shown and "博彩" not in shown


def test_show_list_gives_every_capture_with_its_role(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", URL, "--data", str(data), "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "probe" in lines[0] and "crawl" in lines[1]  # newest first
