"""Which reader a file needs (by its first bytes, its content type, its name) and reading it."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from documents.markup import read_html
from documents.model import Document, DocumentError
from documents.pdf import read_pdf
from documents.text import declared_charset, decode, read_text
from documents.word import read_docx

KINDS = ("txt", "html", "docx", "pdf")
_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".htm": "html",
    ".html": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".jsp": "html",
    ".php": "html",
    ".asp": "html",
    ".aspx": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
_CONTENT_TYPES = {
    "text/plain": "txt",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_UNSUPPORTED = {
    ".doc": "legacy Word .doc files are not read (save it as DOCX)",
    ".wps": "WPS .wps files are not read (save it as DOCX)",
    ".xls": "spreadsheets are not reports this reader reads",
    ".xlsx": "spreadsheets are not reports this reader reads",
}
_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<meta|<table|<div|<p[\s>])", re.IGNORECASE)


def detect_kind(data: bytes, name: str, content_type: str | None = None) -> str:
    """txt, html, docx or pdf; raises DocumentError for a kind no reader handles."""
    suffix = PurePosixPath(name.lower()).suffix
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if suffix in (".docx", "") or b"word/" in data[:65536]:
            return "docx"
        raise DocumentError(name, "a ZIP archive that is not a DOCX document")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(name, _UNSUPPORTED.get(suffix, "an OLE (legacy Office) file; save it as DOCX"))
    mime = (content_type or "").split(";")[0].strip().lower()
    kind = _CONTENT_TYPES.get(mime) or _EXTENSIONS.get(suffix)
    if kind in ("pdf", "docx"):
        raise DocumentError(name, f"named {kind.upper()} but its content is not: no {kind.upper()} signature")
    if kind:
        return kind
    if suffix in _UNSUPPORTED:
        raise DocumentError(name, _UNSUPPORTED[suffix])
    head = data[:2048].decode("utf-8", "ignore").lstrip("\ufeff")
    return "html" if _HTML_START.match(head) else "txt"


def read_document(data: bytes, name: str, content_type: str | None = None) -> Document:
    """The document held in ``data`` (a file called ``name``), read by the reader of its kind."""
    if not data:
        raise DocumentError(name, "empty file")
    kind = detect_kind(data, name, content_type)
    if kind == "pdf":
        blocks = read_pdf(data, name)
    elif kind == "docx":
        blocks = read_docx(data, name)
    else:
        text = decode(data, name, declared_charset(content_type, data if kind == "html" else b""))
        blocks = read_html(text, name) if kind == "html" else read_text(text)
    if not blocks:
        raise DocumentError(name, f"no text in this {kind.upper()} file")
    return Document(name, kind, blocks)
