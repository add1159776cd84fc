"""Reading a DOCX file (python-docx): paragraphs and tables in document order, merged cells repeated."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from documents.markup import clean
from documents.model import Block, Cell, DocumentError, Paragraph, Table


def read_docx(data: bytes, name: str) -> tuple[Block, ...]:
    """The blocks of a DOCX file; raises DocumentError when it is not a readable DOCX."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(name, f"not a readable DOCX file ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # python-docx and lxml raise many types on a damaged package
        raise DocumentError(name, f"not a readable DOCX file ({type(exc).__name__}: {exc})") from None
    return tuple(_blocks(document))


def _blocks(document: WordDocument) -> list[Block]:
    blocks: list[Block] = []
    paragraphs = tables = 0
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            for line in WordParagraph(element, document).text.splitlines():  # type: ignore[arg-type]
                text = clean(line)
                if text:
                    paragraphs += 1
                    blocks.append(Paragraph(text, f"paragraph {paragraphs}"))
        elif element.tag == qn("w:tbl"):
            tables += 1
            blocks.append(Table(_grid(WordTable(element, document)), f"table {tables}"))  # type: ignore[arg-type]
    return blocks


def _grid(table: WordTable) -> tuple[tuple[Cell, ...], ...]:
    """Each row as its layout grid: a merged cell repeated over the positions it covers (python-docx
    repeats it), each copy naming where it starts; leading empty grid positions kept blank."""
    origins: dict[int, tuple[int, int]] = {}
    alive = []  # lxml proxies keep their id only while referenced
    rows: list[tuple[Cell, ...]] = []
    for r, row in enumerate(table.rows):
        cells: list[Cell] = [Cell("", (r, c)) for c in range(row.grid_cols_before)]
        for cell in row.cells:
            c = len(cells)
            alive.append(cell._tc)
            origin = origins.setdefault(id(cell._tc), (r, c))
            cells.append(Cell(clean(cell.text), origin))
        rows.append(tuple(cells))
    return tuple(rows)
