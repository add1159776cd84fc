"""The portal spider: routes requests between columns, list pages and detail pages.

It extracts nothing itself: CMS adapters read list pages, ``crawler.extract`` reads detail
pages, ``crawler.discovery`` reads nav and hub pages. Its own job is the bookkeeping of each
column's walk: a walk stops when a list page adds no new item URL, and ends in a
``ColumnWalk`` record saying how (ok, blocked, error) with the totals the portal declared.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import discovery
from crawler.adapters import ADAPTERS, DETECTION_ORDER, Adapter, get_adapter
from crawler.adapters.ucap import FALLBACK_META
from crawler.analysis import PageAnalyser, PageJob
from crawler.extract import detect_block
from crawler.extract.detail import ScanScope
from crawler.items import ColumnSeen, ColumnWalk, Delisted, Detail, Fetched, Listing, SiteSeen
from crawler.middlewares import failure_status, listed_url
from crawler.monitors import FOUND_PREFIX
from crawler.profile import ColumnSpec, SiteProfile, load_profile
from crawler.walkstate import MemoryWalkState, WalkState
from storage.db import database_url, open_database
from storage.frontier import CrawlState, crawl_state
from taxonomy import Node, default_taxonomy

logger = logging.getLogger(__name__)

_URL = re.compile(r"^https?://", re.IGNORECASE)
MODES = ("full", "incremental", "sweep", "discover")
# An incremental walk stops on the first list page where this many known items appear: new items
# sit on top of a listing, and a small overlap survives reordering and pinned items.
KNOWN_OVERLAP = 3
GONE = (404, 410)


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def in_revalidation_share(url: str, fraction: float, today: date) -> bool:
    """Whether ``url`` is revalidated tonight when ``fraction`` of known pages are, one share a night.

    Pages are split into round(1/fraction) stable buckets by a hash of the URL; night n takes
    bucket n mod buckets, so every page is revalidated once every 1/fraction nights.
    """
    if fraction >= 1:
        return True
    if fraction <= 0:
        return False
    buckets = max(1, round(1 / fraction))
    bucket = int(hashlib.sha1(url.encode()).hexdigest()[:8], 16) % buckets
    return bucket == today.toordinal() % buckets


def slug_for_url(url: str) -> str:
    """A site slug for a portal known only by its URL: host and port, dots as dashes."""
    split = urlsplit(url)
    host = (split.hostname or "site").replace(".", "-")
    return f"{host}-{split.port}" if split.port else host


@dataclass
class ColumnState:
    """A column being walked: its spec and adapter (the walk's counts live in a :class:`WalkState`)."""

    spec: ColumnSpec
    adapter: Adapter | None = None
    site: str = ""


def url_profile(url: str, slug: str | None = None) -> SiteProfile:
    """The profile of a portal known only by its URL: no columns yet (discovered from its home page)."""
    host = urlsplit(url).hostname or ""
    return SiteProfile(
        slug=slug or slug_for_url(url), name=host, base_url=url, allowed_hosts=[host], columns=[], cms="mixed"
    )


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _failed_request(failure: Failure) -> Request:
    request: Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy on errbacks
    return request


class PortalSpider(Spider):
    """Walk every column of one portal (from a site profile, or discovered from its home page).

    Requests carry their site's slug in ``meta["site"]`` and list pages their column's path and CMS,
    so that :class:`crawler.cluster.spider.WorkerSpider` (one spider serving many sites, list pages of
    one column processed by different workers) reuses every callback here.
    """

    name = "portal"

    def __init__(
        self,
        target: str | None = None,
        profile: SiteProfile | None = None,
        mode: str = "full",
        revalidate_fraction: float | str = 1.0,
        walk: WalkState | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if mode not in MODES:
            raise ValueError(f"unknown crawl mode {mode!r}; expected one of {', '.join(MODES)}")
        self.crawl_mode = mode
        self.revalidate_fraction = float(revalidate_fraction)
        if not 0 <= self.revalidate_fraction <= 1:
            raise ValueError(f"--revalidate-fraction must be between 0 and 1, got {revalidate_fraction}")
        self.known_by_site: dict[str, CrawlState] = {}
        self.taxonomy = default_taxonomy()
        self.home_url: str | None = None
        self.home_urls: dict[str, str] = {}
        self.walk: WalkState = walk or MemoryWalkState()
        self.columns: dict[tuple[str, str], ColumnState] = {}
        self.fatal: str | None = None
        self.fatal_by_site: dict[str, str] = {}
        self.profiles: dict[str, SiteProfile] = {}
        self.traps_seen: set[str] = set()
        self._analyser: PageAnalyser | None = None
        if profile is None and target is None and kwargs.get("distributed"):
            self.target_label = "worker"
            return
        if profile is None:
            if not target:
                raise ValueError("the portal spider needs -a target=PROFILE.yaml or -a target=URL")
            if _URL.match(target):
                self.home_url = target
                profile = url_profile(target, kwargs.get("slug"))
            else:
                profile = load_profile(target)
        self.profile = profile
        self.profiles[profile.slug] = profile
        if self.home_url is not None:
            self.home_urls[profile.slug] = self.home_url
        self.target_label = target or profile.slug

    # -- sites -------------------------------------------------------------------------------

    def site_profile(self, slug: str | None) -> SiteProfile:
        """The profile of the site ``slug`` (a request's ``meta["site"]``; None: this crawl's one)."""
        if slug is None:
            return self.profile
        return self.profiles[slug]

    def _site_of(self, meta: Any) -> SiteProfile:
        return self.site_profile(meta.get("site"))

    def known(self, slug: str) -> CrawlState:
        """What the archive already knows of ``slug`` (loaded once, for incremental and sweep runs)."""
        state = self.known_by_site.get(slug)
        if state is None:
            state = self.known_by_site[slug] = self._load_known(slug)
        return state

    def _load_known(self, slug: str) -> CrawlState:
        if self.crawl_mode in ("full", "discover"):
            return CrawlState()
        db = open_database(self.settings.get("ZWGK_DB_URL") or database_url())
        with db.session() as session:
            state = crawl_state(session, slug)
        db.dispose()
        logger.info("%s crawl of %s: %d items already known", self.crawl_mode, slug, len(state.items))
        return state

    def _fail(self, slug: str, message: str) -> None:
        self.fatal_by_site[slug] = message
        if getattr(self, "profile", None) is not None and slug == self.profile.slug:
            self.fatal = message
        else:
            logger.error("site %s: %s", slug, message)

    # -- entry -------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        self.known(self.profile.slug)
        for record in self.site_start(self.profile.slug):
            yield record

    def site_start(self, slug: str) -> Iterator[Any]:
        """The first records and requests of a crawl of ``slug``: its home page, or its columns."""
        profile = self.site_profile(slug)
        home = self.home_urls.get(slug)
        if home is not None:
            yield Request(
                home,
                callback=self.parse_home,
                errback=self.home_failed,
                meta={"handle_httpstatus_all": True, "site": slug},
                dont_filter=True,
            )
            return
        yield SiteSeen(profile.slug, profile.name, profile.base_url, profile.cms)
        for spec in profile.columns:
            yield from self._begin_column(slug, spec)

    def _fetched(self, response: Response, page_kind: str) -> Fetched:
        request = response.request
        return Fetched(
            site=self._site_of(response.meta).slug,
            url=response.url,
            page_kind=page_kind,
            status=response.status,
            response_headers=_header_pairs(response.headers),
            body=response.body,
            request_headers=_header_pairs(request.headers) if request is not None else [],
            method=request.method if request is not None else "GET",
            request_body=request.body if request is not None else b"",
            fetched_at=datetime.now(UTC).isoformat(),
        )

    # -- discovery ---------------------------------------------------------------------------

    def _note_traps(self, response: Response) -> None:
        """Count the trap links (calendar, search, print) a page offers; they are never followed."""
        if response.status != 200:
            return
        for url, kind in discovery.trap_links(response).items():
            if url not in self.traps_seen:
                self.traps_seen.add(url)
                self.crawler.stats.inc_value("zwgk/trap_links")
                self.crawler.stats.inc_value(f"zwgk/trap_links/{kind}")

    def parse_home(self, response: Response) -> Iterator[Any]:
        yield self._fetched(response, "home")
        self._note_traps(response)
        profile = self._site_of(response.meta)
        reason = detect_block(response.status, response.headers, response.body)
        if reason or response.status >= 400:
            self._fail(
                profile.slug,
                f"the home page {response.url} answered HTTP {response.status}"
                + (f" ({reason})" if reason else ""),
            )
            return
        profile.name = discovery.site_name(response) or profile.name
        profile.cms = discovery.detect_cms(response) or "mixed"
        yield SiteSeen(profile.slug, profile.name, profile.base_url, profile.cms)
        hosts = set(profile.allowed_hosts)
        nav = discovery.nav_links(response, hosts, self.taxonomy)
        if not nav:
            self._fail(profile.slug, f"found no column links on the home page {response.url}")
            return
        known = {link.url for link in nav} | {response.url}
        for link in nav:
            match = self.taxonomy.match(link.name)
            yield self._discovery_request(
                profile.slug, link, link.name, match.node if match else None, 1, known
            )

    def _discovery_request(
        self, slug: str, link: discovery.Link, path: str, node: Node | None, depth: int, known: set[str]
    ) -> Request:
        return Request(
            link.url,
            callback=self.parse_discovered,
            errback=self.list_failed,
            meta={
                "handle_httpstatus_all": True,
                "site": slug,
                "column_path": path,
                "column_url": link.url,
                "link_name": link.name,
                "link_provisional": link.provisional,
                "taxonomy_code": node.code if node else None,
                "depth": depth,
                "known": known,
            },
        )

    def parse_discovered(self, response: Response) -> Iterator[Any]:
        """A page reached from the nav or a hub: walk it as a column, or descend into it as a hub."""
        meta = dict(response.meta)
        profile = self._site_of(meta)
        adapter = self._detect(response, empty_ok=False)
        yield self._fetched(response, "list" if adapter else "hub")
        self._note_traps(response)
        link = discovery.Link(meta["link_name"], meta["column_url"], meta["link_provisional"])
        name = discovery.own_name(link, response)
        if name != link.name:
            parent_path, _, _ = meta["column_path"].rpartition("/")
            parent = self.taxonomy.by_path(parent_path) if parent_path else None
            match = self.taxonomy.match(name, parent)
            meta["column_path"] = f"{parent_path}/{name}" if parent_path else name
            meta["taxonomy_code"] = match.node.code if match else None
        children: list[discovery.Link] = []
        if adapter is None and meta["depth"] < self.settings.getint("ZWGK_DISCOVERY_DEPTH", 3):
            children = discovery.hub_children(
                response, set(profile.allowed_hosts), self.taxonomy, meta["known"]
            )
        if adapter is None and not children:
            adapter = self._detect(response)
        if children:
            parent = self.taxonomy.get(meta["taxonomy_code"]) if meta["taxonomy_code"] else None
            known = meta["known"] | {link.url for link in children}
            for link in children:
                match = self.taxonomy.match(link.name, parent)
                yield self._discovery_request(
                    profile.slug,
                    link,
                    f"{meta['column_path']}/{link.name}",
                    match.node if match else None,
                    meta["depth"] + 1,
                    known,
                )
            return
        code = meta["taxonomy_code"]
        spec = ColumnSpec(
            path=meta["column_path"],
            url=response.url,
            cms=adapter.name if adapter else None,
            taxonomy=code,
            taxonomy_rule=self._rule_for(meta["column_path"], code),
        )
        if not self.walk.begin_column(profile.slug, response.url):
            return
        profile.columns.append(spec)
        if self.crawl_mode == "discover":
            return  # the profile is what was asked for; no listing is walked
        state = self.columns[profile.slug, response.url] = ColumnState(spec, adapter, profile.slug)
        yield self._column_seen(state)
        yield from self._walk(response, state, 0)

    def _rule_for(self, path: str, code: str | None) -> str | None:
        if code is None:
            return None
        parent_path, _, name = path.rpartition("/")
        parent = self.taxonomy.by_path(parent_path) if parent_path else None
        match = self.taxonomy.match(name, parent)
        return match.rule if match else None

    # -- walking a column's listing ----------------------------------------------------------

    def _begin_column(self, slug: str, spec: ColumnSpec) -> Iterator[Any]:
        if not self.walk.begin_column(slug, spec.url):
            return
        adapter = get_adapter(spec.cms) if spec.cms in ADAPTERS else None
        state = self.columns[slug, spec.url] = ColumnState(spec, adapter, slug)
        yield self._column_seen(state)
        yield Request(
            spec.url,
            callback=self.parse_list,
            errback=self.list_failed,
            meta={
                "handle_httpstatus_all": True,
                "site": slug,
                "column_url": spec.url,
                "column_path": spec.path,
                "page_index": 0,
            },
            dont_filter=True,
        )

    def _column_seen(self, state: ColumnState) -> ColumnSeen:
        spec = state.spec
        return ColumnSeen(state.site, spec.url, spec.path, spec.cms, spec.taxonomy, spec.taxonomy_rule)

    def _column_state(self, meta: Any) -> ColumnState | None:
        """The column a list-page request belongs to; rebuilt from the request when another worker
        began the column."""
        slug = self._site_of(meta).slug
        url = meta.get("column_url", "")
        state = self.columns.get((slug, url))
        if state is None and "page_index" in meta and "column_path" in meta:
            profile = self.site_profile(slug)
            spec = next((c for c in profile.columns if c.url == url), None)
            if spec is None:
                spec = ColumnSpec(path=meta["column_path"], url=url, cms=meta.get("column_cms"))
            cms = meta.get("column_cms") or spec.cms
            adapter = get_adapter(cms) if cms in ADAPTERS else None
            state = self.columns[slug, url] = ColumnState(spec, adapter, slug)
        return state

    def _detect(self, response: Response, empty_ok: bool = True) -> Adapter | None:
        """The adapter that reads this page as a list: first one that finds entries on it; then,
        when ``empty_ok``, one whose CMS markers are there (an empty column is still a column)."""
        candidates = [ADAPTERS[name]() for name in DETECTION_ORDER]
        candidates = [adapter for adapter in candidates if adapter.detect(response)]
        for adapter in candidates:
            if adapter.parse_list(response, 0).entries:
                return adapter
        return candidates[0] if candidates and empty_ok else None

    def parse_list(self, response: Response) -> Iterator[Any]:
        yield self._fetched(response, "list")
        state = self._column_state(response.meta)
        assert state is not None, f"a list page of an unknown column: {response.url}"
        yield from self._walk(response, state, response.meta.get("page_index", 0))

    def _walk(self, response: Response, state: ColumnState, page_index: int) -> Iterator[Any]:
        if page_index == 1:
            self._note_traps(response)  # page 0 was seen by discovery or by parse_list
        fallback = response.meta.get(FALLBACK_META)
        if fallback and response.status == 404:
            # Some Ucap sites number their second list page _1, not _2: try the other name once.
            keep = (
                "column_url", "column_path", "column_cms", "page_index", "handle_httpstatus_all",
                "hanweb", "site",
            )  # fmt: skip
            meta = {key: response.meta[key] for key in keep if key in response.meta}
            yield response.request.replace(url=fallback, meta=meta, dont_filter=True)  # type: ignore[union-attr]
            return
        reason = detect_block(response.status, response.headers, response.body)
        if reason:
            yield self._finish(state, "blocked", f"page {page_index}: {reason}")
            return
        if response.status >= 400:
            yield self._finish(state, "error", f"page {page_index} answered HTTP {response.status}")
            return
        if state.adapter is None:
            state.adapter = self._detect(response)
            if state.adapter is None:
                yield self._finish(state, "error", "no CMS adapter recognised the list page")
                return
            state.spec.cms = state.adapter.name
        page = state.adapter.parse_list(response, page_index)
        self.walk.count_page(state.site, state.spec.url, page.declared_total, page.declared_pages)
        added = self.walk.add_seen(state.site, state.spec.url, [entry.url for entry in page.entries])
        new = [page.entries[index] for index, _ in added]
        for (_, position), entry in zip(added, new, strict=True):
            yield from self._listed(state, entry.url, entry.title, entry.date_raw, position, response.url)
        self.crawler.stats.inc_value("zwgk/list_pages")
        if self._reached_known(state, new):
            yield self._finish(state, "ok", f"incremental: stopped at known items on page {page_index}")
        elif new and page.next_request is not None:
            meta = {
                **page.next_request.meta,
                "handle_httpstatus_all": True,
                "site": state.site,
                "column_url": state.spec.url,
                "column_path": state.spec.path,
                "column_cms": state.adapter.name,
                "page_index": page_index + 1,
            }
            next_page = page.next_request.replace(
                callback=self.parse_list, errback=self.list_failed, meta=meta, dont_filter=True
            )
            next_page.headers.setdefault(b"Referer", response.url)
            yield next_page
        else:
            yield self._finish(
                state, "ok", "" if new or page_index == 0 else f"page {page_index} added no new item"
            )
            if self.crawl_mode == "sweep":
                yield from self._check_delisted(state)

    def _reached_known(self, state: ColumnState, new: list[Any]) -> bool:
        if self.crawl_mode != "incremental":
            return False
        known = self.known(state.site).column_items.get(state.spec.url, set())
        hits = sum(1 for entry in new if entry.url in known)
        return hits > 0 and hits >= min(KNOWN_OVERLAP, len(known))

    def _check_delisted(self, state: ColumnState) -> Iterator[Request]:
        """After a complete walk, fetch each known item the listing no longer shows: gone or moved?"""
        known = self.known(state.site).column_items.get(state.spec.url, set())
        for url in sorted(known - self.walk.seen(state.site, state.spec.url)):
            yield Request(
                url,
                callback=self.parse_delisted,
                errback=self.detail_failed,
                meta={"handle_httpstatus_all": True, "column_url": state.spec.url, "site": state.site},
                dont_filter=True,
                priority=-1,
            )

    def parse_delisted(self, response: Response) -> Iterator[Any]:
        yield self._fetched(response, "detail")
        url = listed_url(response.request) if response.request is not None else response.url
        yield Delisted(self._site_of(response.meta).slug, response.meta["column_url"], url, response.status)
        gone = self._unread_detail(response) if response.status in GONE else None
        if gone is not None:
            self._count_detail(gone)
            yield gone

    def _listed(
        self, state: ColumnState, url: str, title: str, date_raw: str | None, position: int, referer: str
    ) -> Iterator[Any]:
        profile = self.site_profile(state.site)
        foreign = not profile.is_allowed(url)
        self.crawler.stats.inc_value("zwgk/listed")
        yield Listing(
            site=state.site,
            column_url=state.spec.url,
            column_path=state.spec.path,
            url=url,
            title=title,
            list_date_raw=date_raw,
            foreign=foreign,
            position=position,
        )
        if foreign or not self.walk.claim_detail(state.site, url):
            return
        headers = self._validators(state.site, url)
        if headers is None:
            return
        headers["Referer"] = referer
        yield Request(
            url,
            callback=self.parse_detail,
            errback=self.detail_failed,
            headers=headers,
            meta={"handle_httpstatus_all": True, "site": state.site},
            priority=-1,
        )

    def _validators(self, slug: str, url: str) -> dict[str, str] | None:
        """Headers for fetching a detail page, or None when this mode does not fetch it again.

        full: fetch everything. incremental: only pages not yet fetched well. sweep: new pages,
        and tonight's share of known ones conditionally (ETag / Last-Modified).
        """
        if self.crawl_mode == "full":
            return {}
        state = self.known(slug)
        if not state.is_fetched(url):
            return {}
        if self.crawl_mode == "incremental":
            return None
        if not in_revalidation_share(url, self.revalidate_fraction, datetime.now(UTC).date()):
            return None
        known = state.items[url]
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    def _finish(self, state: ColumnState, status: str, note: str) -> ColumnWalk:
        pages, found, declared_total, declared_pages = self.walk.totals(state.site, state.spec.url)
        self.crawler.stats.inc_value(f"zwgk/columns_{status}")
        if status == "ok" and self.crawl_mode != "incremental":
            # A complete walk's size, which the monitors compare with the column's history.
            self.crawler.stats.set_value(f"{FOUND_PREFIX}{state.spec.path}", found)
        return ColumnWalk(
            site=state.site,
            column_url=state.spec.url,
            column_path=state.spec.path,
            pages=pages,
            found=found,
            declared_total=declared_total,
            declared_pages=declared_pages,
            status=status,
            note=note,
        )

    # -- detail pages ------------------------------------------------------------------------

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
            content_type = _header(response, "Content-Type")
            # the WARC records are packed there too (when they are written); the body travels once
            packing = bool(self.settings.get("ZWGK_WARC_DIR"))
            exchange = dataclasses.replace(fetched, body=b"") if packing else None
            job = PageJob(url, response.body, content_type, profile.slug, response.status, scan, exchange)
            analysis = await self.analyser.analyse(job)  # never raises
            detail, fetched.packed = analysis.detail, analysis.packed
            if analysis.signals is not None:
                fetched.signals, fetched.scanned = analysis.signals, True
            if detail.fetch_status == "ok":
                detail.fetched_at = datetime.now(UTC).isoformat()
                detail.etag = _header(response, "ETag")
                detail.last_modified = _header(response, "Last-Modified")
            else:
                # a page whose analysis failed (it killed its worker): archived as fetched, never
                # parsed again in this process by the integrity stage
                fetched.scanned = True
        self._count_detail(detail)
        detail.page = fetched
        return [detail]

    def _count_detail(self, detail: Detail) -> None:
        outcome = "not_modified" if detail.not_modified else detail.fetch_status
        self.crawler.stats.inc_value(f"zwgk/details_{outcome}")

    def _unread_detail(self, response: Response) -> Detail | None:
        """The Detail of a response with no page to read (304, blocked, an error), or None."""
        slug = self._site_of(response.meta).slug
        now = datetime.now(UTC).isoformat()
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

    @property
    def analyser(self) -> PageAnalyser:
        """Where detail pages are read: ``ZWGK_ANALYSIS_PROCESSES`` worker processes (0: inline)."""
        if self._analyser is None:
            self._analyser = PageAnalyser(self.settings.getint("ZWGK_ANALYSIS_PROCESSES", 1))
        return self._analyser

    async def closed(self, reason: str) -> None:
        # Scrapy awaits this: the analysis workers have ended (and been reaped) when the crawl has.
        if self._analyser is not None:
            await self._analyser.close()

    # -- failures ----------------------------------------------------------------------------

    def home_failed(self, failure: Failure) -> None:
        request = _failed_request(failure)
        self._fail(
            self._site_of(request.meta).slug, f"cannot reach {request.url}: {failure.getErrorMessage()}"
        )

    def list_failed(self, failure: Failure) -> Iterator[ColumnWalk]:
        request = _failed_request(failure)
        state = self._column_state(request.meta)
        if state is None:
            logger.warning("discovery could not fetch %s: %s", request.url, failure.getErrorMessage())
            return
        status, note = failure_status(failure)
        yield self._finish(state, "capped" if status == "capped" else "error", f"{request.url}: {note}")

    def detail_failed(self, failure: Failure) -> Iterator[Detail]:
        request = _failed_request(failure)
        status, note = failure_status(failure)
        if status == "capped":
            status = "error"
        self.crawler.stats.inc_value(f"zwgk/details_{status}")
        yield Detail(
            self._site_of(request.meta).slug,
            listed_url(request),
            0,
            fetch_status=status,
            fetched_at=datetime.now(UTC).isoformat(),
            note=note,
        )
