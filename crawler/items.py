"""What the spider yields: plain dataclasses the pipelines understand (Scrapy accepts dataclass items).

Ten records, one per thing observed:
- ``CrawlTarget``: a site this crawl (or worker) crawls, before any other record of it: what its
  crawl run is recorded with (mode, target);
- ``SiteFailed``: a site whose crawl could not go on (home page unreachable, no column found);
- ``Fetched``: a raw HTTP exchange, for the WARC evidence (every response the spider receives; a
  detail page's rides on its ``Detail`` as ``page``);
- ``SiteSeen`` / ``ColumnSeen``: the portal and each column about to be walked (from the profile or discovery);
- ``Listing``: an item seen on a column's list page (the membership, the list title and list date);
- ``Detail``: what an item's own page says (or that it could not be fetched);
- ``AttachmentFile``: a document file a detail page links to, fetched for the inspector;
- ``Delisted``: an item a complete walk no longer finds in its column (sweep mode);
- ``ColumnWalk``: how a column's listing walk ended (pages, items found, declared total, status).
Raw strings stay raw here; the normalise pipeline turns dates and labels into values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Fetched:
    """One HTTP exchange exactly as it happened; the archive pipeline writes it to WARC.

    ``page_kind`` is home, hub, list or detail. The archive and integrity pipelines fill the
    fields after ``body`` (where the record landed, what the page scan found).
    """

    site: str
    url: str
    page_kind: str
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]]
    method: str = "GET"
    request_body: bytes = b""
    fetched_at: str = ""
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    payload_digest: str | None = None
    record_type: str | None = None
    changed: bool = True
    signals: list[dict] = field(default_factory=list)
    # True when the spider had the page scanned already (with its extraction, crawler/analysis.py)
    scanned: bool = False
    # The WARC records, gzipped by a page-analysis worker (storage.warc.PackedExchange), if any
    packed: Any = None


@dataclass
class CrawlTarget:
    """A site about to be crawled: the store begins its crawl run with ``mode`` and ``target``."""

    site: str
    name: str
    base_url: str
    cms: str
    mode: str
    target: str
    allowed_hosts: list[str] = field(default_factory=list)


@dataclass
class SiteFailed:
    """A site whose crawl could not go on; its crawl run ends failed with ``message``."""

    site: str
    message: str


@dataclass
class SiteSeen:
    """The portal being crawled."""

    site: str
    name: str
    base_url: str
    cms: str


@dataclass
class ColumnSeen:
    """A column about to be walked; ``taxonomy_code`` is the profile's or discovery's mapping."""

    site: str
    column_url: str
    column_path: str
    cms: str | None = None
    taxonomy_code: str | None = None
    taxonomy_rule: str | None = None


@dataclass
class Listing:
    """One entry of a column's listing: the item ``url`` was listed in ``column_url``."""

    site: str
    column_url: str
    column_path: str
    url: str
    title: str
    list_date_raw: str | None = None
    list_date: date | None = None
    foreign: bool = False
    position: int = 0
    taxonomy_code: str | None = None
    taxonomy_path: str | None = None
    taxonomy_rule: str | None = None
    taxonomy_version: str | None = None


@dataclass
class Attachment:
    url: str
    name: str


@dataclass
class Detail:
    """An item's detail page as fetched. ``fetch_status`` is ok, not_found, blocked, error or foreign."""

    site: str
    url: str
    http_status: int
    fetch_status: str = "ok"
    title: str = ""
    index_no: str | None = None
    doc_no: str | None = None
    publisher: str | None = None
    topic: str | None = None
    validity: str | None = None
    published_raw: str | None = None
    written_raw: str | None = None
    pubdate_meta_raw: str | None = None
    published_on: date | None = None
    written_on: date | None = None
    url_date: date | None = None
    column_name_meta: str | None = None
    body_text: str = ""
    images: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    kind: str = "article"
    # The evidence on the page for ``kind`` (a player, the pictures and the length of the text)
    kind_reason: str = ""
    encoding: str | None = None
    content_hash: str | None = None
    fetched_at: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    note: str = ""
    # The page it was read from, carried along instead of yielded beside it: one record through
    # Scrapy instead of two (pipelines/chain.py runs the page through the stages first).
    page: Fetched | None = None


@dataclass
class AttachmentFile:
    """A document file a detail page links to, as fetched for the inspector (``status`` 0 and
    ``note`` when the fetch failed: too large, refused by robots.txt, unreachable); its exchange
    rides on it as ``page`` for the WARC, like a Detail's."""

    site: str
    url: str
    item_url: str
    name: str
    status: int
    content_type: str | None = None
    body: bytes = b""
    note: str = ""
    # Its text as ``documents.extract_text`` read it (in a thread, off the crawl's own), if read
    extraction: Any = None
    page: Fetched | None = None


@dataclass
class Delisted:
    """An item known in a column that a complete walk of the column no longer lists.

    ``page_status`` is the HTTP status its own page answered when checked (404/410: gone).
    """

    site: str
    column_url: str
    url: str
    page_status: int


@dataclass
class ColumnWalk:
    """How the walk of one column's listing ended."""

    site: str
    column_url: str
    column_path: str
    pages: int
    found: int
    declared_total: int | None = None
    declared_pages: int | None = None
    status: str = "ok"
    note: str = ""
