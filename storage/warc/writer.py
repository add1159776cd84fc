"""Writing the archive: exchanges packed as gzip records and appended to rotating ``.open`` files."""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import urlsplit

from storage.warc.index import _cdxj_line, _write_cdxj
from storage.warc.records import (
    DEFAULT_MAX_BYTES,
    OPEN_SUFFIX,
    REVISIT_PROFILE,
    _default_worker,
    _gzip,
    _http_block_head,
    _mime,
    _record,
    _record_id,
    _software,
    payload_digest,
    warc_date,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WarcLocation:
    """Where a capture's record lies: what the ``capture`` table keeps about it."""

    file: str
    offset: int
    length: int
    payload_digest: str
    record_type: str


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
