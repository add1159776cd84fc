"""Detail pages for the portal spider: each item's own page read (in the page-analysis workers),
a page that cannot be read recorded as such, a delisted item's page checked, and (unless the
inspector is off) the document files the page links to fetched for their text, within a budget
per site and a size cap, through the same robots.txt and politeness as pages."""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler.analysis import PageAnalyser, PageJob
from crawler.extract import detect_block
from crawler.extract.detail import ScanScope
from crawler.items import AttachmentFile, Delisted, Detail
from crawler.middlewares import failure_status, listed_url
from crawler.spiders.sites import SiteSpider, failed_request, header
from documents import extract_text
from documents.formats import formats

GONE = (404, 410)


def is_document(url: str, name: str = "") -> bool:
    """Whether a link names a document file the inspector reads (``attachment_formats`` of
    ``documents/formats.yaml``)."""
    table = formats()
    known, wanted = table["extensions"], table["attachment_formats"]
    for text in (urlsplit(url).path, name):
        stem = posixpath.basename(unquote(text or "")).lower()
        if "." in stem and known.get("." + stem.rsplit(".", 1)[1]) in wanted:
            return True
    return False


class DetailPages(SiteSpider):
    """The detail-page callbacks of :class:`crawler.spiders.portal.PortalSpider`."""

    _analyser: PageAnalyser | None = None

    async def parse_detail(self, response: Response) -> list[Any]:
        # A coroutine returning a list, not an async generator: Scrapy runs the latter's output
        # through a costlier path (an async cooperator per response), measured here.
        fetched = self._fetched(response, "detail")
        detail = self._unread_detail(response)
        if detail is None:
            # A page to read: extraction and the integrity scan, in a worker process (crawler/analysis.py).
            url = listed_url(response.request) if response.request is not None else response.url
            profile = self._site_of(response.meta)
            scan = (
                ScanScope(profile.name, frozenset(profile.allowed_hosts)) if response.status == 200 else None
            )
            content_type = header(response, "Content-Type")
            # the WARC records are packed there too (when they are written); the body travels once
            packing = bool(self.settings.get("ZWGK_WARC_DIR"))
            exchange = dataclasses.replace(fetched, body=b"") if packing else None
            job = PageJob(url, response.body, content_type, profile.slug, response.status, scan, exchange)
            analysis = await self.analyser.analyse(job)  # never raises
            detail, fetched.packed = analysis.detail, analysis.packed
            if analysis.signals is not None:
                fetched.signals, fetched.scanned = analysis.signals, True
            if detail.fetch_status == "ok":
                detail.fetched_at = self.clock.now().isoformat()
                detail.etag = header(response, "ETag")
                detail.last_modified = header(response, "Last-Modified")
            else:
                # a page whose analysis failed (it killed its worker): archived as fetched, never
                # parsed again in this process by the integrity stage
                fetched.scanned = True
        self._count_detail(detail)
        detail.page = fetched
        return [detail, *self._attachment_requests(detail, response)]

    def _attachment_requests(self, detail: Detail, response: Response) -> list[Request]:
        """Requests for the document files of a detail page, while the site's budget lasts."""
        if not self.settings.getbool("ZWGK_INSPECT", True) or detail.fetch_status != "ok":
            return []
        profile = self._site_of(response.meta)
        budget = int(
            profile.politeness.get("attachment_budget", self.settings.getint("ZWGK_ATTACHMENT_BUDGET", 500))
        )
        cap = int(
            profile.politeness.get(
                "attachment_max_bytes", self.settings.getint("ZWGK_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
            )
        )
        stats, requests = self.crawler.stats, []
        for attachment in detail.attachments:
            if not is_document(attachment.url, attachment.name):
                continue
            key = f"zwgk/inspect/attachments_requested/{profile.slug}"
            if (stats.get_value(key) or 0) >= budget:
                stats.inc_value("zwgk/inspect/attachments_over_budget")
                continue
            stats.inc_value(key)
            meta: dict[str, Any] = {"site": profile.slug, "item_url": detail.url, "name": attachment.name}
            meta |= {
                "handle_httpstatus_all": True,
                "download_maxsize": cap,
                "download_warnsize": 0,
                "cap": cap,
            }
            requests.append(
                Request(attachment.url, self.parse_attachment, errback=self.attachment_failed, meta=meta)
            )
        return requests

    async def parse_attachment(self, response: Response) -> list[AttachmentFile]:
        self.crawler.stats.inc_value("zwgk/inspect/attachments_fetched")
        meta = response.meta
        name, content_type = meta.get("name") or "", header(response, "Content-Type")
        extraction = None
        if response.status == 200:
            # pdfplumber and the Word tools take their time: in a thread, the crawl goes on meanwhile
            reading = deferToThread(
                extract_text, response.body, name or response.url, content_type, meta["cap"]
            )
            extraction = await maybe_deferred_to_future(reading)
        record = AttachmentFile(
            self._site_of(meta).slug,
            response.url,
            meta["item_url"],
            name,
            response.status,
            content_type,
            response.body,
            extraction=extraction,
            page=self._fetched(response, "attachment"),
        )
        return [record]

    def attachment_failed(self, failure: Failure) -> Iterator[AttachmentFile]:
        request = failed_request(failure)
        _, note = failure_status(failure)
        self.crawler.stats.inc_value("zwgk/inspect/attachments_failed")
        meta = request.meta
        slug = self._site_of(meta).slug
        yield AttachmentFile(slug, request.url, meta["item_url"], meta.get("name") or "", 0, note=note)

    def parse_delisted(self, response: Response) -> Iterator[Any]:
        yield self._fetched(response, "detail")
        url = listed_url(response.request) if response.request is not None else response.url
        yield Delisted(self._site_of(response.meta).slug, response.meta["column_url"], url, response.status)
        gone = self._unread_detail(response) if response.status in GONE else None
        if gone is not None:
            self._count_detail(gone)
            yield gone

    def _count_detail(self, detail: Detail) -> None:
        outcome = "not_modified" if detail.not_modified else detail.fetch_status
        self.crawler.stats.inc_value(f"zwgk/details_{outcome}")

    def _unread_detail(self, response: Response) -> Detail | None:
        """The Detail of a response with no page to read (304, blocked, an error), or None."""
        slug = self._site_of(response.meta).slug
        now = self.clock.now().isoformat()
        # Records are keyed by the URL the listing gave, whatever redirects led elsewhere.
        url = listed_url(response.request) if response.request is not None else response.url
        if response.status == 304:
            return Detail(slug, url, 304, fetched_at=now, not_modified=True)
        reason = detect_block(response.status, response.headers, response.body)
        if reason or response.status >= 300:
            status = "blocked" if reason else ("not_found" if response.status in GONE else "error")
            note = reason or (f"HTTP {response.status} from {response.url}" if response.status < 400 else "")
            return Detail(slug, url, response.status, fetch_status=status, fetched_at=now, note=note)
        return None

    def detail_failed(self, failure: Failure) -> Iterator[Detail]:
        request = failed_request(failure)
        status, note = failure_status(failure)
        if status == "capped":
            status = "error"
        self.crawler.stats.inc_value(f"zwgk/details_{status}")
        yield Detail(
            self._site_of(request.meta).slug,
            listed_url(request),
            0,
            fetch_status=status,
            fetched_at=self.clock.now().isoformat(),
            note=note,
        )

    @property
    def analyser(self) -> PageAnalyser:
        """Where detail pages are read: ``ZWGK_ANALYSIS_PROCESSES`` worker processes (0: inline)."""
        if self._analyser is None:
            self._analyser = PageAnalyser(
                self.settings.getint("ZWGK_ANALYSIS_PROCESSES", 1),
                deadline=self.settings.getfloat("ZWGK_ANALYSIS_DEADLINE", 60.0),
            )
        return self._analyser

    async def closed(self, reason: str) -> None:
        # Scrapy awaits this: the analysis workers have ended (and been reaped) when the crawl has.
        if self._analyser is not None:
            await self._analyser.close()
