"""The real-page bench: its scoring on a hand-made case, and a whole run on the corpus."""

from __future__ import annotations

import datetime as dt

from scrapy import Request

from bench.realpages import Score, main, page_index, run, score_detail, score_list, totals
from crawler.adapters import ListEntry, ListPage

URL = "http://www.example.gov.cn/zwgk/index.html"
TRUTH = {
    "items": [
        {"href": "./202401/t20240102_1.html", "date": dt.date(2024, 1, 2), "title": "一号 通知"},
        {"href": "./202401/t20240101_2.html", "date": "2024-01-01", "title": "二号通知"},
    ],
    "pager": {
        "declared_pages": 5,
        "declared_records": None,
        "next_pages": ["index_1.html"],
        "script_only": True,
    },
    "clean": True,
}


def _score() -> Score:
    return Score("p", "f.html", "list", "trs")


def test_list_scoring_counts_items_dates_titles_extras_and_pager():
    found = ListPage(
        entries=[
            ListEntry("http://www.example.gov.cn/zwgk/202401/t20240102_1.html", " 一号  通知 ", "2024-01-02"),
            ListEntry("http://www.example.gov.cn/about.html", "关于我们", None),
        ],
        declared_pages=5,
        next_request=Request("http://www.example.gov.cn/zwgk/index_2.html"),
    )
    score = score_list(_score(), URL, TRUTH, found)
    assert (score.items, score.dates, score.titles) == ((1, 2), (1, 2), (1, 2))
    assert score.extra_items == 1
    assert score.pager == (1, 2)  # pages right, wrong next page; records not declared
    assert score.needs_script and not score.perfect


def test_list_scoring_without_an_adapter_finds_nothing():
    score = score_list(_score(), URL, TRUTH, None)
    assert score.items == (0, 2) and score.pager == (0, 2)


def test_detail_scoring_only_counts_printed_fields():
    truth = {"title": "标题", "published": dt.date(2024, 1, 2), "written": None, "index_no": "001/2024-1"}
    score = score_detail(
        Score("p", "d.html", "detail", "trs"), truth, {"title": "标题", "published": dt.date(2024, 1, 3)}
    )
    assert score.fields == (1, 3)
    assert any("published" in miss for miss in score.misses)


def test_page_index_from_the_page_name():
    assert page_index("http://x.gov.cn/lykb/index_6.jhtml") == 6
    assert page_index("http://x.gov.cn/zwgk/index.html") == 0


def test_full_run_on_the_corpus_completes(capsys):
    scores = run()
    result = totals(scores)
    assert result["pages"] == len(scores) >= 24
    assert result["errors"] == 0
    assert main([]) == 0
    assert "items " in capsys.readouterr().out
