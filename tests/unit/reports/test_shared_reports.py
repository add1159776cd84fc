"""The three real reports of 平潭综合实验区 (one per format): every hand-read figure of truth.json is
read with its labels, and the checks find each inconsistency the hand reading lists, and no other."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from reports import Figure, Report, check_reports, read_report

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "pingtan"
TRUTH: dict[str, Any] = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))
FORMATS = {
    "02_pingtan-zone_2017.txt": "pre2019-free-text+统计表",
    "04_pingtan-zone_2019.txt": "2019-table",
    "07_pingtan-zone_2021.txt": "2021-table",
}
# Where the hand reading names a figure in other words than the report prints it (the report's
# words are what the reader returns): truth key → a word of the printed label.
PRINTED_AS = {"行政执法公示": "行政执法信息", "解读重要政策文件(项)": "涉及群众切身利益"}
# Each anomaly truth.json lists, by file and position: an inconsistency of the report's own figures is
# the check that must fail, its arithmetic built from the hand-read figures of truth.json (and the
# numbers the anomaly's text quotes); every other anomaly is a confirmation or a note, and no check fails
# for it. An anomaly left unclassified here fails the test.
CATEGORIES_2019 = ["机构职能类", "政策、规范性文件类", "规划计划类", "行政许可类", "重大建设项目", "为民办实事类",
                   "民政扶贫救灾社会保障就业类", "国土资源城乡建设环保能源类", "科教文体卫生类",
                   "安全生产、应急管理类", "其他应主动公开政府信息"]  # fmt: skip
INCONSISTENT: dict[tuple[str, int], tuple[str, str]] = {
    ("04_pingtan-zone_2019.txt", 0): ("prose.parts", "categories"),
    ("04_pingtan-zone_2019.txt", 1): ("pair", "normative"),
}
NOT_INCONSISTENT = {
    ("02_pingtan-zone_2017.txt", 0): "none found (the sums it lists are checks that pass)",
    ("02_pingtan-zone_2017.txt", 1): "percentages, not counts",
    ("04_pingtan-zone_2019.txt", 2): "the label repeated at a page break (a note)",
    ("04_pingtan-zone_2019.txt", 3): "table 三 adds up (a check that passes)",
    ("07_pingtan-zone_2021.txt", 0): "table 三 adds up (a check that passes)",
    ("07_pingtan-zone_2021.txt", 1): "lawsuits the prose does not mention (no figure to compare)",
    ("07_pingtan-zone_2021.txt", 2): "six decimals (read as printed)",
    ("07_pingtan-zone_2021.txt", 3): "consistent with the 2022 report (a cross-year check that passes)",
}


def _expected_failure(name: str, index: int) -> tuple[str, str]:
    rule, what = INCONSISTENT[(name, index)]
    truth, anomaly = TRUTH[name], TRUTH[name]["anomalies"][index]
    if what == "categories":
        parts = [truth["narrative"][k] for k in CATEGORIES_2019]
        total = truth["narrative"]["共公布政府信息"]
        assert (
            f"sum to {sum(parts)}" in anomaly
            and f"total {total}" in anomaly
            and f"{len(parts)} listed" in anomaly
        )
        return rule, f"{' + '.join(map(str, parts))} = {sum(parts)} ≠ {total} ✗"
    prose, table = truth["narrative"]["政策、规范性文件类"], truth["table2"]["规范性文件"]["本年新公开数量"]
    assert f"{prose} vs table 规范性文件 本年新公开 {table}" in anomaly
    return rule, f"{prose} ≠ {table} ✗"


def _fails(name: str) -> set[tuple[str, str]]:
    """The checks that must fail on ``name``, from truth.json."""
    indexes = range(len(TRUTH[name]["anomalies"]))
    unclassified = [i for i in indexes if (name, i) not in INCONSISTENT and (name, i) not in NOT_INCONSISTENT]
    assert not unclassified, f"anomalies of truth.json not classified: {unclassified}"
    return {_expected_failure(name, i) for i in indexes if (name, i) in INCONSISTENT}


_cache: dict[str, Report] = {}


def report(name: str) -> Report:
    if name not in _cache:
        _cache[name] = read_report((HERE / name).read_bytes(), name)
    return _cache[name]


def _norm(text: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]|[\s“”\"、，,（）()《》/]", "", text)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _prose_matches(figure: Figure, key: str) -> bool:
    if key in PRINTED_AS:
        return PRINTED_AS[key] in figure.label
    want, got = _norm(key), _norm(figure.label + (figure.unit or ""))
    return _subsequence(want, got) or (
        len(_norm(figure.label)) >= 4 and _subsequence(_norm(figure.label), want)
    )


def _expected() -> list[tuple[str, str, str, Any]]:
    """(file, kind, key, value) for every figure truth.json lists."""
    out: list[tuple[str, str, str, Any]] = []
    for name, truth in TRUTH.items():
        for key, value in {**truth.get("figures", {}), **truth.get("narrative", {})}.items():
            out.append((name, "prose", key, value))
        for key, values in truth.get("stats_table", {}).items():
            out.append((name, "统计表", f"{key}|{truth['year']}年度", values[0]))
            out.append((name, "统计表", f"{key}|历年累计", values[1]))
        for row, cells in truth.get("table2", {}).items():
            for column, value in cells.items():
                out.append((name, "二", f"{row}|{column}", value))
        for key, value in truth.get("table3", {}).items():
            out.append((name, "三", key, value))
        for group, values in truth.get("table4", {}).items():
            if group.startswith("_"):
                continue
            for column, value in zip(truth["table4"]["_order"].split(","), values, strict=True):
                out.append((name, "四", f"{group}|{column}", value))
    return out


EXPECTED = _expected()


def _find(figures: tuple[Figure, ...], kind: str, key: str) -> list[Figure]:
    if kind == "prose":
        return [f for f in figures if f.table is None and _prose_matches(f, key)]
    if kind == "统计表":
        row, column = key.split("|")
        return [
            f for f in figures if f.table == kind and f.row and f.row.endswith(row) and f.column == column
        ]
    if kind == "二":
        row, column = key.split("|")
        column, _, unit = column.partition("_")
        found = [
            f for f in figures if f.table == kind and f.row == row and (f.column or "").startswith(column)
        ]
        return [f for f in found if not unit or f.unit == unit]
    if kind == "三":
        row, column = key.rsplit("_", 1)
        return [
            f
            for f in figures
            if f.table == kind
            and f.row
            and _subsequence(row, f.row.split(" / ")[-1])
            and (f.column or "").split(" / ")[-1] == column
        ]
    group, column = key.split("|")
    return [f for f in figures if f.table == kind and f.row and f.row.endswith(group) and f.column == column]


@pytest.mark.parametrize(
    ("name", "kind", "key", "value"), EXPECTED, ids=[f"{n[:7]}-{k}-{key}" for n, k, key, _ in EXPECTED]
)
def test_every_hand_read_figure_is_read_with_its_labels(name: str, kind: str, key: str, value: Any) -> None:
    found = _find(report(name).figures, kind, key)
    if value is None:  # the hand reading notes a figure the report does not print
        assert all(f.value is None for f in found)
        return
    assert found, f"no figure labelled like {key!r} in {kind}"
    assert any(f.value == value for f in found), [(f.label, f.value) for f in found]
    figure = next(f for f in found if f.value == value)
    assert figure.source.where.startswith(("line ", "page ", "table ", "paragraph "))
    assert figure.source.text


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_year_issuer_and_format(name: str) -> None:
    read = report(name)
    truth = TRUTH[name]
    assert (read.year, read.issuer, read.format) == (truth["year"], truth["issuer"], FORMATS[name])


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_checks_find_each_listed_inconsistency_and_no_other(name: str) -> None:
    internal, _ = check_reports([report(name)])
    failed = {(c.rule, c.arithmetic) for c in internal[0].checks if c.verdict == "fail"}
    assert failed == _fails(name)
    assert all(c.arithmetic for c in internal[0].checks)


def test_the_confirmations_of_the_hand_reading_are_checks_that_pass() -> None:
    arithmetic = {c.arithmetic for name in TRUTH for c in report(name).checks if c.verdict == "pass"}
    # 2017: 1509 + 613 = 2122; the 16 categories; environment and finance sub-items
    assert "1509 + 613 = 2122 = 2122 ✓" in arithmetic
    assert any(a.endswith("= 2122 = 2122 ✓") and a.count("+") == 15 for a in arithmetic)
    assert "54 + 43 + 322 + 5 + 8 + 30 + 5 = 467 = 467 ✓" in arithmetic
    assert "19 + 224 + 20 + 84 + 1 = 348 = 348 ✓" in arithmetic
    # 2019: table 三 adds up; 2021: 30+5+1+6+1+25+1 = 69, 70 + 0 = 69 + 1
    assert (
        "7 + 1 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 7 + 0 + 5 + 0 + 3 + 0 + 0 + 0 + 0 = 23 = 23 ✓" in arithmetic
    )
    assert (
        "30 + 5 + 0 + 0 + 0 + 0 + 1 + 0 + 6 + 1 + 25 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 0 + 1 = 69 = 69 ✓"
        in arithmetic
    )
    assert "70 + 0 = 70 = 69 + 1 = 70 ✓" in arithmetic


def test_the_label_repeated_at_the_2019_page_break_is_read_once_and_noted() -> None:
    read = report("04_pingtan-zone_2019.txt")
    rows = {f.row for f in read.figures if f.table == "三"}
    assert "三、本年度办理结果 / （四）无法提供 / 1.本机关不掌握相关政府信息" in rows
    assert not any(r.count("三、本年度办理结果") > 1 for r in rows if r)
    assert any("三、本年度办理结果" in n and "page break" in n for n in read.notes)


def test_the_2021_report_against_the_2022_figures_the_hand_reading_quotes() -> None:
    """truth.json: the 2022 report (698 现行有效, 88 制发, 55 废止) implies 2021's 665."""
    later = (
        "平潭综合实验区管委会2022年度政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n"
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t88\t55\t698\n"
    ).encode()
    _, cross = check_reports([report("07_pingtan-zone_2021.txt"), read_report(later, "2022.txt")])
    verdicts = {(c.rule, c.verdict, c.arithmetic) for c in cross if "2021→2022" in c.title}
    assert ("二.in_force", "pass", "665 + 88 − 55 = 698 = 698 ✓") in verdicts


def test_figures_found_per_report() -> None:
    """The closing note's measure: figures of truth.json found, per report."""
    for name in TRUTH:
        wanted = [e for e in EXPECTED if e[0] == name and e[3] is not None]
        found = [e for e in wanted if any(f.value == e[3] for f in _find(report(name).figures, e[1], e[2]))]
        logger.info(
            "%s: %d / %d figures of truth.json, %d figures in all",
            name,
            len(found),
            len(wanted),
            len(report(name).figures),
        )
        assert len(found) == len(wanted)
