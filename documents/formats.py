"""Telling an attachment's format by its first bytes (PDF, ZIP-based DOCX/XLSX, OLE-based DOC/WPS/XLS/ET),
the extension and content type only breaking ties; the table of formats lives in ``formats.yaml``."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

FORMATS_FILE = Path(__file__).with_name("formats.yaml")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
UNKNOWN = "unknown"


@cache
def formats() -> dict[str, Any]:
    """The format table (``formats.yaml``), read once."""
    data: dict[str, Any] = yaml.safe_load(FORMATS_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Sniffed:
    """A file's format (pdf, docx, xlsx, doc, wps, xls, et, html, txt or unknown) and, when unknown or
    when the name disagrees with the content, why."""

    format: str
    note: str | None = None


def _suffix(name: str) -> str:
    return PurePosixPath(name.lower().split("?")[0]).suffix


def _named(name: str, content_type: str | None) -> str | None:
    table = formats()
    mime = (content_type or "").split(";")[0].strip().lower()
    found: str | None = table["content_types"].get(mime) or table["extensions"].get(_suffix(name))
    return found


def sniff(data: bytes, name: str, content_type: str | None = None) -> Sniffed:
    """The format of ``data`` (a file called ``name``) told by its signature first."""
    named = _named(name, content_type)
    if data.startswith(b"%PDF"):
        return _agree("pdf", named)
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data, named)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data, name, named)
    if b"\x00" in data[:4096]:
        return Sniffed(UNKNOWN, f"binary content with no known signature (named {named or 'nothing known'})")
    if named in ("pdf", "docx", "xlsx", "doc", "xls", "et"):
        return Sniffed(UNKNOWN, f"named {named.upper()} but its content has no {named.upper()} signature")
    if named == "wps":
        return Sniffed(UNKNOWN, "a WPS file that is not an OLE container (an old WPS format no tool reads)")
    head = data[:2048].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
    if named == "html" or head.startswith(("<!doctype html", "<html", "<head", "<body", "<meta")):
        return Sniffed("html")
    return Sniffed("txt")


def _agree(found: str, named: str | None) -> Sniffed:
    if named and named not in (found, "txt", "html"):
        return Sniffed(found, f"named {named.upper()} but its content is {found.upper()}")
    return Sniffed(found)


def _zip_kind(data: bytes, named: str | None) -> Sniffed:
    folders: dict[str, str] = formats()["zip_folders"]
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        names = []
    for kind, folder in folders.items():
        if any(n.startswith(folder) for n in names) or (not names and folder.encode() in data[:65536]):
            return _agree(kind, named)
    return Sniffed(UNKNOWN, "a ZIP archive that is neither a DOCX nor an XLSX file")


def _ole_kind(data: bytes, name: str, named: str | None) -> Sniffed:
    table = formats()
    for kind, streams in table["ole_streams"].items():
        if any(stream.encode("utf-16-le") in data for stream in streams):
            alias = table["ole_aliases"].get(_suffix(name))
            if alias and (alias == "wps") == (kind == "doc"):
                return Sniffed(alias)  # a WPS Writer file saved as Word keeps its own name
            return _agree(kind, named if named not in ("wps", "et") else None)
    return Sniffed(UNKNOWN, "an OLE (legacy Office) container with neither a WordDocument nor a Workbook")
