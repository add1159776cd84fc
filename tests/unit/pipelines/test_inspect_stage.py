"""The inspect stage: a detail page and an attachment scanned, the findings and the attachment's
text kept, the links seen gathered for the link check; off with ZWGK_INSPECT = False."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawler.items import AttachmentFile, CrawlTarget, Fetched
from pipelines.inspect import InspectPipeline
from storage import reads, repository
from storage.db import open_database
from storage.evidence import CaptureRow, record_captures
from storage.models import LinkCheck, Site

PAGE = "http://h/zfwj/1.html"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
HTML = (
    "<html><body><p>依照《中华人民共合国政府信息公开条例》公开。</p>"
    '<a href="/inspection/gone.html">相关链接</a><a href="http://h/zfwj/2.html">下一篇</a></body></html>'
)


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _fetched(url: str, body: str, kind: str = "detail") -> Fetched:
    return Fetched("s", url, kind, 200, [("Content-Type", "text/html; charset=utf-8")], body.encode(), [])


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    db = open_database(url)
    with db.session() as session:
        repository.ensure_site(session, "s", "S", "http://h/", None)
        session.commit()
    db.dispose()
    return url


def test_a_page_and_an_attachment_are_scanned_and_kept(db_url):
    stage = InspectPipeline.from_crawler(get_crawler(settings_dict={"ZWGK_DB_URL": db_url}))
    stage.process_item(CrawlTarget("s", "S", "http://h/", "trs", "full", "http://h/", ["h"]))
    stage.process_item(_fetched(PAGE, HTML))
    stage.process_item(_fetched("http://h/zfwj/2.html", "<p>下一篇</p>"))
    body = _docx("李四 330102198512020023 手机 13812345678")
    stage.process_item(AttachmentFile("s", "http://h/a.docx", PAGE, "a.docx", 200, None, body))
    stage.process_item(
        AttachmentFile("s", "http://h/b.pdf", PAGE, "b.pdf", 0, note="Forbidden by robots.txt")
    )
    stage.close_spider()

    db = open_database(db_url)
    with db.session() as session:
        found = {(f.kind, f.url, f.where) for f in reads.all_findings(session)}
        files = {a.url: a for a in reads.attachments_of(session, "s")}
        links = {row.url: row.verdict for row in session.query(LinkCheck)}
    db.dispose()
    assert found == {("wording_error", PAGE, "page"), ("privacy_leak", "http://h/a.docx", "attachment")}
    assert "13812345678" in (files["http://h/a.docx"].text or "")
    assert files["http://h/b.pdf"].reason == "Forbidden by robots.txt"
    # the page the crawl fetched counts as checked alive; the other waits for the link check
    assert links == {"http://h/inspection/gone.html": None, "http://h/zfwj/2.html": "alive"}


def test_the_stage_is_off_without_inspection(db_url):
    crawler = get_crawler(settings_dict={"ZWGK_DB_URL": db_url, "ZWGK_INSPECT": False})
    with pytest.raises(NotConfigured):
        InspectPipeline.from_crawler(crawler)


def test_a_closing_write_aborted_as_a_deadlock_is_written_again(db_url, monkeypatch):
    """Workers of a distributed crawl end together and write the same links: PostgreSQL may abort
    one transaction as a deadlock; it left nothing, so the stage writes it all again."""
    from sqlalchemy.exc import OperationalError

    import pipelines.inspect as inspect_stage

    stage = InspectPipeline.from_crawler(get_crawler(settings_dict={"ZWGK_DB_URL": db_url}))
    stage.process_item(CrawlTarget("s", "S", "http://h/", "trs", "full", "http://h/", ["h"]))
    stage.process_item(_fetched(PAGE, HTML))
    write, tries = stage._write, []

    def aborted_once(db):
        tries.append(1)
        if len(tries) == 1:  # aborted by PostgreSQL: nothing of it stays
            raise OperationalError("INSERT", {}, Exception("deadlock detected"))
        write(db)

    monkeypatch.setattr(stage, "_write", aborted_once)
    monkeypatch.setattr(inspect_stage.time, "sleep", lambda seconds: None)
    stage.close_spider()
    db = open_database(db_url)
    with db.session() as session:
        links = sorted(row.url for row in session.query(LinkCheck))
    db.dispose()
    assert len(tries) == 2
    assert links == ["http://h/inspection/gone.html", "http://h/zfwj/2.html"]

    def aborted_always(db):
        raise OperationalError("COMMIT", {}, Exception("deadlock detected"))

    monkeypatch.setattr(stage, "_write", aborted_always)
    with pytest.raises(OperationalError):
        stage.close_spider()


def _crawl_home(db_url: str, scripts: str, **record: object) -> None:
    """One crawl through the stage: the home page loading ``scripts``, archived where ``record`` says."""
    stage = InspectPipeline.from_crawler(get_crawler(settings_dict={"ZWGK_DB_URL": db_url}))
    stage.process_item(CrawlTarget("s", "S", "http://h/", "trs", "full", "http://h/", ["h"]))
    page = _fetched(
        "http://h/", f"<html><head>{scripts}</head><body><a href='/a.html'>a</a></body></html>", "home"
    )
    for name, value in record.items():
        setattr(page, name, value)
    stage.process_item(page)
    stage.close_spider()


def test_a_script_host_no_earlier_crawl_saw_is_a_finding_with_its_page_s_capture(db_url):
    common = '<script src="https://hm.baidu.com/hm.js"></script><script src="/local.js"></script>'
    _crawl_home(db_url, common)  # the first look: nothing to compare with
    db = open_database(db_url)
    with db.session() as session:
        assert reads.all_findings(session) == []
        site_id = session.scalar(select(Site.id))
        (capture_id,) = record_captures(
            session, site_id, None,
            [CaptureRow("http://h/", "home", T0, 200, None, "sha1:X", 1, "response", "w.warc.gz", 42, 9, True)],
        )  # fmt: skip
        session.commit()
    db.dispose()
    new = '<script src="http://js.cdn.example/t.js"></script>'
    _crawl_home(db_url, common + new, warc_file="w.warc.gz", warc_offset=42)
    _crawl_home(db_url, common + new)  # known now: not reported again
    db = open_database(db_url)
    with db.session() as session:
        found = [(f.kind, f.target, f.url, f.where, f.capture_id) for f in reads.all_findings(session)]
    db.dispose()
    assert found == [("new_script_host", "js.cdn.example", "http://h/", "site", capture_id)]


def _open_script_host_findings(db_url: str) -> list[tuple[str, bool]]:
    db = open_database(db_url)
    with db.session() as session:
        found = [(f.target, f.resolved_at is not None) for f in reads.all_findings(session)]
    db.dispose()
    return found


def test_a_script_host_the_pages_no_longer_load_is_resolved_and_new_again_if_it_returns(db_url):
    common = '<script src="https://hm.baidu.com/hm.js"></script>'
    injected = '<script src="http://js.cdn.example/t.js"></script>'
    _crawl_home(db_url, common)  # the first look
    _crawl_home(db_url, common + injected)
    assert _open_script_host_findings(db_url) == [("js.cdn.example", False)]
    # a crawl that did not fetch the page again says nothing of it
    stage = InspectPipeline.from_crawler(get_crawler(settings_dict={"ZWGK_DB_URL": db_url}))
    stage.process_item(CrawlTarget("s", "S", "http://h/", "trs", "full", "http://h/", ["h"]))
    stage.process_item(_fetched("http://h/other.html", f"<html><head>{common}</head></html>", "list"))
    stage.close_spider()
    assert _open_script_host_findings(db_url) == [("js.cdn.example", False)]
    # the page fetched again without the script: the host is gone, its finding resolved
    _crawl_home(db_url, common)
    assert _open_script_host_findings(db_url) == [("js.cdn.example", True)]
    # injected again later: new again, the finding reopened
    _crawl_home(db_url, common + injected)
    assert _open_script_host_findings(db_url) == [("js.cdn.example", False)]


def test_a_worker_of_a_distributed_crawl_forgets_no_script_host(db_url):
    # it saw only its share of the pages: another worker may load the host from a page it never scanned
    common = '<script src="https://hm.baidu.com/hm.js"></script>'
    injected = '<script src="http://js.cdn.example/t.js"></script>'
    _crawl_home(db_url, common)
    _crawl_home(db_url, common + injected)
    stage = InspectPipeline.from_crawler(
        get_crawler(settings_dict={"ZWGK_DB_URL": db_url, "ZWGK_REDIS_URL": "redis://127.0.0.1:6379/0"})
    )
    stage.process_item(CrawlTarget("s", "S", "http://h/", "trs", "full", "http://h/", ["h"]))
    stage.process_item(_fetched("http://h/", f"<html><head>{common}</head></html>", "home"))
    stage.close_spider()
    assert _open_script_host_findings(db_url) == [("js.cdn.example", False)]
