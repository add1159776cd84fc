"""The WARC 1.1 record format: constants, the error, dates, digests, SURT keys, one record's bytes, and a file's gzip members (one per record)."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

WARC_VERSION = "WARC/1.1"


REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


OPEN_SUFFIX = ".open"


CDXJ_SUFFIX = ".cdxj"


TORN_SUFFIX = ".torn"


DEFAULT_MAX_BYTES = 100 * 2**20


_CRLF = b"\r\n"


_GZIP_MAGIC = b"\x1f\x8b\x08"


_CHUNK = 1 << 20


class WarcError(Exception):
    """A WARC file or record could not be written, found or read as the archive expects."""


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of ``body``: ``sha1:`` and the base32 SHA-1, as Heritrix writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def reason_phrase(status: int) -> str:
    """The standard reason phrase of an HTTP status ("" for a code the standard does not name)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def warc_date(moment: datetime) -> str:
    """``moment`` as a WARC 1.1 date (UTC, microseconds kept so revisits can name it exactly)."""
    utc = _aware(moment).astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def parse_warc_date(text: str) -> datetime:
    """A WARC-Date (with or without fractional seconds) as a timezone-aware UTC datetime."""
    value = text.strip().rstrip("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in value else "%Y-%m-%dT%H:%M:%S"
    return datetime.strptime(value, fmt).replace(tzinfo=UTC)


def cdx_timestamp(moment: datetime) -> str:
    """The 14-digit UTC timestamp CDX indexes use."""
    return _aware(moment).astimezone(UTC).strftime("%Y%m%d%H%M%S")


def surt(url: str) -> str:
    """The SURT form pywb sorts CDXJ by: ``http://www.Example.com:80/a?b=1&a=2`` -> ``com,example)/a?a=2&b=1``."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().strip(".")
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split("."))) if host else ""
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if port is not None and port != default:
        key += f":{port}"
    path = parts.path or "/"
    key += ")" + path
    if parts.query:
        key += "?" + "&".join(sorted(parts.query.split("&")))
    return key.lower()


def final_name(name: str) -> str:
    """A WARC file name without the ``.open`` suffix of a file still being written."""
    return name[: -len(OPEN_SUFFIX)] if name.endswith(OPEN_SUFFIX) else name


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the archive stores only timezone-aware times")
    return moment


def _header_bytes(text: str) -> bytes:
    if "\r" in text or "\n" in text:
        raise ValueError(f"header text contains a line break: {text!r}")
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _header_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _http_block_head(first_line: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [_header_bytes(first_line)]
    lines += [_header_bytes(name) + b": " + _header_bytes(value) for name, value in headers]
    return _CRLF.join(lines) + _CRLF + _CRLF


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _record(warc_headers: list[tuple[str, str]], block: bytes) -> bytes:
    """One complete, uncompressed WARC record."""
    block_digest = "sha1:" + base64.b32encode(hashlib.sha1(block).digest()).decode("ascii")
    lines = [WARC_VERSION]
    lines += [f"{name}: {value}" for name, value in warc_headers]
    lines += [f"WARC-Block-Digest: {block_digest}", f"Content-Length: {len(block)}"]
    for line in lines:
        if "\r" in line or "\n" in line:
            raise ValueError(f"WARC header contains a line break: {line!r}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return head + block + _CRLF + _CRLF


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def _mime(headers: list[tuple[str, str]]) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower() or "unk"
    return "unk"


def _default_worker() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _software() -> str:
    try:
        return f"zwgk/{version('zwgk')}"
    except PackageNotFoundError:  # an uninstalled checkout still writes valid files
        return "zwgk"


@dataclass
class _Scan:
    members: list[tuple[int, int]]
    good_end: int
    size: int
    torn_at: int | None
    problem: str | None


def _scan_members(path: Path) -> _Scan:
    """Walk the gzip members of ``path``; a member cut short at the end of the file is a torn tail."""
    members: list[tuple[int, int]] = []
    size = path.stat().st_size
    with open(path, "rb") as fh:
        start = 0
        fed = 0
        decompressor = zlib.decompressobj(31)
        buffer = b""
        while True:
            if not buffer:
                buffer = fh.read(_CHUNK)
                if not buffer:
                    break
            try:
                decompressor.decompress(buffer)
            except zlib.error as exc:
                if _GZIP_MAGIC in _tail(fh, start + 1):
                    return _Scan(members, start, size, None, f"corrupt gzip member at offset {start}: {exc}")
                return _Scan(members, start, size, start, None)
            if decompressor.eof:
                end = start + fed + len(buffer) - len(decompressor.unused_data)
                members.append((start, end - start))
                start, fed = end, 0
                buffer = decompressor.unused_data
                decompressor = zlib.decompressobj(31)
            else:
                fed += len(buffer)
                buffer = b""
    torn = start if start < size else None
    return _Scan(members, start, size, torn, None)


def _tail(fh: IO[bytes], position: int) -> bytes:
    fh.seek(position)
    return fh.read()
