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

One module per concern: ``records`` (the format), ``writer``, ``index`` (CDXJ), ``reader``,
``repair``; the public names are re-exported here.
"""

from __future__ import annotations

from storage.warc.index import index_file
from storage.warc.reader import ArchivedResponse, Resolver, read_response
from storage.warc.records import (
    CDXJ_SUFFIX,
    DEFAULT_MAX_BYTES,
    OPEN_SUFFIX,
    REVISIT_PROFILE,
    TORN_SUFFIX,
    WARC_VERSION,
    WarcError,
    cdx_timestamp,
    final_name,
    parse_warc_date,
    payload_digest,
    reason_phrase,
    surt,
    warc_date,
)
from storage.warc.repair import CheckResult, check_file, repair_file
from storage.warc.writer import PackedExchange, WarcLocation, WarcWriter, pack_exchange

__all__ = [
    "CDXJ_SUFFIX",
    "DEFAULT_MAX_BYTES",
    "OPEN_SUFFIX",
    "REVISIT_PROFILE",
    "TORN_SUFFIX",
    "WARC_VERSION",
    "ArchivedResponse",
    "cdx_timestamp",
    "check_file",
    "CheckResult",
    "final_name",
    "index_file",
    "pack_exchange",
    "PackedExchange",
    "parse_warc_date",
    "payload_digest",
    "read_response",
    "reason_phrase",
    "repair_file",
    "Resolver",
    "surt",
    "warc_date",
    "WarcError",
    "WarcLocation",
    "WarcWriter",
]
