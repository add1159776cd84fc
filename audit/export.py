"""Views and their formats: a rich table for the terminal, CSV (UTF-8 with BOM), XLSX and JSON.

A :class:`View` is a titled table with Chinese headers; an XLSX workbook holds one sheet per view,
header row frozen, columns sized to their content. JSON carries the full records (``data``) rather
than the flattened rows, so programs get the items behind every number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from audit.labels import zh
from audit.terminal import BORDER, PADDING, fit_rows

FORMATS = ("table", "json", "csv", "xlsx")
BOM = "\ufeff"
WALK_HEADER = "遍历说明"
MARK = "*"
_SHEET_NAME_MAX = 31
_SHORT_CELL = 12  # a column whose cells (and header) are this narrow is not wrapped when room allows
_WIDTH_MIN, _WIDTH_MAX = 6, 60


@dataclass(frozen=True)
class View:
    """One table: a sheet of a workbook, a section of the terminal output."""

    name: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    caption: str = ""
    numeric: frozenset[int] = field(default_factory=frozenset)
    # columns holding paths: on a narrow terminal abbreviated from the left (``audit.terminal``)
    paths: frozenset[int] = field(default_factory=frozenset)
    # per row: the columns not walked whole that its numbers rest on ("" for none); such a row's
    # numbers are marked in text and a 遍历说明 column carries the note in CSV and XLSX
    walk_notes: tuple[str, ...] = ()
    # columns of long prose (a 口径): on a terminal table a numbered reference, the text once below
    footnoted: frozenset[int] = field(default_factory=frozenset)
    # columns a terminal too narrow for the table leaves out (named below it); other formats keep them
    droppable: frozenset[int] = field(default_factory=frozenset)

    def walk_note(self, index: int) -> str:
        """The note of row ``index`` ("" when its numbers rest on columns walked whole)."""
        return self.walk_notes[index] if index < len(self.walk_notes) else ""

    def with_walk_notes(self) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """Headers and rows with the 遍历说明 column added when some row rests on a column not walked whole."""
        if not any(self.walk_notes):
            return self.headers, self.rows
        rows = [(*row, self.walk_note(n)) for n, row in enumerate(self.rows)]
        return (*self.headers, WALK_HEADER), rows


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def rich_tables(views: Sequence[View], width: int | None = None) -> list[RenderableType]:
    """One rich table per view, its caption below it; with ``width`` (the terminal's), the views'
    path columns abbreviated from the left to fit it and their prose columns given as numbered
    references whose texts follow the table once each."""
    tables: list[RenderableType] = []
    for view in views:
        rows = [
            tuple(
                str(zh(_cell(v)))
                + (MARK if n in view.numeric and v not in (None, "") and view.walk_note(i) else "")
                for n, v in enumerate(row)
            )
            for i, row in enumerate(view.rows)
        ]  # Chinese words for values; a number resting on a column not walked whole marked
        notes: list[str] = []
        if width is not None and view.footnoted:
            rows, notes = _footnotes(rows, view.footnoted)
        view, rows, dropped = _fit_columns(view, rows, width)
        if dropped:
            notes.append(
                f"终端宽 {width}，略去了 {'、'.join(dropped)} 列：加 --wide 或用 --format csv / json 查看。"
            )
        table = Table(title=view.name, caption=view.caption or None, caption_justify="left")
        short = _short_columns(view, rows, width)
        for n, header in enumerate(view.headers):
            table.add_column(
                header,
                justify="right" if n in view.numeric else "left",
                overflow="fold",
                no_wrap=n in short,
            )
        for row in fit_rows(view.headers, rows, view.paths, width):
            table.add_row(*row)
        if notes:  # below the table at the terminal's width, not folded into the table's
            named = "、".join(view.headers[n] for n in sorted(view.footnoted))
            head = [f"{named}："] if view.footnoted and notes[0].startswith("[") else []
            tables.append(Group(table, Text("\n".join([*head, *notes]))))
        else:
            tables.append(table)
    return tables


def _fit_columns(
    view: View, rows: list[tuple[str, ...]], width: int | None
) -> tuple[View, list[tuple[str, ...]], list[str]]:
    """The view and rows without its droppable columns when, on a terminal of ``width``, its other
    columns' cells could not be kept whole with them; and the headers left out."""
    if width is None or not view.droppable or _short_columns(view, rows, width):
        return view, rows, []
    kept = [n for n in range(len(view.headers)) if n not in view.droppable]
    renumber = {old: new for new, old in enumerate(kept)}

    def moved(columns: frozenset[int]) -> frozenset[int]:
        return frozenset(renumber[n] for n in columns if n in renumber)

    narrow = View(
        view.name,
        tuple(view.headers[n] for n in kept),
        [tuple(row[n] for n in kept) for row in view.rows],
        view.caption,
        moved(view.numeric),
        moved(view.paths),
        view.walk_notes,
        moved(view.footnoted),
    )
    dropped = [view.headers[n] for n in sorted(view.droppable)]
    return narrow, [tuple(row[n] for n in kept) for row in rows], dropped


def _short_columns(view: View, rows: list[tuple[str, ...]], width: int | None) -> set[int]:
    """The columns of short cells (dates, counts, verdicts) kept unsplit on a terminal of ``width``,
    when the other columns are still left room to be read (else none: the table wraps as it may)."""
    if width is None:
        return set()
    natural = [
        max(
            (cell_len(part) for v in (h, *(r[n] for r in rows)) for part in v.splitlines() or [""]), default=0
        )
        for n, h in enumerate(view.headers)
    ]
    short = {n for n, w in enumerate(natural) if w <= _SHORT_CELL and n not in view.paths}
    rest = len(view.headers) - len(short)
    room = width - sum(natural[n] for n in short) - len(view.headers) * (BORDER + PADDING) - BORDER
    return short if rest == 0 or room >= rest * _SHORT_CELL else set()


def _footnotes(
    rows: list[tuple[str, ...]], columns: frozenset[int]
) -> tuple[list[tuple[str, ...]], list[str]]:
    """Rows with each text of ``columns`` replaced by ``[n]`` (the same text, the same n), and the
    notes ``[n] text`` in order of first use."""
    numbers: dict[str, int] = {}
    referenced = []
    for row in rows:
        cells = list(row)
        for n in sorted(columns):
            if n < len(cells) and cells[n]:
                cells[n] = f"[{numbers.setdefault(cells[n], len(numbers) + 1)}]"
        referenced.append(tuple(cells))
    return referenced, [f"[{n}]{text}" for text, n in numbers.items()]  # no space: wraps as one


def to_csv(views: Sequence[View]) -> str:
    """CSV text starting with a BOM (Excel then reads UTF-8); several views follow one another,
    each after a line with its name. Write it with ``encoding="utf-8"``."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for n, view in enumerate(views):
        if len(views) > 1:
            if n:
                writer.writerow([])
            writer.writerow([view.name])
        headers, rows = view.with_walk_notes()
        writer.writerow(headers)
        writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_cell) + "\n"


def write_xlsx(views: Sequence[View], path: Path | str) -> None:
    """A workbook with one sheet per view: bold frozen header row, sensible widths, caption below."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for view in views:
        sheet = book.create_sheet(_sheet_name(view.name, used))
        headers, rows = view.with_walk_notes()
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for n, header in enumerate(headers, start=1):
            values = [header, *(str(_cell(row[n - 1])) for row in rows[:500])]
            width = max(_display_width(v) for v in values) + 2
            sheet.column_dimensions[get_column_letter(n)].width = max(_WIDTH_MIN, min(_WIDTH_MAX, width))
        if view.caption:
            sheet.append([])
            for line in view.caption.splitlines():
                sheet.append([line])
    book.save(str(path))


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:_SHEET_NAME_MAX] or "sheet"
    candidate, n = base, 2
    while candidate in used:
        suffix = f"({n})"
        candidate, n = base[: _SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _display_width(text: str) -> int:
    first = text.splitlines()[0] if text else ""
    # CJK characters take two columns in Excel's default font.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in first)
