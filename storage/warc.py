"""The WARC evidence store: every fetched page, as served, in rotating gzip WARC 1.1 files.

Auditors rely on these files, so the format follows the tools they can check it with (warcio,
pywb, Heritrix conventions):

- one gzip member per record, so a record can be read from its offset alone;
- a file being written ends in ``.open`` and is renamed when finished; its final name is chosen
  when it is opened, so the name recorded with each capture never changes;
- each finished file has a sorted CDXJ index beside it (``….warc.gz.cdxj``);
- an unchanged payload is written as a ``revisit`` record (identical-payload-digest profile) that
  points at the original capture by URI and date.

Bodies are stored exactly as handed in. Header names and values are written as Latin-1 when they
fit (so callers that decoded raw header bytes as Latin-1 get those bytes back on disk) and as
UTF-8 otherwise; they are read back as UTF-8 when valid, else Latin-1.

Storage knows nothing of Scrapy: plain values in, plain values out.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import socket
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

logger = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
OPEN_SUFFIX = ".open"
CDXJ_SUFFIX = ".cdxj"
TORN_SUFFIX = ".torn"
DEFAULT_MAX_BYTES = 100 * 2**20
_CRLF = b"\r\n"
_GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 1 << 20

Resolver = Callable[[str, datetime, str], tuple[str, int] | None]
"""Finds an original capture for a revisit: ``(uri, date, payload_digest) -> (file, offset)``."""


class WarcError(Exception):
    """A WARC file or record could not be written, found or read as the archive expects."""


@dataclass(frozen=True)
class WarcLocation:
    """Where a capture's record lies: what the ``capture`` table keeps about it."""

    file: str
    offset: int
    length: int
    payload_digest: str
    record_type: str


@dataclass(frozen=True)
class ArchivedResponse:
    """A response read back from the archive; for a revisit, ``body`` is the original's payload.

    ``headers`` and ``status`` are those served at ``date`` (the revisit's own, for a revisit);
    ``refers_to`` names the original capture a revisit was resolved to.
    """

    url: str
    date: datetime
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    record_type: str
    payload_digest: str = ""
    refers_to: tuple[str, datetime] | None = None


@dataclass
class CheckResult:
    """What ``check_file``/``repair_file`` found: ``torn_at`` is where the last good record ends."""

    ok: bool
    records: int
    problems: list[str] = field(default_factory=list)
    torn_at: int | None = None
    actions: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- small helpers


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


def _cdxj_line(
    url: str,
    date: datetime,
    mime: str,
    status: int | None,
    digest: str,
    length: int,
    offset: int,
    filename: str,
) -> str:
    fields = {
        "url": url,
        "mime": mime,
        "status": "-" if status is None else str(status),
        "digest": digest,
        "length": str(length),
        "offset": str(offset),
        "filename": filename,
    }
    return f"{surt(url)} {cdx_timestamp(date)} {json.dumps(fields, ensure_ascii=False)}"


def _default_worker() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _software() -> str:
    try:
        from importlib.metadata import version

        return f"zwgk/{version('zwgk')}"
    except Exception:  # an uninstalled checkout still writes valid files
        return "zwgk"


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class PackedExchange:
    """One exchange's records, gzipped and ready to append: a pure function of the exchange, so a
    page-analysis worker can prepare it while the crawler process goes on (crawler/analysis.py)."""

    response: bytes
    request: bytes
    digest: str
    record_type: str
    mime: str


def pack_exchange(
    url: str,
    fetched_at: datetime,
    status: int,
    reason: str,
    response_headers: list[tuple[str, str]],
    body: bytes,
    request_headers: list[tuple[str, str]],
    method: str = "GET",
    revisit_of: tuple[str, datetime] | None = None,
) -> PackedExchange:
    """The gzipped ``response`` (or, with ``revisit_of``, ``revisit``) and ``request`` records."""
    date = warc_date(fetched_at)
    digest = payload_digest(body)
    response_id = _record_id()
    http_head = _http_block_head(f"HTTP/1.1 {int(status)} {reason}", response_headers)
    common = [("WARC-Target-URI", url), ("WARC-Date", date)]
    if revisit_of is None:
        record_type = "response"
        response = _record(
            [
                ("WARC-Type", "response"),
                ("WARC-Record-ID", response_id),
                *common,
                ("WARC-Payload-Digest", digest),
                ("Content-Type", "application/http;msgtype=response"),
            ],
            http_head + body,
        )
        mime = _mime(response_headers)
    else:
        record_type = "revisit"
        original_uri, original_date = revisit_of
        response = _record(
            [
                ("WARC-Type", "revisit"),
                ("WARC-Record-ID", response_id),
                *common,
                ("WARC-Profile", REVISIT_PROFILE),
                ("WARC-Refers-To-Target-URI", original_uri),
                ("WARC-Refers-To-Date", warc_date(original_date)),
                ("WARC-Payload-Digest", digest),
                ("Content-Type", "application/http;msgtype=response"),
            ],
            http_head,
        )
        mime = "warc/revisit"
    request = _record(
        [
            ("WARC-Type", "request"),
            ("WARC-Record-ID", _record_id()),
            *common,
            ("WARC-Concurrent-To", response_id),
            ("Content-Type", "application/http;msgtype=request"),
        ],
        _request_block(url, method, request_headers),
    )
    return PackedExchange(_gzip(response), _gzip(request), digest, record_type, mime)


class WarcWriter:
    """Writes request/response (or revisit) records into rotating gzip WARC 1.1 files.

    Files are named ``{prefix}-{YYYYMMDDHHMMSS}-{worker}-{serial:05d}.warc.gz`` and carry an
    ``.open`` suffix while being written; a file is finished (renamed, CDXJ written beside it) when
    it reaches ``max_bytes`` or when the writer closes. Several processes may share a folder:
    ``worker`` defaults to ``hostname-pid``. Use as a context manager.
    """

    def __init__(
        self,
        folder: Path,
        prefix: str = "zwgk",
        worker: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        *,
        operator: str = "",
    ) -> None:
        self.folder = Path(folder)
        self.prefix = prefix
        self.worker = re.sub(r"[^A-Za-z0-9._-]+", "_", worker or _default_worker())
        self.max_bytes = max_bytes
        self.operator = operator
        self.finished: list[Path] = []
        self._serial = 0
        self._fh: IO[bytes] | None = None
        self._name = ""
        self._size = 0
        self._warcinfo_id = ""
        self._cdxj: list[str] = []
        self._lock = threading.Lock()
        self.folder.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @staticmethod
    def payload_digest(body: bytes) -> str:
        """The payload digest a response with ``body`` would get (decide revisit vs response first)."""
        return payload_digest(body)

    @property
    def current_file(self) -> str | None:
        """Final name of the file being written, or None between files."""
        return self._name if self._fh is not None else None

    def write_exchange(
        self,
        url: str,
        fetched_at: datetime,
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        request_headers: list[tuple[str, str]],
        method: str = "GET",
        revisit_of: tuple[str, datetime] | None = None,
    ) -> WarcLocation:
        """Write one exchange: a ``response`` (or, with ``revisit_of``, a ``revisit``) and its ``request``.

        Returns where the response/revisit record lies, under the file's final name.
        """
        packed = pack_exchange(
            url, fetched_at, status, reason, response_headers, body, request_headers, method, revisit_of
        )
        return self.append(url, fetched_at, status, packed)

    def append(self, url: str, fetched_at: datetime, status: int, packed: PackedExchange) -> WarcLocation:
        """Append an exchange :func:`pack_exchange` prepared (perhaps in another process)."""
        data = packed.response + packed.request
        with self._lock:
            fh = self._ensure_open()
            offset = self._size
            try:
                fh.write(data)
                fh.flush()
            except BaseException:
                self._abandon()
                raise
            self._size += len(data)
            length = len(packed.response)
            location = WarcLocation(self._name, offset, length, packed.digest, packed.record_type)
            self._cdxj.append(
                _cdxj_line(url, fetched_at, packed.mime, status, packed.digest, length, offset, self._name)
            )
            if self._size >= self.max_bytes:
                self._finish()
        return location

    def close(self) -> None:
        """Finish the file being written (rename, CDXJ); the writer may still be used afterwards."""
        with self._lock:
            if self._fh is not None:
                self._finish()

    def _ensure_open(self) -> IO[bytes]:
        if self._fh is not None:
            return self._fh
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            name = f"{self.prefix}-{stamp}-{self.worker}-{self._serial:05d}.warc.gz"
            self._serial += 1
            final = self.folder / name
            if final.exists() or (self.folder / (name + OPEN_SUFFIX)).exists():
                continue
            try:
                # Exclusive create: a name another writer took is never overwritten.
                fh = open(self.folder / (name + OPEN_SUFFIX), "xb")
            except FileExistsError:
                continue
            break
        self._fh, self._name, self._cdxj = fh, name, []
        self._warcinfo_id = _record_id()
        info = "".join(
            f"{key}: {value}\r\n"
            for key, value in (
                ("software", _software()),
                ("format", "WARC File Format 1.1"),
                (
                    "conformsTo",
                    "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                ),
                ("hostname", socket.gethostname()),
                ("operator", self.operator),
            )
        ).encode("utf-8")
        warcinfo = _gzip(
            _record(
                [
                    ("WARC-Type", "warcinfo"),
                    ("WARC-Record-ID", self._warcinfo_id),
                    ("WARC-Date", warc_date(datetime.now(UTC))),
                    ("WARC-Filename", name),
                    ("Content-Type", "application/warc-fields"),
                ],
                info,
            )
        )
        fh.write(warcinfo)
        fh.flush()
        self._size = len(warcinfo)
        logger.info("opened WARC %s", name)
        return fh

    def _abandon(self) -> None:
        # A half-written record must stay the file's tail, where repair_file can cut it off;
        # later exchanges go to a new file.
        assert self._fh is not None
        logger.error("write to %s failed; leaving it .open for repair_file", self._name)
        try:
            self._fh.close()
        except OSError:
            pass
        self._fh = None
        self._cdxj = []

    def _finish(self) -> None:
        assert self._fh is not None
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        final = self.folder / self._name
        os.replace(self.folder / (self._name + OPEN_SUFFIX), final)
        _write_cdxj(final, self._cdxj)
        self.finished.append(final)
        logger.info("finished WARC %s (%d bytes, %d captures)", self._name, self._size, len(self._cdxj))
        self._cdxj = []


def _request_block(url: str, method: str, headers: list[tuple[str, str]]) -> bytes:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not any(name.lower() == "host" for name, _ in headers):
        # The HTTP client adds Host itself; the record shows what went on the wire.
        headers = [("Host", parts.netloc), *headers]
    return _http_block_head(f"{method.upper()} {target} HTTP/1.1", headers)


def _write_cdxj(warc: Path, lines: list[str]) -> Path:
    target = warc.with_name(final_name(warc.name) + CDXJ_SUFFIX)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text("".join(line + "\n" for line in sorted(lines)), encoding="utf-8")
    os.replace(temporary, target)
    return target


# --------------------------------------------------------------------------- indexing and reading


def _iter_records(path: Path, limit: int | None = None) -> Iterator[tuple[ArchiveIterator, Any]]:
    with open(path, "rb") as fh:
        stream: Any = fh if limit is None else LimitReader(fh, limit)
        iterator = ArchiveIterator(stream)
        for record in iterator:
            yield iterator, record


def index_file(path: Path) -> list[str]:
    """The sorted CDXJ lines of a WARC file, rebuilt from the file alone (response and revisit records).

    A torn tail is left out (and logged); ``check_file`` says where it starts.
    """
    path = Path(path)
    filename = final_name(path.name)
    lines: list[str] = []
    good_end = _scan_members(path).good_end
    try:
        for iterator, record in _iter_records(path, good_end):
            rec_type = record.rec_type
            if rec_type not in ("response", "revisit"):
                continue
            headers = record.rec_headers
            http = record.http_headers
            status = int(http.get_statuscode()) if http is not None and http.get_statuscode() else None
            if rec_type == "revisit":
                mime = "warc/revisit"
            else:
                mime = _mime(list(http.headers)) if http is not None else "unk"
            iterator.read_to_end(record)
            lines.append(
                _cdxj_line(
                    headers.get_header("WARC-Target-URI"),
                    parse_warc_date(headers.get_header("WARC-Date")),
                    mime,
                    status,
                    headers.get_header("WARC-Payload-Digest") or "",
                    iterator.get_record_length(),
                    iterator.get_record_offset(),
                    filename,
                )
            )
    except Exception as exc:  # warcio raises several kinds on damaged input; index what is readable
        logger.warning("indexing %s stopped early: %s", path, exc)
    return sorted(lines)


def _resolve_path(folder: Path, file: str) -> Path:
    name = final_name(file)
    for candidate in (folder / name, folder / (name + OPEN_SUFFIX)):
        if candidate.exists():
            return candidate
    raise WarcError(f"no WARC file {name} (finished or open) in {folder}")


def _split_http(raw: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, body = raw, b""
    lines = head.split(b"\r\n")
    status_parts = lines[0].split(b" ", 2)
    if len(status_parts) < 2 or not status_parts[1].isdigit():
        raise WarcError(f"not an HTTP status line: {lines[0]!r}")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(b":")
        headers.append((_header_text(name.strip()), _header_text(value.strip())))
    return int(status_parts[1]), headers, body


def _read_raw(path: Path, offset: int) -> tuple[dict[str, str], bytes]:
    """The WARC headers and raw block of the record starting at ``offset``."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        try:
            record = next(iter(ArchiveIterator(fh, no_record_parse=True)))
        except StopIteration:
            raise WarcError(f"no record at offset {offset} of {path.name}") from None
        except Exception as exc:
            raise WarcError(f"cannot read record at offset {offset} of {path.name}: {exc}") from exc
        warc_headers = {name.lower(): value for name, value in record.rec_headers.headers}
        block = record.raw_stream.read()
    return warc_headers, block


def read_response(folder: Path, file: str, offset: int, resolver: Resolver | None = None) -> ArchivedResponse:
    """Read the response or revisit record at ``file``/``offset`` of ``folder``, as it was served.

    For a revisit, the original payload is found through ``resolver`` (e.g. the database's capture
    table) or, without one, by scanning the folder's CDXJ indexes and open files for the target URI,
    date and payload digest. ``file`` may name a finished file or one still ``.open``.
    """
    folder = Path(folder)
    warc_headers, block = _read_raw(_resolve_path(folder, file), offset)
    rec_type = warc_headers.get("warc-type", "")
    if rec_type not in ("response", "revisit"):
        raise WarcError(f"record at {file}@{offset} is a {rec_type or 'unknown'} record, not a response")
    url = warc_headers.get("warc-target-uri", "")
    date = parse_warc_date(warc_headers.get("warc-date", ""))
    digest = warc_headers.get("warc-payload-digest", "")
    status, headers, body = _split_http(block)
    if rec_type == "response":
        if digest and payload_digest(body) != digest:
            raise WarcError(f"payload digest mismatch in {file}@{offset}: the record is damaged")
        return ArchivedResponse(url, date, status, headers, body, rec_type, digest)
    target_uri = warc_headers.get("warc-refers-to-target-uri", "")
    target_date = parse_warc_date(warc_headers.get("warc-refers-to-date", ""))
    found = resolver(target_uri, target_date, digest) if resolver else None
    found = found or _find_original(folder, target_uri, target_date, digest)
    if found is None:
        raise WarcError(
            f"revisit {file}@{offset}: original {target_uri} at {warc_date(target_date)} not found"
        )
    original = read_response(folder, found[0], found[1])
    if original.record_type != "response" or original.payload_digest != digest:
        raise WarcError(f"revisit {file}@{offset}: {found[0]}@{found[1]} is not its original payload")
    return ArchivedResponse(
        url, date, status, headers, original.body, rec_type, digest, (target_uri, target_date)
    )


def _find_original(folder: Path, uri: str, date: datetime, digest: str) -> tuple[str, int] | None:
    timestamp = cdx_timestamp(date)
    key = f"{surt(uri)} {timestamp} "
    sources: list[list[str]] = []
    for index in sorted(folder.glob(f"*{CDXJ_SUFFIX}")):
        sources.append(index.read_text(encoding="utf-8").splitlines())
    for open_file in sorted(folder.glob(f"*{OPEN_SUFFIX}")):
        sources.append(index_file(open_file))
    candidates: list[tuple[str, int]] = []
    for lines in sources:
        for line in lines:
            if not line.startswith(key):
                continue
            fields = json.loads(line[len(key) :])
            if (
                fields.get("url") == uri
                and fields.get("mime") != "warc/revisit"
                and fields.get("digest") == digest
            ):
                candidates.append((fields["filename"], int(fields["offset"])))
    for name, offset in candidates:
        warc_headers, _ = _read_raw(_resolve_path(folder, name), offset)
        if parse_warc_date(warc_headers.get("warc-date", "")) == date:
            return name, offset
    # Another tool may have written the referring date to whole seconds only.
    return candidates[0] if candidates else None


# --------------------------------------------------------------------------- checking and repair


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


def check_file(path: Path) -> CheckResult:
    """Check a WARC file: every record parses, digests verify, and no record is torn at the end.

    ``torn_at`` is the offset where the last complete record ends when the tail is cut short.
    """
    path = Path(path)
    scan = _scan_members(path)
    problems: list[str] = []
    if scan.problem:
        problems.append(scan.problem)
    if scan.torn_at is not None:
        problems.append(
            f"torn record at offset {scan.torn_at} ({scan.size - scan.torn_at} bytes to end of file)"
        )
    records = 0
    try:
        with open(path, "rb") as fh:
            iterator = ArchiveIterator(LimitReader(fh, scan.good_end), check_digests=True)
            for record in iterator:
                if records == 0 and record.rec_type != "warcinfo":
                    problems.append("first record is not warcinfo")
                while record.content_stream().read(_CHUNK):
                    pass
                records += 1
                if record.digest_checker.passed is False:
                    offset = iterator.get_record_offset()
                    problems += [f"offset {offset}: {p}" for p in record.digest_checker.problems]
    except Exception as exc:  # any parse failure is a finding, not a crash of the checker
        problems.append(f"record {records + 1} does not parse: {exc}")
    if records != len(scan.members):
        problems.append(f"{len(scan.members)} gzip members but {records} records")
    return CheckResult(not problems, records, problems, scan.torn_at)


def repair_file(path: Path) -> CheckResult:
    """Make a crashed file finished: cut a torn tail, finalise ``.open``, rebuild the CDXJ.

    The removed bytes are kept beside the file as ``….warc.gz.torn``. Damage other than a torn
    tail (a bad digest, a corrupt member in the middle) is reported and left as it is: it is evidence.
    Returns the check of the repaired file, with what was done in ``actions``. Only for files no
    writer holds open any more (after a crash): a live writer's ``.open`` file must be left alone.
    """
    path = Path(path)
    before = check_file(path)
    actions: list[str] = []
    final = path.with_name(final_name(path.name))
    if before.torn_at is not None:
        torn = _free_name(final.with_name(final.name + TORN_SUFFIX))
        with open(path, "r+b") as fh:
            fh.seek(before.torn_at)
            torn.write_bytes(fh.read())
            fh.truncate(before.torn_at)
            fh.flush()
            os.fsync(fh.fileno())
        actions.append(f"cut torn tail at offset {before.torn_at}; removed bytes kept in {torn.name}")
        logger.warning("repaired %s: torn tail at %d kept in %s", path.name, before.torn_at, torn.name)
    if path != final:
        if final.exists():
            raise WarcError(f"cannot finalise {path.name}: {final.name} already exists")
        os.replace(path, final)
        actions.append(f"finalised {path.name} as {final.name}")
    if final.stat().st_size == 0:
        final.unlink()
        actions.append(f"removed {final.name}: no complete record was left")
        return CheckResult(True, 0, [], None, actions)
    _write_cdxj(final, index_file(final))
    actions.append(f"rebuilt {final.name}{CDXJ_SUFFIX}")
    after = check_file(final)
    after.actions = actions
    return after


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{n}")
        n += 1
    return candidate


__all__ = [
    "ArchivedResponse",
    "CheckResult",
    "REVISIT_PROFILE",
    "Resolver",
    "WarcError",
    "WarcLocation",
    "WarcWriter",
    "cdx_timestamp",
    "check_file",
    "final_name",
    "index_file",
    "parse_warc_date",
    "payload_digest",
    "read_response",
    "repair_file",
    "surt",
    "warc_date",
]
