"""The inspector's checks on what the crawl fetched: detail pages and attachments scanned for
personal data (个人信息泄露) and serious wording errors (严重表述错误), attachments' text extracted
and kept, the links seen on archived pages gathered for the link check that follows the crawl
(``crawler/linkcheck_spider.py``), and the outside hosts pages load scripts from kept, a host no
earlier crawl saw being a ``new_script_host`` finding. Every finding names the capture (WARC
record) of the page or attachment it was seen in.

The detectors are ``inspection``'s and the readers ``documents``'; this stage only decides what to
scan and keeps the results through ``storage``, in a session of its own once the crawl is over:
the store stage, closed before it, holds a write transaction open between its batches, which a
second writer on SQLite would wait for while blocking the crawl. Off with ``ZWGK_INSPECT = False``
(``zwgk crawl --no-inspect``).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import lxml.html
from lxml import etree
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy.exc import DBAPIError

from crawler.clock import clock_from_settings
from crawler.discovery import load_rules
from crawler.extract import decode_body
from crawler.items import AttachmentFile, CrawlTarget, Fetched
from documents import extract_text
from inspection import personal_data, wording
from inspection.cloaking import new_script_hosts, script_hosts
from inspection.finding import Finding
from inspection.links import LinkTarget, host_scope, page_links
from storage.attachments import AttachmentRow, record_attachments
from storage.db import Database, database_url, open_database
from storage.evidence import resolve_cleared
from storage.findings import record_detector_findings
from storage.linkchecks import MAX_PAGES, SeenLink, record_seen_links
from storage.reads.sites import site_id as site_id_of
from storage.scripthosts import forget_script_hosts, known_script_hosts, record_script_hosts

logger = logging.getLogger(__name__)

# Times the closing write is tried when PostgreSQL aborts it as a deadlock (workers end together).
WRITE_ATTEMPTS = 6
# Kinds this stage decides afresh on every page or attachment it scans.
SCANNED_KINDS = ("privacy_leak", "wording_error")
# Pages whose links the link check looks at.
LINKED_PAGE_KINDS = ("home", "hub", "list", "detail")


@dataclass
class _SiteScan:
    """One site's scan results waiting to be written."""

    hosts: set[str]
    # whether an earlier crawl looked at the site's pages (as the crawl began): a script host is
    # new only against what such a crawl saw
    looked_before: bool = False
    findings: list[dict[str, Any]] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)
    attachments: list[AttachmentRow] = field(default_factory=list)
    links: dict[str, tuple[LinkTarget, dict[str, None]]] = field(default_factory=dict)
    fetched_ok: dict[str, int] = field(default_factory=dict)
    # outside host → the pages loading scripts from it (in the order seen)
    scripts: dict[str, dict[str, None]] = field(default_factory=dict)
    # the HTML pages scanned for scripts in this crawl (a host none of them loads any more is gone)
    scanned: set[str] = field(default_factory=set)
    # URL → where its WARC record of this crawl lies (file, offset): the findings' evidence
    records: dict[str, tuple[str, int]] = field(default_factory=dict)


class InspectPipeline:
    def __init__(self, crawler: Crawler, db_url: str) -> None:
        self.crawler = crawler
        self.db_url = db_url
        self.clock = clock_from_settings(crawler.settings)
        # None: the cap of documents/formats.yaml
        self.max_bytes = crawler.settings.getint("ZWGK_ATTACHMENT_MAX_BYTES") or None
        self.sites: dict[str, _SiteScan] = {}
        self.distributed = bool(crawler.settings.get("ZWGK_REDIS_URL"))  # a worker over a shared queue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InspectPipeline:
        if not crawler.settings.getbool("ZWGK_INSPECT", True):
            raise NotConfigured("the inspector's checks are off (--no-inspect)")
        return cls(crawler, crawler.settings.get("ZWGK_DB_URL") or database_url())

    def process_item(self, item: Any) -> Any:
        if isinstance(item, CrawlTarget) and item.site not in self.sites:
            self.sites[item.site] = _SiteScan(set(item.allowed_hosts), self._looked_before(item.site))
        elif isinstance(item, Fetched) and item.site in self.sites:
            self._page(self.sites[item.site], item)
        elif isinstance(item, AttachmentFile) and item.site in self.sites:
            self._attachment(self.sites[item.site], item)
        return item

    def _looked_before(self, slug: str) -> bool:
        """Whether the archive holds an earlier inspected crawl of ``slug`` (read once, as its
        crawl begins: in a distributed crawl the other workers write this run's links meanwhile)."""
        db = open_database(self.db_url)
        try:
            with db.session() as session:
                site_id = site_id_of(session, slug)
                return site_id is not None and known_script_hosts(session, site_id) is not None
        finally:
            db.dispose()

    def _page(self, site: _SiteScan, item: Fetched) -> None:
        if 200 <= item.status < 400:
            site.fetched_ok[item.url] = item.status
        if item.warc_file is not None and item.warc_offset is not None:
            site.records[item.url] = (item.warc_file, item.warc_offset)
        if item.status != 200 or item.page_kind not in LINKED_PAGE_KINDS:
            return
        content_type = next((v for k, v in item.response_headers if k.lower() == "content-type"), None)
        if content_type and "html" not in content_type.lower():
            return
        root = _parse(item.body, content_type)
        if root is None:
            return
        for target in page_links(root, item.url, site.hosts):
            if _is_trap(target.url):
                self._stat("links_skipped_traps")  # generated for ever; the crawl does not follow them
                continue
            pages = site.links.setdefault(target.url, (target, {}))[1]
            if len(pages) < MAX_PAGES:  # the evidence keeps as many; a menu link is on every page
                pages.setdefault(item.url, None)
        site.scanned.add(item.url)
        for host in script_hosts(root, item.url, site.hosts):
            loading = site.scripts.setdefault(host, {})
            if len(loading) < MAX_PAGES:
                loading.setdefault(item.url, None)
        if item.page_kind == "detail":
            found = [personal_data.scan_tree(root, item.url), wording.scan_tree(root, item.url)]
            self._keep(site, item.url, item.url, found)

    def _attachment(self, site: _SiteScan, item: AttachmentFile) -> None:
        now = self.clock.now()
        if item.status != 200:
            reason = item.note or f"HTTP {item.status}"
            site.attachments.append(_row(item, now, None, reason))
            return
        extraction = item.extraction or extract_text(
            item.body, item.name or item.url, item.content_type, self.max_bytes
        )
        outcome = "attachments_extracted" if extraction.ok else "attachments_unreadable"
        self._stat(outcome)
        site.attachments.append(_row(item, now, extraction))
        if extraction.ok:
            found = [
                personal_data.scan_text(extraction.text, item.url, "attachment"),
                wording.scan_text(extraction.text, item.url, "attachment"),
            ]
            self._keep(site, item.url, item.item_url, found)

    def _keep(self, site: _SiteScan, url: str, page: str, found: Iterable[Finding | None]) -> None:
        findings = [f for f in found if f is not None]
        for finding in findings:
            record = finding.as_record()
            record["evidence"]["page"] = page
            site.findings.append({**record, "page": page, "capture": site.records.get(url)})
            self._stat(f"findings/{finding.kind}")
        if not findings:
            site.clean.append(url)
        self._stat("scanned")

    def _stat(self, key: str) -> None:
        if self.crawler.stats:
            self.crawler.stats.inc_value(f"zwgk/inspect/{key}")

    def close_spider(self) -> None:
        db = open_database(self.db_url)
        try:
            # Workers of a distributed crawl end together and write the same sites' links: a
            # transaction PostgreSQL aborts as a deadlock is written again (it left nothing).
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    self._write(db)
                    return
                except DBAPIError as exc:
                    if attempt + 1 == WRITE_ATTEMPTS or "deadlock" not in str(exc.orig).lower():
                        raise
                    logger.warning("inspect: %s; writing again", str(exc.orig).splitlines()[0])
                    time.sleep(0.1 * (attempt + 1) + random.random() * 0.2)
        finally:
            db.dispose()

    def _write(self, db: Database) -> None:
        now = self.clock.now()
        with db.session() as session:
            for slug, site in self.sites.items():
                site_id = site_id_of(session, slug)
                if site_id is None:
                    continue  # the store has not begun the site (it failed before any record)
                record_attachments(session, site_id, site.attachments)
                self._script_hosts(session, site_id, site, now)  # before the links: they tell a first look
                record_detector_findings(session, site_id, site.findings, now)
                # a page or attachment scanned again and found clean closes its open findings
                resolve_cleared(session, site_id, SCANNED_KINDS, site.clean, now)
                seen = _seen(site)
                record_seen_links(session, site_id, seen, now)
                # a link the crawl fetched is alive: a dead-link finding on it is over
                alive = [link.url for link in seen if link.fetched_status is not None]
                resolve_cleared(session, site_id, ["broken_link"], alive, now)
            session.commit()

    def _script_hosts(self, session: Any, site_id: int, site: _SiteScan, now: datetime) -> None:
        """Keep the outside hosts scripts were loaded from; a host no crawl before saw is a finding
        (none on the site's first inspected crawl: there is nothing to compare with)."""
        current = {host: list(pages) for host, pages in site.scripts.items()}
        known = known_script_hosts(session, site_id)
        if site.looked_before and known is not None:
            for finding in new_script_hosts(known, current, site.hosts):
                page = finding.url
                site.findings.append({**finding.as_record(), "capture": site.records.get(page)})
                self._stat(f"findings/{finding.kind}")
        # A worker of a distributed crawl sees only its share of the pages: another may still load
        # the host from a page this one never scanned, so only a crawl that saw every page forgets.
        if not self.distributed:
            for host in forget_script_hosts(session, site_id, current, site.scanned, now):
                self._stat("script_hosts_gone")  # its finding, if any, resolved; back later, new again
                logger.info("site %s: its pages no longer load scripts from %s", site_id, host)
        hosts = {host: (host_scope(host, site.hosts), pages) for host, pages in current.items()}
        record_script_hosts(session, site_id, hosts, now)


def _seen(site: _SiteScan) -> list[SeenLink]:
    """The links seen, each with the status the crawl got for it when it fetched it (then it is
    checked already: the link check leaves it out)."""
    return [
        SeenLink(url, target.host, target.scope, target.kind, tuple(pages), site.fetched_ok.get(url))
        for url, (target, pages) in sorted(site.links.items(), key=lambda pair: pair[0])
    ]  # in URL order: concurrent writers lock the rows in the same order


def _is_trap(url: str) -> bool:
    """Whether a link leads into a trap (calendar, search, print: ``crawler/discovery.yaml``)."""
    return any(pattern.search(url) for pattern in load_rules().traps.values())


def _parse(body: bytes, content_type: str | None) -> etree._Element | None:
    text, _ = decode_body(body, content_type)
    if not text.strip():
        return None
    try:
        return lxml.html.fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _row(item: AttachmentFile, now: datetime, extraction: Any, reason: str | None = None) -> AttachmentRow:
    return AttachmentRow(
        url=item.url,
        item_url=item.item_url,
        name=(item.name or None) and item.name[:500],
        http_status=item.status or None,
        format=extraction.format if extraction else None,
        size=extraction.size if extraction else (len(item.body) or None),
        tool=extraction.tool if extraction else None,
        text=extraction.text if extraction and extraction.ok else None,
        reason=reason if extraction is None else extraction.reason,
        fetched_at=now,
    )
