"""Reading an HTML page: its paragraphs and its tables, merged cells expanded as a reader sees them.

Text outside tables becomes paragraphs at block boundaries (``<p>``, ``<div>``, headings, ``<br>``…).
A table becomes a grid: a cell with ``rowspan``/``colspan`` is repeated over every position it covers,
each copy naming the position where it starts. Spans are capped, so a hostile ``colspan`` cannot
make a huge grid.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from documents.model import Block, Cell, DocumentError, Paragraph, Table

_SKIP = frozenset({"script", "style", "head", "noscript", "template", "title", "select", "option"})
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote",
        "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "pre", "center",
        "form", "fieldset", "address", "figure", "figcaption", "hr", "body", "tr", "caption",
    }
)  # fmt: skip
_SPACE = re.compile(r"[\s\xa0]+")
MAX_COLSPAN = 64
MAX_ROWSPAN = 500


def read_html(text: str, name: str) -> tuple[Block, ...]:
    """The blocks of an HTML page in reading order; raises DocumentError when it has no content."""
    if not text.strip():
        raise DocumentError(name, "empty HTML page")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(name, f"not a readable HTML page ({exc})") from None
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return tuple(walker.blocks)


def clean(text: str) -> str:
    """Whitespace runs (newlines, NBSP) as one space, the ends stripped."""
    return _SPACE.sub(" ", text).strip()


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.paragraphs = 0
        self.tables = 0

    def add(self, text: str | None) -> None:
        if text:
            self.buffer.append(text)

    def flush(self) -> None:
        text = clean("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.paragraphs += 1
            self.blocks.append(Paragraph(text, f"paragraph {self.paragraphs}"))

    def walk(self, element: etree._Element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if tag is None or tag in _SKIP:
            self.add(element.tail)
            return
        if tag == "table":
            self.flush()
            self.tables += 1
            grid = table_grid(element)
            if grid:
                self.blocks.append(Table(grid, f"table {self.tables}"))
            self.add(element.tail)
            return
        if tag == "br":
            self.flush()
            self.add(element.tail)
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
        self.add(element.text)
        for child in element:
            self.walk(child)
        if block:
            self.flush()
        self.add(element.tail)


def _span(cell: etree._Element, attribute: str, cap: int) -> int:
    match = re.match(r"\s*(\d+)", cell.get(attribute) or "")
    return max(1, min(int(match.group(1)), cap)) if match else 1


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The table's rows, not those of tables nested in its cells."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def table_grid(table: etree._Element) -> tuple[tuple[Cell, ...], ...]:
    """The table as a grid; a merged cell's text repeated over the positions it covers."""
    rows = _own_rows(table)
    grid: dict[tuple[int, int], Cell] = {}
    widths = [0] * len(rows)
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = clean(td.text_content())
            rowspan = min(_span(td, "rowspan", MAX_ROWSPAN), len(rows) - r)
            colspan = _span(td, "colspan", MAX_COLSPAN)
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    grid.setdefault((rr, cc), Cell(text, (r, c)))
                widths[rr] = max(widths[rr], c + colspan)
            c += colspan
    # rows keep their index (origins refer to it), an empty <tr> as an empty row
    return tuple(
        tuple(grid.get((r, c), Cell("", (r, c))) for c in range(widths[r])) for r in range(len(rows))
    )
