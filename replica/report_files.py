"""An annual report's blocks (paragraphs and tables with merged cells) written as an HTML body, a
DOCX (python-docx) and a PDF (reportlab, CID font STSong-Light, so no font file is needed), each
deterministic: the same blocks always give the same bytes."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from html import escape

import docx
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as PdfTable

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column
FONT = "STSong-Light"
# A fixed time for every entry of a DOCX, so the archive's bytes never depend on when it was built.
_ZIP_TIME = (2019, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Grid:
    """A table as printed: rows of cell texts; a merged cell's text sits at its first position."""

    rows: tuple[tuple[str, ...], ...]
    merges: tuple[Merge, ...] = ()
    header_rows: int = 0


Block = str | Grid


@dataclass(frozen=True)
class Written:
    """One report in its three forms."""

    html: str
    pdf: bytes
    docx: bytes
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def write_report(blocks: tuple[Block, ...]) -> Written:
    return Written(to_html(blocks), to_pdf(blocks), to_docx(blocks), blocks)


def _covered(grid: Grid) -> set[tuple[int, int]]:
    return {
        (r, c)
        for r0, c0, r1, c1 in grid.merges
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
        if (r, c) != (r0, c0)
    }


def to_html(blocks: tuple[Block, ...]) -> str:
    """The report's body as a detail page shows it: paragraphs, tables with rowspan/colspan."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(f"<p>{escape(block)}</p>")
            continue
        covered = _covered(block)
        starts = {(m[0], m[1]): m for m in block.merges}
        parts.append('<table border="1" class="report">')
        for r, row in enumerate(block.rows):
            cells = []
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                m = starts.get((r, c))
                span = f' rowspan="{m[2] - m[0] + 1}" colspan="{m[3] - m[1] + 1}"' if m else ""
                cells.append(f"<td{span}>{escape(text)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    return "\n".join(parts)


def to_docx(blocks: tuple[Block, ...]) -> bytes:
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block.rows), cols=max(len(r) for r in block.rows))
        covered = _covered(block)
        # looked up once before merging (``table.cell`` walks the whole table each time)
        cells = [list(row.cells) for row in table.rows]
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                if (r, c) not in covered:
                    cells[r][c].text = text
        for r0, c0, r1, c1 in block.merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry's time fixed (python-docx stamps the time of saving)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, _ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def to_pdf(blocks: tuple[Block, ...]) -> bytes:
    """Merged columns as SPAN; a label merged down rows printed on its first row only."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    style = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    small = ParagraphStyle("cell", fontName=FONT, fontSize=5, leading=6)
    story: list[object] = []
    for block in blocks:
        if isinstance(block, str):
            story.append(PdfParagraph(escape(block), style))
            continue
        width = max(len(r) for r in block.rows)
        spans = [m for m in block.merges if m[0] == m[2]]
        labels = 3 if block.header_rows else 1
        rows = [
            [PdfParagraph(escape(t), small) if c < labels else t for c, t in enumerate(row)]
            for row in block.rows
        ]
        widths = [120.0] * labels + [(540 - 120 * labels) / max(width - labels, 1)] * (width - labels)
        table = PdfTable(rows, colWidths=widths, repeatRows=block.header_rows)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("FONTSIZE", (0, 0), (-1, -1), 5),
                    ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
                    *[("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spans],
                ]
            )
        )
        story.append(table)
    out = io.BytesIO()
    template = SimpleDocTemplate(out, pagesize=A4, leftMargin=20, rightMargin=20, invariant=1)
    template.build(story)  # type: ignore[arg-type]
    return out.getvalue()
