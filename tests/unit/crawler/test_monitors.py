"""Monitors of a finished run: nothing found, a column that shrank against its own history."""

from __future__ import annotations

from crawler.monitors import FOUND_PREFIX, check_run


def _stats(listed: int, **found: int) -> dict:
    return {"zwgk/listed": listed, **{FOUND_PREFIX + column: n for column, n in found.items()}}


def test_a_run_that_listed_nothing_is_flagged():
    alerts = check_run(_stats(0), [], 0.5, 2)
    assert [a.monitor for a in alerts] == ["nothing_found"]


def test_a_quiet_incremental_run_is_not_flagged():
    assert check_run({"zwgk/listed": 12}, [_stats(300, 政府文件=71)], 0.5, 1) == []


def test_a_column_that_shrank_sharply_is_flagged():
    history = [_stats(100, 政府文件=70, 今日关注=200), _stats(100, 政府文件=71, 今日关注=198)]
    alerts = check_run(_stats(100, 政府文件=20, 今日关注=199), history, 0.5, 2)
    assert [(a.monitor, a.subject) for a in alerts] == [("column_shrank", "政府文件")]
    assert "20" in alerts[0].message and "71" in alerts[0].message


def test_too_little_history_is_not_judged():
    assert check_run(_stats(10, 政府文件=1), [_stats(10, 政府文件=70)], 0.5, 2) == []
