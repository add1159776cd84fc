"""Decode a page body: the HTTP header's charset, then the page's own declaration, then detection.

Chinese portals often declare one charset and send another (a ``utf-8`` header over GBK bytes), so
a declared charset is only trusted when the bytes decode strictly with it. The GB family is read
as GB18030, the superset of GBK and GB2312.
"""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_SNIFF_BYTES = 8192
_GB_FAMILY = {"gbk", "gb2312", "gb18030", "cp936", "x-gbk", "euc-cn", "hz-gb-2312", "gb_2312-80", "csgb2312"}
_DETECTION_ORDER = ("utf-8", "gb18030")
# UTF-32 before UTF-16: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def canonical_charset(name: str | None) -> str | None:
    """The Python codec name for a declared charset (GB family → gb18030); None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    if codec in {"gbk", "gb2312", "hz"}:
        return "gb18030"
    return "utf-8" if codec == "utf-8" else codec


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """Charsets the response declares, header first, then ``<meta>``/XML declaration."""
    found: list[str | None] = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        found.append(canonical_charset(match.group(1)) if match else None)
    head = body[:_SNIFF_BYTES]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        declared = pattern.search(head)
        if declared:
            found.append(canonical_charset(declared.group(1).decode("ascii", "ignore")))
    return _unique(found)


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Return ``(text, encoding used)``; never raises, falls back to replacement characters."""
    body = body or b""
    for bom, encoding in _BOMS:
        # a byte-order mark is the bytes' own word: it beats any declaration (a saved page may be
        # re-encoded to UTF-16 while its <meta> still says gb2312)
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, "replace"), encoding
    declared = declared_charsets(body, content_type)
    # Valid multi-byte UTF-8 is almost never accidental, so it beats a (frequently wrong) declaration.
    if declared and declared[0] != "utf-8" and not body.isascii() and _decodes(body, "utf-8"):
        return body.decode("utf-8"), "utf-8"
    for encoding in _unique([*declared, *_DETECTION_ORDER]):
        if _decodes(body, encoding):
            return body.decode(encoding), encoding
        if encoding == "utf-8" and _truncated_utf8(body):
            # A page cut off mid-character is still UTF-8; only its last character is lost.
            return body.decode("utf-8", "replace"), "utf-8"
    logger.debug("no charset decodes the body strictly; using gb18030 with replacement")
    return body.decode("gb18030", "replace"), "gb18030"


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _truncated_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data" and exc.start >= len(body) - 3
    return False


def _unique(names: list[str | None]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen
