"""The replica's annual reports: they take over existing items (every count stays as it was), keep
the host's URL, date and kind, link a real PDF and DOCX that the server serves, and are the same
bytes on every build."""

from __future__ import annotations

import pytest

import replica
from replica import reports as replica_reports
from replica.render.detail import render_detail
from replica.routes import Router


def _counts(truth: dict) -> dict:
    return {k: v for k, v in truth.items() if k not in ("reports", "statements", "definitions")}


@pytest.mark.parametrize("name", ["qingshi", "annual"])
def test_reports_change_no_count(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with_reports = replica.build_site(replica.load_spec(name))
    truth_with = replica.truth(with_reports)
    monkeypatch.setattr(replica_reports, "reports_config", lambda: {"specs": {}, "outcomes_2021": []})
    without = replica.build_site(replica.load_spec(name))
    assert _counts(truth_with) == _counts(replica.truth(without))
    changed = [u for u, i in with_reports.items.items() if i != without.items[u]]
    truth = truth_with["reports"]
    statements = {s["url"] for s in truth_with["statements"]}
    assert sorted(changed) == sorted([r["url"] for r in truth] + list(statements)) and len(truth) == 3
    for url in statements:  # the 政府网站工作年度报表: moved to January of the same year, nothing else
        before, after = without.items[url], with_reports.items[url]
        assert (after.year, after.pub.month, after.kind, after.doc_no, after.home, after.status) == (
            before.year,
            1,
            before.kind,
            before.doc_no,
            before.home,
            before.status,
        )
    for url in set(changed) - statements:
        before, after = without.items[url], with_reports.items[url]
        assert (after.pub, after.kind, after.doc_no, after.home, after.status) == (
            before.pub,
            before.kind,
            before.doc_no,
            before.home,
            before.status,
        )
        assert after.year == int(after.title[len("青石县人民政府") :][:4]) + 1  # published the next year


def test_the_report_page_links_files_the_server_serves() -> None:
    site = replica.build_site(replica.load_spec("annual"))
    router = Router(site)
    for report in replica.truth(site)["reports"]:
        item = site.items[report["url"]]
        page = render_detail(site, item)
        assert report["title"] in page
        assert ('class="report"' in page) == (report["format"] != "pre-2019")  # the fixed tables
        for kind, path in report["attachments"].items():
            assert f'href="./{path.rsplit("/", 1)[1]}"' in page
            reply = router.get(path)
            assert reply.status == 200 and reply.content_type == replica.items.ASSET_TYPES[kind]
            assert reply.body == next(a.data for a in item.attachments if a.path == path)
            assert len(reply.body) > 2000  # a real file, not the stand-in bytes


def test_the_files_are_the_same_on_every_build() -> None:
    replica_reports._written.cache_clear()
    first = replica.build_site(replica.load_spec("annual"))
    replica_reports._written.cache_clear()
    second = replica.build_site(replica.load_spec("annual"))
    files = [(a.path, a.data) for i in first.items.values() for a in i.attachments if a.data]
    assert len(files) == 8  # three reports and the 政府网站工作年度报表, each a PDF and a DOCX
    assert files == [(a.path, a.data) for i in second.items.values() for a in i.attachments if a.data]


def test_the_honest_figures_are_the_truths_counts() -> None:
    truth = replica.truth(replica.build_site(replica.load_spec("qingshi")))
    figures = next(r["figures"] for r in truth["reports"] if r["year"] == 2018)
    seed = truth["report_2018"]
    assert (figures["items"], figures["pictures"], figures["videos"], figures["documents"]) == (
        seed["items_published"],
        seed["pictures"],
        seed["video_news"],
        seed["government_documents"],
    )
    assert figures["issued"] == 71 and figures["in_force"] == 25 + 45 + 71  # 政府文件: every item a document
