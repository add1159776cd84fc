"""Checks across years of one issuer: 现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y) for table
二's 规章 and 规范性文件 (the 2019 version's 对外公开总数量 and 本年新公开数量 stand in), a 现行有效 that
changes with nothing issued or repealed, and 上年结转(Y) = 结转下年度继续办理(Y−1)."""

from __future__ import annotations

from collections.abc import Sequence

from reports.arithmetic import cannot
from reports.model import MARKS, Check, Figure, Report, show

DOCUMENT_ROWS = {"regulations": "规章", "normative_documents": "规范性文件"}
IN_FORCE = ("in_force", "public_total")
ADDED = ("issued", "published")


def _first(report: Report, row: str, keys: Sequence[str]) -> Figure | None:
    return next((f for k in keys if (f := report.cell("二", f"{row}.{k}")) is not None), None)


def cross_year_checks(reports: Sequence[Report]) -> list[Check]:
    """The cross-year checks of every report given, against the report of the year before from the
    same issuer (when it was given; otherwise the check says it cannot be made)."""
    out: list[Check] = []
    by_issuer: dict[str, dict[int, Report]] = {}
    for report in reports:
        if report.issuer is None or report.year is None:
            out.append(
                cannot("cross_year", f"跨年核对 {report.name}", "the report's issuer or year is unknown")
            )
            continue
        years = by_issuer.setdefault(report.issuer, {})
        if report.year in years:
            out.append(
                cannot(
                    "cross_year",
                    f"跨年核对 {report.issuer} {report.year}",
                    f"two reports for this year; {years[report.year].name} used",
                )
            )
            continue
        years[report.year] = report
    for issuer, years in by_issuer.items():
        for year, report in sorted(years.items()):
            out.extend(_pair(issuer, year, report, years.get(year - 1)))
    return out


def _pair(issuer: str, year: int, report: Report, previous: Report | None) -> list[Check]:
    out: list[Check] = []
    for row, name in DOCUMENT_ROWS.items():
        now = _first(report, row, IN_FORCE)
        if now is None:
            continue
        title = f"{issuer} 表二 {name} 现行有效 {year - 1}→{year}"
        if previous is None:
            out.append(cannot("二.in_force", title, f"no report of {issuer} for {year - 1} was given", [now]))
            continue
        before = _first(previous, row, IN_FORCE)
        added = _first(report, row, ADDED)
        repealed = report.cell("二", f"{row}.repealed")
        if before is None or added is None or None in (before.value, now.value, added.value):
            out.append(
                cannot(
                    "二.in_force",
                    title,
                    "a 现行有效 or 本年制发 cell is missing or blank",
                    [f for f in (before, now, added) if f],
                )
            )
            continue
        out.extend(_in_force(title, before, added, repealed, now))
    now_in = report.cell("三", "carried_in.total")
    if now_in is not None:
        title = f"{issuer} 表三 上年结转({year}) = 结转下年度继续办理({year - 1})"
        before_out = previous.cell("三", "carried_out.total") if previous else None
        if previous is None:
            out.append(
                cannot("三.carried", title, f"no report of {issuer} for {year - 1} was given", [now_in])
            )
        elif before_out is None or before_out.value is None or now_in.value is None:
            out.append(
                cannot("三.carried", title, f"the {year - 1} report has no 结转下年度 total", [now_in])
            )
        else:
            same = before_out.value == now_in.value
            mark = MARKS["pass" if same else "fail"]
            sign = "=" if same else "≠"
            arithmetic = f"{show(now_in.value)} {sign} {show(before_out.value)} {mark}"
            out.append(
                Check("三.carried", title, "pass" if same else "fail", arithmetic, (now_in, before_out))
            )
    return out


def _in_force(title: str, before: Figure, added: Figure, repealed: Figure | None, now: Figure) -> list[Check]:
    assert before.value is not None and added.value is not None and now.value is not None
    gone = repealed.value if repealed is not None and repealed.value is not None else 0
    expected = before.value + added.value - gone
    used = tuple(f for f in (before, added, repealed, now) if f is not None)
    note = None if repealed is not None else "no 本年废止 column (2019 version): taken as 0"
    same = expected == now.value
    arithmetic = (
        f"{show(before.value)} + {show(added.value)} − {show(gone)} = {show(expected)} "
        f"{'=' if same else '≠'} {show(now.value)} {MARKS['pass' if same else 'fail']}"
    )
    out = [Check("二.in_force", title, "pass" if same else "fail", arithmetic, used, None, note)]
    if added.value == 0 and gone == 0 and now.value != before.value:
        out.append(
            Check(
                "二.in_force_unmoved",
                f"{title}：无制发、无废止，现行有效却变化",
                "fail",
                f"{show(before.value)} → {show(now.value)} with 0 issued and 0 repealed {MARKS['fail']}",
                used,
            )
        )
    return out
