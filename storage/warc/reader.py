"""Reading the archive: a response or revisit record at a file and offset, as it was served."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from storage.warc.index import index_file
from storage.warc.records import (
    CDXJ_SUFFIX,
    OPEN_SUFFIX,
    WarcError,
    _header_text,
    cdx_timestamp,
    final_name,
    parse_warc_date,
    payload_digest,
    surt,
    warc_date,
)

Resolver = Callable[[str, datetime, str], tuple[str, int] | None]
"""Finds an original capture for a revisit: ``(uri, date, payload_digest) -> (file, offset)``."""


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
