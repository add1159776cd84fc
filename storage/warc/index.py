"""CDXJ indexes: the sorted index line of each capture, written beside a finished file or rebuilt from it."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from storage.warc.records import (
    CDXJ_SUFFIX,
    _mime,
    _scan_members,
    cdx_timestamp,
    final_name,
    parse_warc_date,
    surt,
)

logger = logging.getLogger(__name__)


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


def _write_cdxj(warc: Path, lines: list[str]) -> Path:
    target = warc.with_name(final_name(warc.name) + CDXJ_SUFFIX)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text("".join(line + "\n" for line in sorted(lines)), encoding="utf-8")
    os.replace(temporary, target)
    return target


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
