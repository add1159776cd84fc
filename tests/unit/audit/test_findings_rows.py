"""One finding per row, as ``zwgk audit findings`` and the dashboard show it."""

from __future__ import annotations

from datetime import UTC, datetime

from audit.findings import evidence_text, finding_record, findings_view
from storage.reads import ListedFinding

SEEN = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def _row(kind: str, evidence: dict, target: str | None = None) -> ListedFinding:
    return ListedFinding(
        1, "s", kind, "http://h/a.pdf", target, "attachment", "warning", evidence, SEEN, SEEN, None, 7
    )


def test_each_kind_has_its_evidence_in_one_line():
    dead = {"status": 404, "pages": ["http://h/", "http://h/1.html"], "consecutive_dead": 2}
    assert evidence_text("broken_link", dead) == "404, on 2 page(s), dead 2 run(s) in a row"
    leak = {"counts": {"id_number": 2}, "rows": [{"row": "张三 110105********0016"}]}
    assert evidence_text("privacy_leak", leak) == "id_number 2; 张三 110105********0016"
    wrong = {
        "matches": [
            {"wrong": "中华人民共合国", "correct": "中华人民共和国", "sentence": "依照中华人民共合国。"}
        ]
    }
    assert evidence_text("wording_error", wrong).startswith("中华人民共合国 → 中华人民共和国")


def test_a_row_and_its_record_carry_every_column():
    row = _row("broken_link", {"status": 404}, target="http://h/gone.html")
    view = findings_view([row])
    assert view.headers[:4] == ("site", "kind", "url", "target") and view.rows[0][3] == "http://h/gone.html"
    record = finding_record(row)
    assert record["resolved"] is None and record["capture_id"] == 7 and record["evidence"] == {"status": 404}


def test_cloaking_and_script_hosts_in_one_line_and_the_versions_to_open():
    from audit.web.inspection import version_links

    cloaked = {
        "reasons": ["crawler:baiduspider version brings in spam vocabulary: 百家乐", "another"],
        "baseline": {"role": "browser", "capture_id": 3},
        "versions": [
            {"role": "crawler:baiduspider", "capture_id": 4},
            {"role": "referer:baidu", "capture_id": None},
        ],
    }
    assert evidence_text("cloaking", cloaked) == (
        "crawler:baiduspider version brings in spam vocabulary: 百家乐 (+1 more)"
    )
    assert version_links(cloaked) == [("浏览器", 3), ("搜索引擎爬虫（baiduspider）", 4)]
    assert version_links({"matches": []}) == []  # the integrity scan's cloaking names no versions
    host = {"host": "js.example", "scope": "outside", "page_count": 2}
    assert evidence_text("new_script_host", host) == "js.example (outside), loaded by 2 page(s)"
