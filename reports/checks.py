"""A report's own arithmetic: table 三's outcomes against （七）总计 and its balance (新收 + 结转 =
办理 + 结转下年度), each table 三 row across its applicant columns, table 四's groups, the 统计表's
parts, the prose totals against their parts, prose figures against the table cell measuring the same
thing (``pairs.yaml``), and negative counts."""

from __future__ import annotations

from collections.abc import Sequence

from reports.arithmetic import cannot, equal_check, equation_check, sum_check
from reports.model import Check, Figure
from reports.prose import Group
from reports.recognise import FREE_TEXT, FREE_TEXT_STATISTICS
from reports.vocabulary import label, pairs, pattern, vocabulary


def report_checks(
    figures: Sequence[Figure], groups: Sequence[Group], fmt: str, year: int | None
) -> list[Check]:
    out: list[Check] = []
    if fmt not in (FREE_TEXT, FREE_TEXT_STATISTICS):
        out.extend(table_three_checks(figures))
        out.extend(table_four_checks(figures))
    out.extend(statistics_checks(figures))
    out.extend(prose_checks(groups))
    out.extend(pair_checks(figures, fmt, year))
    out.extend(negative_checks(figures))
    return out


def _cells(figures: Sequence[Figure], table: str) -> dict[str, Figure]:
    return {f.key: f for f in figures if f.table == table and f.key}


def _rows(cells: dict[str, Figure]) -> list[str]:
    seen: dict[str, None] = {}
    for key in cells:
        seen.setdefault(key.rsplit(".", 1)[0], None)
    return list(seen)


def table_three_checks(figures: Sequence[Figure]) -> list[Check]:
    spec = vocabulary()["table_three"]
    cells = _cells(figures, "三")
    if not cells:
        return [
            cannot("三.present", "表三 收到和处理政府信息公开申请情况", "no table 三 was found in the report")
        ]
    out: list[Check] = []
    rows = _rows(cells)
    columns = [c["key"] for c in spec["columns"]]
    labels = {c["key"]: c["label"] for c in spec["columns"]}
    outcome, outcome_total = spec["outcome"], spec["outcome_total"]
    leaves = [
        r
        for r in rows
        if r.startswith(outcome + ".") and r != outcome_total and not any(o.startswith(r + ".") for o in rows)
    ]
    for column in columns:
        title = f"表三 办理结果各项之和 = （七）总计 [{labels[column]}]"
        total = cells.get(f"{outcome_total}.{column}")
        if total is None:
            out.append(cannot("三.outcomes", title, "no （七）总计 row was read"))
        else:
            out.append(sum_check("三.outcomes", title, [cells[f"{r}.{column}"] for r in leaves], total))
    for column in columns:
        title = f"表三 本年新收 + 上年结转 = （七）总计 + 结转下年度继续办理 [{labels[column]}]"
        needed = [f"{k}.{column}" for k in ("new", "carried_in", outcome_total, "carried_out")]
        missing = [k for k in needed if k not in cells]
        if missing:
            out.append(
                cannot(
                    "三.balance", title, f"rows not read: {', '.join(m.rsplit('.', 1)[0] for m in missing)}"
                )
            )
            continue
        new, carried_in, done, carried_out = (cells[k] for k in needed)
        out.append(equation_check("三.balance", title, [new, carried_in], [done, carried_out]))
    total_column = spec["total_column"]
    for row in rows:
        parts = [cells[f"{row}.{c}"] for c in columns if c != total_column and f"{row}.{c}" in cells]
        total = cells.get(f"{row}.{total_column}")
        if total is None:
            continue
        title = f"表三 {total.row}：各类申请人之和 = 总计"
        out.append(sum_check("三.row", title, parts, total))
    return out


def table_four_checks(figures: Sequence[Figure]) -> list[Check]:
    spec = vocabulary()["table_four"]
    cells = _cells(figures, "四")
    if not cells:
        return [
            cannot("四.present", "表四 行政复议、行政诉讼情况", "no table 四 row of 15 numbers was found")
        ]
    out: list[Check] = []
    for group in spec["groups"]:
        keys = [f"{group['key']}.{c['key']}" for c in spec["columns"]]
        *parts, total = (cells[k] for k in keys)
        out.append(sum_check("四.group", f"表四 {group['label']}：各结果之和 = 总计", parts, total))
    return out


def statistics_checks(figures: Sequence[Figure]) -> list[Check]:
    """Each 统计表 total against its 其中 rows, column by column."""
    stats = [f for f in figures if f.table == "统计表" and f.row]
    out: list[Check] = []
    columns = list(dict.fromkeys(f.column for f in stats))
    parents = list(dict.fromkeys(f.row.split(" / ")[0] for f in stats if f.row and " / " in f.row))
    for parent in parents:
        for column in columns:
            total = next((f for f in stats if f.row == parent and f.column == column), None)
            parts = [f for f in stats if f.row and f.row.startswith(parent + " / ") and f.column == column]
            if total is None:
                out.append(
                    cannot("统计表.parts", f"统计表 {parent} [{column}]", "the total row was not read", parts)
                )
                continue
            out.append(
                sum_check("统计表.parts", f"统计表 {parent}：其中各项之和 = 总数 [{column}]", parts, total)
            )
    return out


def prose_checks(groups: Sequence[Group]) -> list[Check]:
    return [
        sum_check(
            "prose.parts",
            f"正文 “{g.total.label}” {g.total.value}{g.total.unit or ''} = 所列各项之和 ({g.how})",
            g.parts,
            g.total,
        )
        for g in groups
    ]


def _table_cell(
    figures: Sequence[Figure], spec: dict[str, object], column: str, year: int | None
) -> Figure | None:
    table = str(spec["table"])
    if table != "统计表":
        return _cells(figures, table).get(f"{spec['row']}.{column}")
    rows = [f for f in figures if f.table == "统计表" and f.row and pattern(str(spec["row"])).search(f.row)]
    if column == "current":
        current = [f for f in rows if year is not None and f.column and str(year) in f.column]
        rows = current or [f for f in rows if f.column and "累计" not in f.column]
    return rows[0] if rows else None


def pair_checks(figures: Sequence[Figure], fmt: str, year: int | None) -> list[Check]:
    out: list[Check] = []
    prose = [f for f in figures if f.table is None]
    for spec in pairs():
        if fmt not in spec["formats"]:
            continue
        for figure in prose:
            if figure.unit not in (*spec["units"], None) or not pattern(spec["prose"]).search(
                label(figure.label)
            ):
                continue
            cell = next((c for col in spec["columns"] if (c := _table_cell(figures, spec, col, year))), None)
            title = f"正文与表格：{spec['name']}"
            if cell is None:
                out.append(
                    cannot(
                        "pair",
                        title,
                        f"table {spec['table']} has no cell {spec['row']} / {'|'.join(spec['columns'])}",
                        [figure],
                    )
                )
                continue
            out.append(equal_check("pair", title, figure, cell, spec.get("note")))
    return out


def negative_checks(figures: Sequence[Figure]) -> list[Check]:
    signed = {c for c, info in vocabulary()["table_two"]["columns"].items() if info.get("signed")}
    negative = [f for f in figures if f.value is not None and f.value < 0 and f.column not in signed]
    if not negative:
        counted = [f for f in figures if f.value is not None]
        return [
            # one line for the whole report: every count is zero or more
            _no_negative(len(counted))
        ]
    return [
        Check(
            "negative",
            f"负数 {f.label}",
            "fail",
            f"{f.value} < 0 ✗",
            (f,),
            None,
            "a count cannot be negative",
        )
        for f in negative
    ]


def _no_negative(count: int) -> Check:
    return Check("negative", "无负数 (no negative count)", "pass", f"{count} figures ≥ 0 ✓")
