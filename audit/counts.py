"""Count tables for auditors: a rich table for the terminal, JSON for programs, CSV for Excel."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict

from rich.table import Table

from audit.definitions import rules_text
from audit.terminal import fit_rows
from audit.walks import MARK, WALKS
from storage.reads import CountRow

FORMATS = ("table", "json", "csv")
FIELDS = ("site", "column", "taxonomy", "year", "items", "walk", "walk_note")
HEADERS = {"site": "站点", "column": "栏目", "taxonomy": "分类", "year": "年份", "items": "条数"}
STATUS_HEADER = "状态"
NO_YEAR = "—"  # a column with no item at all: no year to show
PATHS = (1, 2)  # the cells holding paths (栏目, 分类), abbreviated from the left to fit
# Excel opens UTF-8 CSV as the local code page unless the file starts with a byte-order mark.
BOM = "\ufeff"
UNCLASSIFIED = "（未分类）"


def counts_table(rows: Sequence[CountRow], title: str | None = None, width: int | None = None) -> Table:
    """A rich table with Chinese headers, the counting rules as its caption. With ``width`` (the
    terminal's), column paths are abbreviated from the left to fit it; a column whose last walk was
    not complete (blocked, failed …) says so in a 状态 column, never as a bare 0."""
    marked = [row for row in rows if row.walk in WALKS and row.column is not None]
    caption = rules_text("zh")
    if marked:
        notes = sorted({(row.column or "", WALKS[row.walk], row.walk_note or "") for row in marked})
        lines = [
            f"{MARK} 该栏目最近一次遍历未完整，数字不是栏目全部："
            + "；".join(f"{column}（{word}{'：' + note if note else ''}）" for column, word, note in notes)
        ]
        caption = "\n".join([*lines, caption])
    headers = [HEADERS[name] for name in FIELDS[:5]] + ([STATUS_HEADER] if marked else [])
    body = []
    for row in rows:
        flagged = row.walk in WALKS and row.column is not None
        cells: list[str] = [
            row.site,
            row.column or "",
            row.taxonomy or UNCLASSIFIED,
            NO_YEAR if row.year is None else str(row.year),
            f"{row.items}{MARK}" if flagged else str(row.items),
        ]
        if marked:
            cells.append(WALKS[row.walk] if flagged else "")
        body.append(cells)
    table = Table(title=title, caption=caption, caption_justify="left")
    for n, header in enumerate(headers):
        table.add_column(header, justify="right" if n in (3, 4) else "left", overflow="fold")
    for fitted in fit_rows(headers, body, PATHS, width):
        table.add_row(*fitted)
    return table


def counts_json(rows: Sequence[CountRow]) -> str:
    """A JSON list of objects with the keys site, column, taxonomy, year, items, walk, walk_note
    (how the column's last walk ended: a number from a walk that was not ``ok`` is not the whole column)."""
    return json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2)


def counts_csv(rows: Sequence[CountRow]) -> str:
    """CSV text starting with a BOM; write it with ``encoding="utf-8"`` (not ``utf-8-sig``)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(["" if value is None else value for value in (getattr(row, f) for f in FIELDS)])
    return buffer.getvalue()


def format_counts(rows: Sequence[CountRow], fmt: str = "table", width: int | None = None) -> Table | str:
    """The rows in one of :data:`FORMATS` (a table fitted to ``width`` cells, None: full paths)."""
    if fmt == "table":
        return counts_table(rows, width=width)
    if fmt == "json":
        return counts_json(rows)
    if fmt == "csv":
        return counts_csv(rows)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
