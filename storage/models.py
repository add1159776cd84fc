"""The archive's tables: sites, their columns, the items listed in them, memberships, crawl runs.

Evidence and time: ``capture`` (one fetched copy of a page, its WARC file and offset),
``item_version`` (a copy whose content differs from the last) and ``finding`` (spam, hidden links,
removals, edits, empty or stale columns, count mismatches, with evidence). The inspector's checks:
``attachment`` (a detail page's document file and the text read from it), ``link_check`` (a
link target seen on the archived pages and what its last check found) and ``script_host`` (an
outside host the pages load scripts from).

Derived, for speed: ``count_rollup`` and ``rollup_state`` (counts precomputed after a crawl, see
``storage.rollup``); on SQLite also the search index of ``storage.search`` (a copy of the searchable
fields and an FTS5 trigram index over it, kept by triggers), which is not a model.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints keep SQLite batch migrations (copy-and-move) able to find them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

COLUMN_STATUSES = ("ok", "incomplete", "blocked", "error", "capped", "unwalked")
FETCH_STATUSES = ("pending", "ok", "not_found", "blocked", "error", "foreign", "out_of_scope", "too_large")
ITEM_KINDS = ("article", "picture", "video", "document")
RUN_STATUSES = ("running", "ok", "failed", "interrupted")
COUNTED_ON_BASES = ("published", "list")
# The page kind of the captures the cloaking probes make: each a version of a page as one visitor
# (a browser, a search-engine crawler, a visitor from a search results page) saw it, not the page
# as crawled; the revisit baseline and the findings' fallback evidence leave them out.
PROBE_PAGE_KIND = "probe"


def utcnow() -> datetime:
    """Now, timezone-aware in UTC: the only kind of timestamp the archive stores."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, so values are normalised to UTC on the way in and tagged on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the archive stores only timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
Timestamp = Annotated[datetime, mapped_column(UTCDateTime())]
Slug = Annotated[str, mapped_column(String(64))]
Name = Annotated[str, mapped_column(String(500))]
Url = Annotated[str, mapped_column(String(2048))]
Code = Annotated[str, mapped_column(String(64))]
TaxonomyPath = Annotated[str, mapped_column(String(500))]
Rule = Annotated[str, mapped_column(String(200))]
Status = Annotated[str, mapped_column(String(16))]
JsonList = Annotated[list[dict[str, Any]], mapped_column(JSON())]


class Base(DeclarativeBase):
    """The one declarative base of the archive."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {date: Date(), str: Text(), dict[str, Any]: JSON(), bool: Boolean()}


class Site(Base):
    """A county portal."""

    __tablename__ = "site"

    id: Mapped[intpk]
    slug: Mapped[Slug] = mapped_column(unique=True)
    name: Mapped[Name]
    base_url: Mapped[Url]
    cms: Mapped[Code | None]
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class Column(Base):
    """A portal column (栏目); ``path`` is the portal's own names joined by ``/``."""

    __tablename__ = "column"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[intpk]
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    path: Mapped[Name]
    name: Mapped[Name]
    url: Mapped[Url]
    cms: Mapped[Code | None]
    taxonomy_code: Mapped[Code | None]
    taxonomy_path: Mapped[TaxonomyPath | None]
    taxonomy_rule: Mapped[Rule | None]
    # What its name says its items are (picture, video; taxonomy/kinds.yaml) and how that was read
    kind: Mapped[Status | None]
    kind_rule: Mapped[Rule | None]
    declared_total: Mapped[int | None]
    declared_pages: Mapped[int | None]
    found_total: Mapped[int | None]
    pages: Mapped[int | None]
    status: Mapped[Status] = mapped_column(default="unwalked")
    note: Mapped[str | None]
    first_seen: Mapped[Timestamp]
    last_seen: Mapped[Timestamp]


class Item(Base):
    """One published piece (信息): a page listed in one or more columns, by canonical URL."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("site_id", "url"),
        # Covers every audit filter on an item (site, year, kind, page state, removal) and the join
        # key, so counts read this index instead of the wide rows.
        Index("ix_item_audit", "site_id", "counted_on", "kind", "fetch_status", "removed_at", "id"),
        # The few items whose page answers 404 (the broken-links indicator), without reading the rest.
        Index(
            "ix_item_not_found",
            "site_id",
            "counted_on",
            sqlite_where=text("fetch_status = 'not_found'"),
            postgresql_where=text("fetch_status = 'not_found'"),
        ),
    )

    id: Mapped[intpk]
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    url: Mapped[Url]
    title: Mapped[str | None]
    list_title: Mapped[str | None]
    index_no: Mapped[Name | None]
    doc_no: Mapped[Name | None]
    publisher: Mapped[Name | None]
    topic: Mapped[Name | None]
    validity: Mapped[Code | None]
    published_on: Mapped[date | None]
    written_on: Mapped[date | None]
    list_date: Mapped[date | None]
    url_date: Mapped[date | None]
    counted_on: Mapped[date | None]
    counted_on_basis: Mapped[Status | None]
    kind: Mapped[Status] = mapped_column(default="article")
    # Why ``kind``: "column 图片新闻" (a kind column it is listed in wins) or the page's evidence
    kind_reason: Mapped[str | None]
    # What the page alone looked like, kept when a column overrules it (storage.repository._rekind)
    kind_from_page: Mapped[Status | None]
    kind_page_reason: Mapped[str | None]
    body_text: Mapped[str | None]
    images: Mapped[JsonList | None]
    videos: Mapped[JsonList | None]
    attachments: Mapped[JsonList | None]
    fetch_status: Mapped[Status] = mapped_column(default="pending")
    http_status: Mapped[int | None]
    # why the last fetch did not succeed (a WAF, a redirect, a failed analysis); empty after a good one
    fetch_note: Mapped[str | None]
    foreign: Mapped[bool] = mapped_column(default=False)
    encoding: Mapped[Code | None]
    content_hash: Mapped[Code | None] = mapped_column(String(128))
    taxonomy_code: Mapped[Code | None]
    taxonomy_path: Mapped[TaxonomyPath | None]
    taxonomy_rule: Mapped[Rule | None]
    taxonomy_version: Mapped[Code | None]
    first_seen: Mapped[Timestamp]
    last_seen: Mapped[Timestamp]
    removed_at: Mapped[Timestamp | None]
    detail_fetched_at: Mapped[Timestamp | None]
    # Validators of the last good fetch, for conditional revalidation (If-None-Match / If-Modified-Since).
    etag: Mapped[Name | None]
    last_modified: Mapped[Code | None]


class ItemColumn(Base):
    """An item's membership of a column, with what the list page said about it."""

    __tablename__ = "item_column"
    __table_args__ = (
        # Covering indexes: column → items, taxonomy path → items, item → taxonomy paths.
        Index("ix_item_column_column_id_item_id", "column_id", "item_id"),
        Index("ix_item_column_taxonomy_path_item_id", "taxonomy_path", "item_id"),
        Index("ix_item_column_item_id_taxonomy_path", "item_id", "taxonomy_path"),
        # The audit counts read these alone, without joining the item: per column and date (counts,
        # compare, health; the item last, so a column's page of items is picked from it alone) and
        # per taxonomy path and date, with the item and the column (site).
        Index("ix_item_column_column_id_counted_on", "column_id", "counted_on", "item_id"),
        Index(
            "ix_item_column_taxonomy_path_counted_on",
            "taxonomy_path",
            "counted_on",
            "item_id",
            "column_id",
        ),
    )

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("column.id"), primary_key=True)
    list_title: Mapped[str | None]
    list_date: Mapped[date | None]
    position: Mapped[int | None]
    taxonomy_code: Mapped[Code | None]
    taxonomy_path: Mapped[TaxonomyPath | None]
    taxonomy_rule: Mapped[Rule | None]
    taxonomy_version: Mapped[Code | None]
    # A copy of ``item.counted_on``, kept equal by every write (see ``storage.repository``), so the
    # audit counts per column and taxonomy path need not join a million items.
    counted_on: Mapped[date | None]
    first_seen: Mapped[Timestamp]
    last_seen: Mapped[Timestamp]
    removed_at: Mapped[Timestamp | None]


class CrawlRun(Base):
    """One run of the crawler: what it was asked to do, when, and how it ended."""

    __tablename__ = "crawl_run"

    id: Mapped[intpk]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    mode: Mapped[Code]
    target: Mapped[Url | None]
    started_at: Mapped[Timestamp]
    finished_at: Mapped[Timestamp | None]
    status: Mapped[Status] = mapped_column(default="running")
    exit_code: Mapped[int | None]
    stats: Mapped[dict[str, Any] | None]


class Capture(Base):
    """One fetched copy of a page, and where its WARC record lies.

    ``record_type`` is ``response`` for a new payload and ``revisit`` when the payload digest equals
    an earlier capture's (the WARC then holds headers only and points at ``refers_to``).
    """

    __tablename__ = "capture"
    __table_args__ = (
        Index("ix_capture_site_id_url_fetched_at", "site_id", "url", "fetched_at"),
        Index("ix_capture_payload_digest", "payload_digest"),
    )

    id: Mapped[intpk]
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    url: Mapped[Url]
    page_kind: Mapped[Status]
    fetched_at: Mapped[Timestamp]
    http_status: Mapped[int]
    content_type: Mapped[Name | None]
    payload_digest: Mapped[Code]
    payload_length: Mapped[int]
    content_hash: Mapped[Code | None] = mapped_column(String(128))
    record_type: Mapped[Status]
    refers_to: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    warc_file: Mapped[Name]
    warc_offset: Mapped[int]
    warc_length: Mapped[int]
    changed: Mapped[bool] = mapped_column(default=True)


class ItemVersion(Base):
    """A copy of an item whose content (normalised text and metadata) differs from the one before."""

    __tablename__ = "item_version"
    __table_args__ = (UniqueConstraint("item_id", "version_no"),)

    id: Mapped[intpk]
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    version_no: Mapped[int]
    content_hash: Mapped[Code] = mapped_column(String(128))
    captured_at: Mapped[Timestamp]
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    title: Mapped[str | None]
    published_on: Mapped[date | None]
    written_on: Mapped[date | None]
    doc_no: Mapped[Name | None]
    index_no: Mapped[Name | None]
    publisher: Mapped[Name | None]
    body_text: Mapped[str | None]


class Finding(Base):
    """Something an auditor must be told, with its evidence: spam, hidden links, removals, edits,
    empty / stale / blocked columns, count mismatches. ``subject`` (a URL or column path) makes
    re-recording the same finding idempotent."""

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("site_id", "kind", "subject"),)

    id: Mapped[intpk]
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    kind: Mapped[Code]
    subject: Mapped[Url]
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    column_id: Mapped[int | None] = mapped_column(ForeignKey("column.id"))
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("capture.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    severity: Mapped[Status] = mapped_column(default="warning")
    evidence: Mapped[dict[str, Any] | None]
    first_seen: Mapped[Timestamp]
    last_seen: Mapped[Timestamp]
    resolved_at: Mapped[Timestamp | None]


class Attachment(Base):
    """A document file a detail page links to (PDF, DOC, DOCX, XLS, XLSX, WPS, ET) as the last crawl
    fetched it: its text, or ``reason`` when no text came out (too large, damaged, no tool)."""

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[intpk]
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    url: Mapped[Url]
    item_url: Mapped[Url | None]
    name: Mapped[Name | None]
    http_status: Mapped[int | None]
    format: Mapped[Code | None]
    size: Mapped[int | None]
    tool: Mapped[Code | None]
    text: Mapped[str | None]
    reason: Mapped[str | None]
    fetched_at: Mapped[Timestamp]


class LinkCheck(Base):
    """A link target seen on the archived pages (链接可用性): its class, the pages carrying it, and
    what its last check found; ``consecutive_dead`` counts the runs in a row it was confirmed dead."""

    __tablename__ = "link_check"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[intpk]
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    url: Mapped[Url]
    host: Mapped[Name]
    scope: Mapped[Code]
    kind: Mapped[Code]
    pages: Mapped[list[str] | None] = mapped_column(JSON())
    first_seen: Mapped[Timestamp]
    last_seen: Mapped[Timestamp]
    last_checked: Mapped[Timestamp | None]
    verdict: Mapped[Code | None]
    http_status: Mapped[int | None]
    error: Mapped[str | None]
    dead: Mapped[bool] = mapped_column(default=False)
    consecutive_dead: Mapped[int] = mapped_column(default=0)


class ScriptHost(Base):
    """A host other than the site's own that its archived pages load scripts from, with the pages
    that do (the first seen) and when it was first and last seen: a host new since the crawls before
    is a ``new_script_host`` finding."""

    __tablename__ = "script_host"
    __table_args__ = (UniqueConstraint("site_id", "host"),)

    id: Mapped[intpk]
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    host: Mapped[Name]
    scope: Mapped[Code]
    pages: Mapped[list[str] | None] = mapped_column(JSON())
    first_seen: Mapped[Timestamp]
    last_seen: Mapped[Timestamp]


class CountRollup(Base):
    """One precomputed count (see ``storage.rollup``): of a column, of a set of taxonomy paths or of a
    kind, in a year (None: undated). Valid only while ``rollup_state.generation`` is the archive's."""

    __tablename__ = "count_rollup"

    id: Mapped[intpk]
    dimension: Mapped[Code]
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    key: Mapped[str]
    year: Mapped[int | None]
    items: Mapped[int]


class RollupState(Base):
    """The one row saying which archive generation the rollup was computed at, when, and how long it took."""

    __tablename__ = "rollup_state"

    id: Mapped[intpk]
    generation: Mapped[str | None]
    computed_at: Mapped[Timestamp | None]
    seconds: Mapped[float | None] = mapped_column(Float())
