"""The shape of a read document: paragraphs and tables in reading order, each traceable to its place."""

from __future__ import annotations

from dataclasses import dataclass, field


class DocumentError(ValueError):
    """A document that cannot be read; the message names the file and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (a line of a text file, a block of a page); ``where`` says where it was printed."""

    text: str
    where: str


@dataclass(frozen=True)
class Cell:
    """One grid position of a table. A merged cell covers several positions: each holds its text, and
    ``origin`` (row, column) names the position where the merged cell starts (itself when not merged)."""

    text: str
    origin: tuple[int, int]

    def copies_left(self, column: int) -> bool:
        """Whether this position repeats a cell that starts further left in the same row (a colspan)."""
        return self.origin[1] < column


@dataclass(frozen=True)
class Table:
    """A table as a reader sees it: a grid, merged cells repeated over every position they cover."""

    rows: tuple[tuple[Cell, ...], ...]
    where: str
    # Where each row was printed, when rows have places of their own (a text file's lines, the pages
    # of a table split over pages); otherwise rows are counted within ``where``.
    row_places: tuple[str, ...] = ()

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]

    def row_where(self, row: int) -> str:
        if row < len(self.row_places):
            return self.row_places[row]
        return f"{self.where}, row {row + 1}"

    def cell_where(self, row: int, column: int) -> str:
        return f"{self.row_where(row)}, cell {column + 1}"


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    """A document's blocks in reading order; ``kind`` is txt, html, docx or pdf."""

    name: str
    kind: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        """The whole text: paragraphs as lines, table rows as TAB-separated lines."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend("\t".join(row) for row in block.texts())
        return "\n".join(lines)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def plain_cells(texts: list[list[str]]) -> tuple[tuple[Cell, ...], ...]:
    """Cells of a table with no merged cells (each its own origin)."""
    return tuple(tuple(Cell(t, (r, c)) for c, t in enumerate(row)) for r, row in enumerate(texts))
