"""The crawl summary in words: every blocked, failed or incomplete column by name with its reason,
and no Python dict on the console (``columns {'ok': 57}``)."""

from __future__ import annotations

from rich.console import Console

from zwgk.summary import columns_text, run_lines

REPORT = {
    "mode": "full",
    "run_id": 3,
    "pages": 120,
    "new": 100,
    "changed": 0,
    "removed": 0,
    "details_not_found": 1,
    "blocked_columns": 1,
    "error_columns": 1,
    "errors": 0,
    "duration_s": 4.2,
    "columns": {"ok": 55, "blocked": 1, "error": 1, "incomplete": 1},
    "traps_not_followed": {"calendar": 3},
    "columns_not_complete": [
        {"column": "部门工作", "status": "blocked", "reason": "HTTP 412 (WAF challenge)"},
        {"column": "乡镇动态/镇政府", "status": "error", "reason": "HTTP 404"},
        {"column": "今日关注", "status": "incomplete", "reason": "declared 40 records, walked 30"},
    ],
}


def _printed(lines: list[str]) -> str:
    console = Console(record=True, width=300, file=open("/dev/null", "w"))  # noqa: SIM115
    for line in lines:
        console.print(line, highlight=False)
    return console.export_text()


def test_every_column_not_complete_is_named_with_its_reason():
    text = _printed(run_lines(REPORT))
    for column in REPORT["columns_not_complete"]:
        [line] = [line for line in text.splitlines() if column["column"] in line]
        assert column["reason"] in line
    assert "column failed: 乡镇动态/镇政府: HTTP 404" in text
    assert "failed 1" in text.splitlines()[0]  # a failed column is not "blocked columns 0, errors 0"


def test_the_summary_prints_no_python_dicts():
    text = _printed(run_lines(REPORT))
    assert "{" not in text and "'" not in text
    assert "58 columns: 55 complete, 1 incomplete, 1 blocked, 1 failed" in text
    assert "traps not followed: calendar 3" in text


def test_columns_in_words():
    assert columns_text({"ok": 57}) == "57 columns: 57 complete"
    assert columns_text({}) == "no columns walked"
