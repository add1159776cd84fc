"""Tables that fit the terminal: paths cut from the left, so rows that differ only at the end of
their path stay apart at 80 columns; full paths when no width is given (``--wide``)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console

from audit.counts import counts_table
from audit.export import View, rich_tables
from audit.reconcile import Reconciliation
from audit.reconcile_summary import SUMMARY_HEADERS, reconcile_summary_view
from audit.terminal import abbreviate_left, fit_rows
from storage.reads import CountRow

FEATURE = "政务公开重点工作/公共资源配置"
LEAVES = [
    "保障性住房",
    "国有土地使用权出让",
    "矿业权出让",
    "国有产权交易",
    "政府采购",
    "工程建设项目招标投标",
]
ROWS = [
    CountRow("qingshi", f"{FEATURE}/{leaf}", f"{FEATURE}/{leaf}", 2018, n) for n, leaf in enumerate(LEAVES, 3)
]


def _render(renderable, width: int) -> list[str]:
    console = Console(record=True, width=width, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text().splitlines()


def test_abbreviate_left_keeps_the_end_of_the_path():
    assert abbreviate_left("政务公开重点工作/财政信息", 40) == "政务公开重点工作/财政信息"
    assert abbreviate_left("政务公开重点工作/公共资源配置/保障性住房", 25) == "…/公共资源配置/保障性住房"
    assert abbreviate_left("政务公开重点工作/公共资源配置/保障性住房", 14) == "…/保障性住房"
    short = abbreviate_left("政务公开重点工作/公共资源配置/工程建设项目招标投标", 12)
    assert cell_len(short) <= 12 and short.endswith("招标投标")


def test_counts_at_80_columns_keep_every_row_distinct():
    lines = _render(counts_table(ROWS, width=80), 80)
    body = [line for line in lines if "qingshi" in line]
    assert len(body) == len(LEAVES)
    assert len(set(body)) == len(LEAVES)  # cut at the right they all read 政务公开重点工作/公共资…
    for leaf in LEAVES:
        assert sum(leaf in line for line in body) == 1, leaf
    assert all(cell_len(line) <= 80 for line in lines)


def test_without_a_width_the_paths_are_whole():
    lines = _render(counts_table(ROWS), 300)
    assert all(any(f"{FEATURE}/{leaf}" in line for line in lines) for leaf in LEAVES)


def test_a_blocked_column_shows_its_status_not_a_bare_zero():
    rows = [*ROWS, CountRow("qingshi", "部门工作", "部门工作", None, 0, walk="blocked", walk_note="HTTP 412")]
    lines = _render(counts_table(rows, width=80), 80)
    [line] = [line for line in lines if "部门工作" in line and "qingshi" in line]
    assert "被拦截" in line and "—" in line  # a status, and no blank year
    assert "HTTP 412" in "\n".join(lines)  # the reason, in the caption


def test_views_abbreviate_their_path_columns_only():
    view = View(
        "v", ("站点", "名称"), [("qingshi", f"{FEATURE}/{leaf}") for leaf in LEAVES], paths=frozenset({1})
    )
    fitted = fit_rows(view.headers, view.rows, view.paths, 30)
    assert [row[0] for row in fitted] == ["qingshi"] * len(LEAVES)
    assert len({row[1] for row in fitted}) == len(LEAVES)
    lines = _render(rich_tables([view], width=30)[0], 30)
    assert len({line for line in lines if "qingshi" in line}) == len(LEAVES)


def _claim(key: str, claimed: int | None, archived: int | None, checkable: bool = True) -> Reconciliation:
    return Reconciliation(
        key, f"项目{key}", "year", "件", "原文", checkable, None if checkable else "不在栏目中标注",
        claimed, archived, definition=f"口径{key}",
    )  # fmt: skip


def test_the_reconcile_summary_is_one_row_per_claim():
    results = [_claim("a", 96, 67), _claim("b", 141, None, checkable=False)]
    view = reconcile_summary_view(results)
    assert view.headers == SUMMARY_HEADERS
    assert view.rows == [
        ("项目a", "96", "67", "-29", "口径a"),
        ("项目b", "141", "—", "—", "不可核对：不在栏目中标注"),
    ]
    assert "--evidence" in view.caption


def test_terminal_tables_show_chinese_words_and_csv_keeps_the_values():
    from audit.export import to_csv

    view = View("证据", ("栏目", "更新类别", "严重程度"), [("今日关注", "dynamic", "veto")])
    text = "\n".join(_render(rich_tables([view])[0], 120))
    assert "动态要闻类" in text and "单项否决" in text and "veto" not in text
    assert "dynamic" in to_csv([view]) and "veto" in to_csv([view])


RULE = "动态要闻类栏目2周、通知公告与政策文件类栏目6个月内无新条目；无日期的条目不算更新。" * 2


def test_prose_columns_become_numbered_references_with_the_text_once_below():
    rows = [("空白栏目", 2, RULE), ("栏目不更新", 2, RULE + "另"), ("首页不更新", 0, RULE)]
    view = View("检查指标", ("指标", "数量", "口径"), rows, footnoted=frozenset({2}))
    lines = _render(rich_tables([view], width=80)[0], 80)
    table = [line for line in lines if "│" in line]
    assert [line.split("│")[3].strip() for line in table] == ["[1]", "[2]", "[1]"]  # same text, same n
    assert len(table) == 3  # one line a row: nothing wraps
    text = "\n".join(lines)
    assert text.count("[1]动态要闻类") == 1 and text.count("[2]动态要闻类") == 1 and "口径：" in text
    # --wide (no width) and the other formats keep the text in its cell
    assert "[1]" not in "\n".join(_render(rich_tables([view])[0], 400))


def test_a_narrow_terminal_drops_droppable_columns_and_says_so():
    url = "http://www.example.gov.cn/col/col4311/index.html"
    row = ("qingshi", f"{FEATURE}/保障性住房", url, 5, "2018-05-08", "通知公告类", "2018-09-01")
    headers = ("站点", "栏目", "网址", "条目数", "最新条目日期", "更新类别", "窗口起点")
    view = View("栏目不更新", headers, [row] * 2, paths=frozenset({1}), droppable=frozenset({0, 2}))
    lines = _render(rich_tables([view], width=80)[0], 80)
    text = "\n".join(lines)
    assert "col4311" not in text and "qingshi" not in text
    assert "略去了 站点、网址 列" in text and "--wide" in text
    assert "2018-05-08" in text and "2018-09-01" in text  # dates kept whole
    assert len([line for line in lines if "│" in line]) == 2  # two rows, neither wrapped
    wide = "\n".join(_render(rich_tables([view], width=200)[0], 200))
    assert "col4311" in wide and "略去" not in wide
