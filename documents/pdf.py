"""Reading a PDF (pdfplumber): text lines and ruled tables in reading order; a table that runs over a
page break is joined into one, its repeated header rows dropped.

A merged cell, which pdfplumber gives as empty positions (None) beside or below it, is repeated over
the positions it covers like in the other readers; a cell printed empty stays blank.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from documents.markup import clean
from documents.model import Block, Cell, DocumentError, Paragraph, Table

_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d+\s*(?:页)?(?:\s*/\s*(?:共\s*)?\d+\s*页?)?[-—–\s]*$")
MAX_PAGES = 500


def read_pdf(data: bytes, name: str) -> tuple[Block, ...]:
    """The blocks of a PDF; raises DocumentError when it cannot be opened or holds no text."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise DocumentError(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    try:
        pages: list[list[tuple[float, Block]]] = []
        with pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise DocumentError(name, f"{len(pdf.pages)} pages; more than {MAX_PAGES} is not a report")
            for number, page in enumerate(pdf.pages, start=1):
                pages.append(_page_blocks(page, number))
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many types on damaged files
        raise DocumentError(name, f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    return tuple(_join_pages(pages))


def _page_blocks(page: Any, number: int) -> list[tuple[float, Block]]:
    found = page.find_tables()
    boxes = [t.bbox for t in found]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
        y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    blocks: list[tuple[float, Block]] = []
    lines = page.filter(outside).extract_text_lines() if boxes else page.extract_text_lines()
    for n, line in enumerate(lines, start=1):
        text = clean(line["text"])
        if text and not _PAGE_NUMBER.match(text):
            blocks.append((line["top"], Paragraph(text, f"page {number}, line {n}")))
    for t, table in enumerate(found, start=1):
        where = f"page {number}, table {t}"
        grid = _grid(table)
        places = tuple(f"{where}, row {r + 1}" for r in range(len(grid)))
        blocks.append((table.bbox[1], Table(grid, where, places)))
    blocks.sort(key=lambda pair: pair[0])
    return blocks


def _grid(table: Any) -> tuple[tuple[Cell, ...], ...]:
    """The table's grid; a position pdfplumber leaves empty (None) repeats the merged cell covering
    it, found by the cells' boxes: the cell to its left when that one reaches into this column, else
    the cell above when that one reaches into this row."""
    texts = table.extract()
    boxes = [row.cells for row in table.rows]
    width = max((len(r) for r in texts), default=0)
    col_x = [min((row[c][0] for row in boxes if c < len(row) and row[c]), default=0.0) for c in range(width)]
    row_y = [min((b[1] for b in row if b), default=0.0) for row in boxes]
    grid: list[list[Cell]] = []
    for r, row in enumerate(texts):
        cells: list[Cell] = []
        for c in range(width):
            value = row[c] if c < len(row) else None
            if value is not None:
                cells.append(Cell(clean(value), (r, c)))
                continue
            cells.append(_covering(grid, cells, boxes, r, c, col_x, row_y))
        grid.append(cells)
    return tuple(tuple(row) for row in grid)


def _covering(
    grid: list[list[Cell]],
    cells: list[Cell],
    boxes: list[list[Any]],
    r: int,
    c: int,
    col_x: list[float],
    row_y: list[float],
) -> Cell:
    if c > 0:
        left = cells[c - 1]
        box = boxes[left.origin[0]][left.origin[1]]
        if box and box[2] > col_x[c] + 1:
            return Cell(left.text, left.origin)
    if r > 0 and c < len(grid[r - 1]):
        above = grid[r - 1][c]
        box = boxes[above.origin[0]][above.origin[1]]
        if box and box[3] > row_y[r] + 1:
            return Cell(above.text, above.origin)
    return Cell("", (r, c))


def _join_pages(pages: list[list[tuple[float, Block]]]) -> list[Block]:
    """The pages' blocks in order; a table that starts a page continues the table that ended the
    previous one when both have the same number of columns (its repeated header rows dropped)."""
    out: list[Block] = []
    for blocks in pages:
        for n, (_, block) in enumerate(blocks):
            previous = out[-1] if out else None
            if (
                n == 0
                and isinstance(block, Table)
                and isinstance(previous, Table)
                and _same_shape(previous, block)
            ):
                out[-1] = _joined(previous, block)
            else:
                out.append(block)
    return out


def _width(table: Table) -> int:
    return max((len(r) for r in table.rows), default=0)


def _same_shape(first: Table, second: Table) -> bool:
    return _width(first) == _width(second)


def _joined(first: Table, second: Table) -> Table:
    head = 0
    while head < min(len(first.rows), len(second.rows)) and first.texts()[head] == second.texts()[head]:
        head += 1
    offset = len(first.rows) - head
    rows = list(first.rows)
    places = list(first.row_places)
    for r in range(head, len(second.rows)):
        rows.append(tuple(Cell(c.text, (c.origin[0] + offset, c.origin[1])) for c in second.rows[r]))
        places.append(second.row_where(r))
    return Table(tuple(rows), first.where, tuple(places))
