"""Turning bytes into text (BOM, declared charset, UTF-8, GB18030) and reading plain-text files.

In a text file a line holding TAB characters is a table row, its cells separated by TAB; consecutive
such lines are one table. Every other non-blank line is a paragraph.
"""

from __future__ import annotations

import codecs
import logging
import re

from documents.model import Block, DocumentError, Paragraph, Table, plain_cells

logger = logging.getLogger(__name__)

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Chinese legacy encodings are all read as GB18030, their superset.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "hz-gb-2312": "hz",
}
_DECLARED = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def declared_charset(content_type: str | None, head: bytes = b"") -> str | None:
    """The charset named by the content type, else by a ``<meta charset>`` in the first bytes."""
    for source in ((content_type or "").encode("ascii", "ignore"), head[:4096]):
        match = _DECLARED.search(source)
        if match:
            name = match.group(1).decode("ascii").lower()
            return _SUPERSETS.get(name, name)
    return None


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """The text of ``data``: by its BOM, else the declared charset, else UTF-8, else GB18030."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_as(data, encoding, name)
    if b"\x00" in data:
        raise DocumentError(name, "binary content (NUL bytes), not text")
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            logger.info("%s declares an unknown charset %r; trying UTF-8 and GB18030", name, declared)
        else:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                logger.info("%s is not %s as declared; trying UTF-8 and GB18030", name, declared)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(
        name, f"unreadable encoding: not {declared + ', ' if declared else ''}UTF-8 nor GB18030"
    )


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(name, f"unreadable encoding: its BOM says {encoding} but {exc.reason}") from None


def read_text(text: str) -> tuple[Block, ...]:
    """The blocks of a plain-text file: TAB-separated lines as tables, other lines as paragraphs."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    places: list[str] = []

    def flush() -> None:
        if rows:
            where = places[0] if len(places) == 1 else f"{places[0]}–{places[-1].removeprefix('line ')}"
            blocks.append(Table(plain_cells(rows), where, tuple(places)))
            rows.clear()
            places.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if "\t" in line:
            # split the line as printed: a leading TAB is a blank first cell
            rows.append([cell.strip() for cell in raw.rstrip("\r\n").split("\t")])
            places.append(f"line {number}")
            continue
        flush()
        if line:
            blocks.append(Paragraph(line, f"line {number}"))
    flush()
    return tuple(blocks)
