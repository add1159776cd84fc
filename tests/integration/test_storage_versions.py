"""Item versions and the edit findings they raise, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import reads
from storage import repository as repo
from storage.db import Database
from storage.item_versions import VERSION_FIELDS
from storage.models import Capture, Finding, Item
from storage.repository import DetailRow

logger = logging.getLogger(__name__)

T0 = datetime(2019, 1, 5, 8, 0, tzinfo=UTC)
URL = "http://h/zfwj/t1.html"
PAGE = {
    "title": "关于印发的通知",
    "published_on": date(2019, 1, 2),
    "written_on": date(2018, 12, 28),
    "doc_no": "黑政发〔2019〕1号",
    "index_no": "11220000/2019-00001",
    "publisher": "县政府办",
    "body_text": "正文",
    "topic": "综合政务",
    "fetch_status": "ok",
    "http_status": 200,
    "content_hash": "h1",
}


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _fetch(s: Session, site: int, hours: float, capture_id: int | None = None, **changes: Any) -> int:
    return repo.record_detail(s, site, URL, {**PAGE, **changes}, _at(hours), capture_id=capture_id)


def _findings(s: Session) -> dict[str, dict[str, Any]]:
    return {f.kind: f.evidence or {} for f in s.execute(select(Finding)).scalars()}


def _capture(s: Session, site: int) -> int:
    capture = Capture(
        site_id=site, url=URL, page_kind="detail", fetched_at=T0, http_status=200, payload_digest="sha1:X",
        payload_length=10, record_type="response", warc_file="a.warc.gz", warc_offset=0, warc_length=10,
    )  # fmt: skip
    s.add(capture)
    s.flush()
    return capture.id


def test_first_good_fetch_is_version_one(db: Database) -> None:  # noqa: F811
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        capture = _capture(s, site)
        item = _fetch(s, site, 1, capture_id=capture)
        (version,) = reads.versions_of(s, {URL})
        assert (version.item_id, version.version_no, version.content_hash) == (item, 1, "h1")
        assert (version.captured_at, version.capture_id) == (_at(1), capture)
        copied = {name: getattr(version, name) for name in VERSION_FIELDS}
        assert copied == {name: PAGE[name] for name in VERSION_FIELDS}
        assert _findings(s) == {}


def test_same_content_failed_fetches_and_unhashed_pages_add_no_version(db: Database) -> None:  # noqa: F811
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        _fetch(s, site, 1)
        _fetch(s, site, 2)
        _fetch(s, site, 3, fetch_status="blocked", http_status=412, content_hash="waf-page")
        _fetch(s, site, 4, fetch_status="not_found", http_status=404, content_hash=None)
        repo.record_detail(s, site, "http://h/unhashed.html", {"title": "x"}, _at(5))
        assert [v.version_no for v in reads.versions_of(s, {URL})] == [1]
        assert reads.versions_of(s, {"http://h/unhashed.html"}) == []
        assert reads.versions_of(s, {"http://h/never-seen.html"}) == []
        assert _findings(s) == {}


def test_changed_content_adds_a_version_and_an_edited_finding(db: Database) -> None:  # noqa: F811
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        _fetch(s, site, 1)
        item = _fetch(s, site, 2, body_text="正文（修订）", title="关于印发的通知（修订）", content_hash="h2")
        old, new = reads.versions_of(s, {URL})
        assert (new.version_no, new.content_hash, new.body_text, new.captured_at) == (
            2,
            "h2",
            "正文（修订）",
            _at(2),
        )
        assert old.body_text == "正文"
        row = s.get_one(Item, item)
        s.refresh(row)
        assert (row.content_hash, row.body_text) == ("h2", "正文（修订）")
        finding = s.execute(select(Finding)).scalar_one()
        assert (finding.kind, finding.subject, finding.item_id) == ("edited", URL, item)
        assert finding.evidence == {
            "from_version": 1,
            "to_version": 2,
            "from_hash": "h1",
            "to_hash": "h2",
            "fields_changed": ["title", "body_text"],
            "seen_at": _at(2).isoformat(),
        }


def test_changed_published_date_is_also_redated(db: Database) -> None:  # noqa: F811
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        _fetch(s, site, 1)
        item = _fetch(s, site, 2, published_on="2019-01-09", content_hash="h2")
        findings = _findings(s)
        assert findings["edited"]["fields_changed"] == ["published_on"]
        assert findings["redated"] == {
            "from_published_on": "2019-01-02",
            "to_published_on": "2019-01-09",
            "from_version": 1,
            "to_version": 2,
            "seen_at": _at(2).isoformat(),
        }
        row = s.get_one(Item, item)
        s.refresh(row)
        assert row.counted_on == date(2019, 1, 9)


def test_several_versions_in_one_batch_are_numbered_in_order(db: Database) -> None:  # noqa: F811
    with db.session() as s:
        site = repo.ensure_site(s, "h", "H", "http://h/", None)
        rows = [
            DetailRow(URL, PAGE, _at(1)),
            DetailRow("http://h/other.html", PAGE, _at(1)),
            DetailRow(URL, {**PAGE, "body_text": "二", "content_hash": "h2"}, _at(2)),
            DetailRow(URL, {**PAGE, "body_text": "二", "content_hash": "h2"}, _at(3)),
            DetailRow(URL, {**PAGE, "body_text": "三", "content_hash": "h3"}, _at(4)),
        ]
        ids = repo.record_details(s, site, rows, run_id=None)
        assert ids[0] == ids[2] == ids[3] == ids[4] != ids[1]
        versions = reads.versions_of(s, {URL})
        assert [(v.version_no, v.body_text, v.captured_at) for v in versions] == [
            (1, "正文", _at(1)),
            (2, "二", _at(2)),
            (3, "三", _at(4)),
        ]
        edited = _findings(s)["edited"]
        assert (edited["from_version"], edited["to_version"], edited["from_hash"]) == (2, 3, "h2")
        assert [v.version_no for v in reads.versions_of(s, {"http://h/other.html"})] == [1]
