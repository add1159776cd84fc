"""An attachment's text for the inspector, whatever its format: a result that always says what
happened. ``extract_text`` never raises on bad bytes: a file it cannot read (too large, unknown
format, damaged, no tool installed) gives an :class:`Extraction` with no text and its reason."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from documents.formats import UNKNOWN, formats, sniff
from documents.legacy import word_text
from documents.markup import read_html
from documents.model import Block, Document, DocumentError, Paragraph
from documents.pdf import read_pdf
from documents.sheet import read_xls, read_xlsx
from documents.text import declared_charset, decode, read_text
from documents.word import read_docx

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extraction:
    """What reading one attachment gave: its sniffed format, its text (tables as TAB-separated rows),
    the tool or library that read it, and ``reason`` when no text came out (None when it did).
    ``note`` records a disagreement worth knowing (a .doc that is really a PDF)."""

    name: str
    format: str
    text: str
    reason: str | None = None
    tool: str | None = None
    size: int = 0
    note: str | None = None
    document: Document | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


_TOOLS = {
    "pdf": "pdfplumber",
    "docx": "python-docx",
    "xlsx": "openpyxl",
    "xls": "xlrd",
    "et": "xlrd",
    "html": "lxml",
    "txt": "text",
}


def max_bytes() -> int:
    """The default size cap (``formats.yaml``); a profile may pass its own."""
    return int(formats()["max_bytes"])


def extract_text(
    data: bytes, name: str, content_type: str | None = None, limit: int | None = None
) -> Extraction:
    """The text of the attachment ``data`` (called ``name``); never raises on its content."""
    cap = max_bytes() if limit is None else limit
    if not data:
        return Extraction(name, UNKNOWN, "", "empty file")
    if len(data) > cap:
        return Extraction(name, UNKNOWN, "", f"{len(data)} bytes, over the cap of {cap}", size=len(data))
    sniffed = sniff(data, name, content_type)
    fmt, size = sniffed.format, len(data)
    if fmt == UNKNOWN:
        return Extraction(name, fmt, "", f"format not recognised: {sniffed.note}", size=size)
    try:
        blocks, tool = _read(fmt, data, name, content_type)
    except DocumentError as exc:
        return Extraction(name, fmt, "", exc.reason, size=size, note=sniffed.note)
    except Exception as exc:  # a reader library failing in a way it does not document
        logger.warning("%s: %s reader failed: %r", name, fmt, exc)
        return Extraction(name, fmt, "", f"{fmt} reader failed ({type(exc).__name__}: {exc})", size=size)
    document = Document(name, fmt, blocks)
    text = document.text
    if not text.strip():
        return Extraction(name, fmt, "", f"no text in this {fmt.upper()} file", tool, size, sniffed.note)
    return Extraction(name, fmt, text, None, tool, size, sniffed.note, document)


def _read(fmt: str, data: bytes, name: str, content_type: str | None) -> tuple[tuple[Block, ...], str]:
    if fmt in ("doc", "wps"):
        text, tool = word_text(data, name)
        lines = (line.strip() for line in text.splitlines())
        return tuple(Paragraph(line, f"line {n}") for n, line in enumerate(lines, start=1) if line), tool
    if fmt == "pdf":
        blocks = read_pdf(data, name)
    elif fmt == "docx":
        blocks = read_docx(data, name)
    elif fmt == "xlsx":
        blocks = read_xlsx(data, name)
    elif fmt in ("xls", "et"):
        blocks = read_xls(data, name)
    else:
        text = decode(data, name, declared_charset(content_type, data if fmt == "html" else b""))
        blocks = read_html(text, name) if fmt == "html" else read_text(text)
    return blocks, _TOOLS[fmt]
