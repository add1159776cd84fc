"""The fixed tables of a report, cell by cell: table 二 (第二十条 items, both versions), table 三
(applications), table 四 (reviews and lawsuits) and the pre-2019 统计表.

The document is read as one stream of rows in printed order (a paragraph is a one-cell row), so a
table printed as several tables, or split over pages, or as TAB-separated lines of a text file, reads
the same. Section headings and header rows set where the figures go; labels are matched after spaces
are removed, and a row label repeated at a page break is read once (and noted).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from documents import Document, Paragraph
from reports.model import Figure, Source
from reports.vocabulary import cell_number, is_blank, is_number_cell, label, pattern, vocabulary


@dataclass(frozen=True)
class Row:
    """A printed row: its cells (a colspan's copies dropped), where each cell is, and which cells only
    repeat a cell of a row above (a rowspan)."""

    cells: tuple[str, ...]
    wheres: tuple[str, ...]
    from_above: tuple[bool, ...]
    where: str
    paragraph: bool


def document_rows(document: Document) -> Iterator[Row]:
    for block in document.blocks:
        if isinstance(block, Paragraph):
            yield Row((block.text,), (block.where,), (False,), block.where, True)
            continue
        for r, cells in enumerate(block.rows):
            kept = [(c, cell) for c, cell in enumerate(cells) if not cell.copies_left(c)]
            if not kept:
                continue
            yield Row(
                tuple(cell.text for _, cell in kept),
                tuple(block.cell_where(r, c) for c, _ in kept),
                tuple(cell.origin[0] < r for _, cell in kept),
                block.row_where(r),
                False,
            )


@dataclass
class TableReading:
    """The figures of a report's tables and what was noticed while reading them."""

    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    versions: set[str] = field(default_factory=set)  # 2019 / 2021, from table 二's column words
    tables: set[str] = field(default_factory=set)  # 二 三 四 统计表
    other_handling_rows: bool = False  # the 2021 rows under 三（六）


def read_tables(document: Document) -> TableReading:
    reader = _Reader()
    for row in document_rows(document):
        reader.feed(row)
    return reader.reading


class _Reader:
    def __init__(self) -> None:
        self.vocab = vocabulary()
        self.reading = TableReading()
        self.section: str | None = None
        self.item: str | None = None
        self.columns: list[str] | None = None  # table 二 / 统计表 column labels
        self.stack: list[str] = []  # table 三 row labels, by level
        self.stat_parent: str | None = None

    # -- routing -------------------------------------------------------------------------
    def feed(self, row: Row) -> None:
        texts = [label(t) for t in row.cells]
        non_blank = [t for t in texts if t]
        if not non_blank:
            return
        if len(set(non_blank)) == 1 and self._caption(non_blank[0]):
            return
        if row.paragraph:
            return
        self._detect_section(texts)
        if self.section == "二":
            self._table_two(row, texts)
        elif self.section == "三":
            self._table_three(row, texts)
        elif self.section == "四":
            self._table_four(row, texts)
        elif self.section == "统计表":
            self._statistics(row, texts)

    def _caption(self, text: str) -> bool:
        """Whether ``text`` (a paragraph, a one-cell row) opens a section or a table 二 item."""
        sections: dict[str, str] = self.vocab["sections"]
        for name, regex in sections.items():
            if pattern(regex).search(text):
                self._enter(None if name == "end" else name)
                return True
        if pattern(self.vocab["table_two"]["item"]).match(text):
            if self.section != "二":
                self._enter("二")
            self.item = text
            self.columns = None
            return True
        return False

    def _enter(self, section: str | None) -> None:
        self.section = section
        self.item = None
        self.columns = None
        self.stack = []
        self.stat_parent = None

    def _detect_section(self, texts: list[str]) -> None:
        first = texts[0]
        if pattern(self.vocab["table_two"]["header"]).match(first) and self.section != "二":
            self._enter("二")
        elif pattern(self.vocab["statistics"]["header"]).match(first) and self.section != "统计表":
            self._enter("统计表")
        elif self.section not in ("三", "四") and _has_words(
            texts, self.vocab["table_three"]["header_words"][:4]
        ):
            self._enter("三")
        elif self.section != "四" and _has_words(texts, ["结果维持", "结果纠正"]):
            self._enter("四")

    # -- table 二 ------------------------------------------------------------------------
    def _table_two(self, row: Row, texts: list[str]) -> None:
        spec = self.vocab["table_two"]
        if pattern(spec["item"]).match(texts[0]) and all(is_blank(t) for t in texts[1:]):
            self.item = texts[0]
            self.columns = None
            return
        if pattern(spec["header"]).match(texts[0]):
            self.columns = texts[1:]
            for column in self.columns:
                info = spec["columns"].get(column)
                if info:
                    self.reading.versions.add(str(info["version"]))
                else:
                    self.reading.notes.append(f"表二 {row.where}: column “{column}” is not in the vocabulary")
            return
        if self.columns is None:
            self.reading.notes.append(f"表二 {row.where}: a row before any 信息内容 header, not read")
            return
        row_label = texts[0]
        row_key = spec["rows"].get(row_label)
        if row_key is None:
            self.reading.notes.append(f"表二 {row.where}: row “{row_label}” is not in the vocabulary")
        for n, column in enumerate(self.columns, start=1):
            info = spec["columns"].get(column) or {}
            text = row.cells[n] if n < len(row.cells) else ""
            where = row.wheres[n] if n < len(row.wheres) else f"{row.where} (no cell {n + 1})"
            value, unit = cell_number(text)
            if value is None and not is_blank(text):
                self.reading.notes.append(f"表二 {where}: “{text}” is not a number")
            key = f"{row_key}.{info['key']}" if row_key and info else None
            self._add("二", row_label, column, value, unit or info.get("unit"), where, text, key)

    # -- table 三 ------------------------------------------------------------------------
    def _table_three(self, row: Row, texts: list[str]) -> None:
        spec = self.vocab["table_three"]
        columns = spec["columns"]
        width = len(columns)
        values = texts[-width:]
        if len(texts) <= width or not all(is_number_cell(t) for t in values):
            if not _has_words(texts, spec["header_words"]):
                self.reading.notes.append(
                    f"表三 {row.where}: not a row of {width} numbers after its label, not read: {' | '.join(texts)}"
                )
            return
        labels = [(t, above) for t, above in zip(texts[:-width], row.from_above[:-width], strict=True) if t]
        if not labels:
            self.reading.notes.append(f"表三 {row.where}: a row of numbers without a label, not read")
            return
        path = self._path(labels, row.where)
        keys = [self._row_key(p) for p in path]
        key = ".".join(k for k in keys if k)
        if key.startswith("outcome.other_handling."):
            self.reading.other_handling_rows = True
        row_label = " / ".join(path)
        for n, column in enumerate(columns):
            index = len(texts) - width + n
            self._add(
                "三",
                row_label,
                column["label"],
                *_value(row.cells[index]),
                "件",
                row.wheres[index],
                row.cells[index],
                f"{key}.{column['key']}" if key else None,
            )

    def _path(self, labels: list[tuple[str, bool]], where: str) -> list[str]:
        for text, from_above in labels:
            level = self._level(text)
            if level < len(self.stack) and self.stack[level] == text:
                if not from_above and level < len(labels) - 1:
                    self.reading.notes.append(
                        f"表三 {where}: label “{text}” printed again (a page break), read once"
                    )
                self.stack = self.stack[: level + 1]
                continue
            self.stack = [*self.stack[:level], text]
        return list(self.stack)

    def _level(self, text: str) -> int:
        spec = self.vocab["table_three"]
        for level, regex in enumerate(spec["levels"]):
            if pattern(regex).match(text):
                return min(level, len(self.stack))
        key = self._word_key(text)
        if key in ("new", "carried_in", "outcome", "carried_out"):
            return 0
        if key:
            return min(1, len(self.stack))
        return min(2, len(self.stack))

    def _word_key(self, text: str) -> str | None:
        for entry in self.vocab["table_three"]["keys"]:
            if entry["word"] in text:
                return str(entry["key"])
        return None

    def _row_key(self, text: str) -> str | None:
        number = re.match(r"^(\d+)[.．、]", text)
        if number:
            return number.group(1)
        return self._word_key(text)

    # -- table 四 ------------------------------------------------------------------------
    def _table_four(self, row: Row, texts: list[str]) -> None:
        spec = self.vocab["table_four"]
        size = len(spec["groups"]) * len(spec["columns"])
        numeric = [n for n, t in enumerate(texts) if is_number_cell(t) and t]
        if len(numeric) < size // 2:
            return  # a header row
        cells = list(range(len(texts)))
        if len(texts) == size + 1 and not is_number_cell(texts[0]):
            cells = cells[1:]
        if len(cells) != size:
            self.reading.notes.append(f"表四 {row.where}: {len(cells)} cells, expected {size}; not read")
            return
        for n, index in enumerate(cells):
            group = spec["groups"][n // len(spec["columns"])]
            column = spec["columns"][n % len(spec["columns"])]
            self._add(
                "四",
                group["label"],
                column["label"],
                *_value(row.cells[index]),
                spec["unit"],
                row.wheres[index],
                row.cells[index],
                f"{group['key']}.{column['key']}",
            )
        self._enter(None)

    # -- 统计表 ---------------------------------------------------------------------------
    def _statistics(self, row: Row, texts: list[str]) -> None:
        spec = self.vocab["statistics"]
        if pattern(spec["header"]).match(texts[0]):
            self.columns = texts
            return
        if self.columns is None:
            return
        unit_at = next((n for n, c in enumerate(self.columns) if pattern(spec["unit_column"]).match(c)), None)
        unit = texts[unit_at] if unit_at is not None and unit_at < len(texts) else None
        name = texts[0]
        if pattern(spec["part"]).match(name) and self.stat_parent:
            row_label = f"{self.stat_parent} / {name}"
        else:
            self.stat_parent = name
            row_label = name
        for n, column in enumerate(self.columns):
            if n == 0 or n == unit_at:
                continue
            text = row.cells[n] if n < len(row.cells) else ""
            value, printed_unit = cell_number(text)
            self._add(
                "统计表",
                row_label,
                column,
                value,
                printed_unit or unit,
                row.wheres[n] if n < len(row.wheres) else row.where,
                text,
                None,
            )

    def _add(  # every figure goes through here, so the tables found are those with figures
        self,
        table: str,
        row: str,
        column: str,
        value: int | float | None,
        unit: str | None,
        where: str,
        printed: str,
        key: str | None,
    ) -> None:
        self.reading.tables.add(table)
        self.reading.figures.append(
            Figure(table, row, column, f"{row} · {column}", value, unit, False, Source(where, printed), key)
        )


def _value(text: str) -> tuple[int | float | None]:
    return (cell_number(text)[0],)


def _has_words(texts: list[str], words: list[str]) -> bool:
    return any(w in t for t in texts for w in words)
