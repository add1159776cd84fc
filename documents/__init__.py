"""Reading a document file's text and tables, whatever its format (TXT, HTML, DOCX, PDF).

``read_document(data, name, content_type)`` returns a :class:`Document`: its blocks in reading
order, each a :class:`Paragraph` or a :class:`Table` whose cells are the text as printed (a blank
cell stays blank). A file that cannot be read raises :class:`DocumentError` naming the file and the
reason. ``extract_text(data, name)`` reads an attachment of any format inspectors meet (also DOC,
WPS, XLS, XLSX, ET), sniffed by its first bytes, and never raises: its :class:`Extraction` says why
no text came out. This package is a leaf: it imports nothing else of the project.
"""

from __future__ import annotations

from documents.extraction import Extraction, extract_text
from documents.formats import Sniffed, sniff
from documents.model import Block, Cell, Document, DocumentError, Paragraph, Table
from documents.reader import detect_kind, read_document

__all__ = [
    "Block",
    "Cell",
    "Document",
    "DocumentError",
    "Extraction",
    "Paragraph",
    "Sniffed",
    "Table",
    "detect_kind",
    "extract_text",
    "read_document",
    "sniff",
]
