"""A parsed page as rows of text, the way a reader meets personal data in it: each table row as
one line of cells (with its table's header row beside it), every other block as its own line.

Scripts, styles and comments are left out; hidden elements are kept, because what is hidden on
screen is still published in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

CELL_SEPARATOR = " | "
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "title"})
_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td th thead tfoot tr ul option select".split()
)
_SPACE = re.compile(r"[ \t\r\f\v\u3000\xa0\u2002\u2003\u200b\ufeff]+")


@dataclass(frozen=True)
class Row:
    """One line of a page or an attachment; ``header`` is its table's header row, if any."""

    text: str
    header: str = ""


def clean(text: str) -> str:
    """``text`` with runs of spaces (including full-width and non-breaking ones) made one space."""
    return _SPACE.sub(" ", text or "").strip()


def text_rows(text: str) -> list[Row]:
    """The non-empty lines of a plain text (an attachment's extracted text) as rows."""
    return [Row(line) for line in (clean(raw) for raw in (text or "").splitlines()) if line]


def tree_rows(root: etree._Element) -> list[Row]:
    """The rows of a parsed page: innermost table rows as cells joined by ``" | "``, the rest of
    the text line by line, in document order."""
    rows: list[Row] = []
    parts: list[str] = []
    for piece in _walk(root, _row_headers(root)):
        if isinstance(piece, Row):
            _flush(parts, rows)
            rows.append(piece)
        elif piece == "\n":
            _flush(parts, rows)
        else:
            parts.append(piece)
    _flush(parts, rows)
    return rows


def _row_headers(root: etree._Element) -> dict[etree._Element, str]:
    """For every innermost table row, the header row of its table: the first row of ``<th>``
    cells, else the first row; empty for the header row itself. (Keyed by the elements
    themselves: lxml keeps one proxy per element only while a reference to it lives.)"""
    by_table: dict[etree._Element | None, list[etree._Element]] = {}
    for tr in root.iter("tr"):
        if any(True for _ in tr.iterdescendants("tr")):
            continue
        table = next((a for a in tr.iterancestors() if _tag(a) == "table"), None)
        by_table.setdefault(table, []).append(tr)
    headers: dict[etree._Element, str] = {}
    for trs in by_table.values():
        header = next((r for r in trs if any(_tag(c) == "th" for c in r)), trs[0])
        text = _cells(header)
        for tr in trs:
            headers[tr] = "" if tr is header else text
    return headers


def _cells(tr: etree._Element) -> str:
    cells = [clean("".join(cell.itertext())) for cell in tr if _tag(cell) in ("td", "th")]
    return CELL_SEPARATOR.join(c for c in cells if c) or clean("".join(tr.itertext()))


def _walk(node: etree._Element, headers: dict[etree._Element, str]) -> Iterator[str | Row]:
    if not isinstance(node.tag, str) or _tag(node) in _SKIPPED:
        return
    if node in headers:
        text = _cells(node)
        if text:
            yield Row(text, headers[node])
        return
    block = _tag(node) in _BLOCKS
    if block:
        yield "\n"
    if node.text:
        yield node.text
    for child in node:
        yield from _walk(child, headers)
        if child.tail:
            yield child.tail
    if block:
        yield "\n"


def _tag(node: etree._Element) -> str:
    return node.tag.lower() if isinstance(node.tag, str) else ""


def _flush(parts: list[str], rows: list[Row]) -> None:
    line = clean("".join(parts))
    parts.clear()
    if line:
        rows.append(Row(line))
