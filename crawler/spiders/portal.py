"""The portal spider: routes requests between columns, list pages and detail pages.

It extracts nothing itself: CMS adapters read list pages, ``crawler.extract`` reads detail
pages, ``crawler.discovery`` reads nav and hub pages. Its own job is the bookkeeping of each
column's walk: a walk stops when a list page adds no new item URL, and ends in a
``ColumnWalk`` record saying how (ok, blocked, error) with the totals the portal declared.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import discovery
from crawler.adapters import ADAPTERS, DETECTION_ORDER, Adapter, get_adapter
from crawler.adapters.ucap import FALLBACK_META
from crawler.extract import detect_block, extract_detail
from crawler.items import ColumnSeen, ColumnWalk, Delisted, Detail, Fetched, Listing, SiteSeen
from crawler.middlewares import failure_status, listed_url
from crawler.monitors import FOUND_PREFIX
from crawler.profile import ColumnSpec, SiteProfile, load_profile
from storage.db import database_url, open_database
from storage.frontier import CrawlState, crawl_state
from taxonomy import Node, default_taxonomy

logger = logging.getLogger(__name__)

_URL = re.compile(r"^https?://", re.IGNORECASE)
MODES = ("full", "incremental", "sweep")
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
    """The bookkeeping of one column's walk."""

    spec: ColumnSpec
    adapter: Adapter | None = None
    seen: set[str] = field(default_factory=set)
    pages: int = 0
    declared_total: int | None = None
    declared_pages: int | None = None


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _failed_request(failure: Failure) -> Request:
    request: Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy on errbacks
    return request


class PortalSpider(Spider):
    """Walk every column of one portal (from a site profile, or discovered from its home page)."""

    name = "portal"

    def __init__(
        self,
        target: str | None = None,
        profile: SiteProfile | None = None,
        mode: str = "full",
        revalidate_fraction: float | str = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if mode not in MODES:
            raise ValueError(f"unknown crawl mode {mode!r}; expected one of {', '.join(MODES)}")
        self.crawl_mode = mode
        self.revalidate_fraction = float(revalidate_fraction)
        if not 0 <= self.revalidate_fraction <= 1:
            raise ValueError(f"--revalidate-fraction must be between 0 and 1, got {revalidate_fraction}")
        self.known = CrawlState()
        self.taxonomy = default_taxonomy()
        self.home_url: str | None = None
        if profile is None:
            if not target:
                raise ValueError("the portal spider needs -a target=PROFILE.yaml or -a target=URL")
            if _URL.match(target):
                self.home_url = target
                host = urlsplit(target).hostname or ""
                profile = SiteProfile(
                    slug=kwargs.get("slug") or slug_for_url(target),
                    name=host,
                    base_url=target,
                    allowed_hosts=[host],
                    columns=[],
                    cms="mixed",
                )
            else:
                profile = load_profile(target)
        self.profile = profile
        self.target_label = target or profile.slug
        self.columns: dict[str, ColumnState] = {}
        self.requested_details: set[str] = set()
        self.fatal: str | None = None

    # -- entry -------------------------------------------------------------------------------

    def _load_known(self) -> None:
        if self.crawl_mode == "full":
            return
        db = open_database(self.settings.get("ZWGK_DB_URL") or database_url())
        with db.session() as session:
            self.known = crawl_state(session, self.profile.slug)
        db.dispose()
        logger.info("%s crawl: %d items already known", self.crawl_mode, len(self.known.items))

    async def start(self) -> AsyncIterator[Any]:
        self._load_known()
        if self.home_url is not None:
            yield Request(
                self.home_url,
                callback=self.parse_home,
                errback=self.home_failed,
                meta={"handle_httpstatus_all": True},
                dont_filter=True,
            )
            return
        yield SiteSeen(self.profile.slug, self.profile.name, self.profile.base_url, self.profile.cms)
        for spec in self.profile.columns:
            for record in self._begin_column(spec):
                yield record

    def _fetched(self, response: Response, page_kind: str) -> Fetched:
        request = response.request
        return Fetched(
            site=self.profile.slug,
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

    def parse_home(self, response: Response) -> Iterator[Any]:
        yield self._fetched(response, "home")
        reason = detect_block(response.status, response.headers, response.body)
        if reason or response.status >= 400:
            self.fatal = f"the home page {response.url} answered HTTP {response.status}" + (
                f" ({reason})" if reason else ""
            )
            return
        self.profile.name = discovery.site_name(response) or self.profile.name
        self.profile.cms = discovery.detect_cms(response) or "mixed"
        yield SiteSeen(self.profile.slug, self.profile.name, self.profile.base_url, self.profile.cms)
        hosts = set(self.profile.allowed_hosts)
        nav = discovery.nav_links(response, hosts, self.taxonomy)
        if not nav:
            self.fatal = f"found no column links on the home page {response.url}"
            return
        known = {link.url for link in nav} | {response.url}
        for link in nav:
            match = self.taxonomy.match(link.name)
            yield self._discovery_request(link, link.name, match.node if match else None, 1, known)

    def _discovery_request(
        self, link: discovery.Link, path: str, node: Node | None, depth: int, known: set[str]
    ) -> Request:
        return Request(
            link.url,
            callback=self.parse_discovered,
            errback=self.list_failed,
            meta={
                "handle_httpstatus_all": True,
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
        adapter = self._detect(response, empty_ok=False)
        yield self._fetched(response, "list" if adapter else "hub")
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
                response, set(self.profile.allowed_hosts), self.taxonomy, meta["known"]
            )
        if adapter is None and not children:
            adapter = self._detect(response)
        if children:
            parent = self.taxonomy.get(meta["taxonomy_code"]) if meta["taxonomy_code"] else None
            known = meta["known"] | {link.url for link in children}
            for link in children:
                match = self.taxonomy.match(link.name, parent)
                yield self._discovery_request(
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
        if response.url in self.columns:
            return
        self.profile.columns.append(spec)
        state = self.columns[response.url] = ColumnState(spec, adapter)
        yield self._column_seen(spec)
        yield from self._walk(response, state, 0)

    def _rule_for(self, path: str, code: str | None) -> str | None:
        if code is None:
            return None
        parent_path, _, name = path.rpartition("/")
        parent = self.taxonomy.by_path(parent_path) if parent_path else None
        match = self.taxonomy.match(name, parent)
        return match.rule if match else None

    # -- walking a column's listing ----------------------------------------------------------

    def _begin_column(self, spec: ColumnSpec) -> Iterator[Any]:
        if spec.url in self.columns:
            return
        adapter = get_adapter(spec.cms) if spec.cms in ADAPTERS else None
        self.columns[spec.url] = ColumnState(spec, adapter)
        yield self._column_seen(spec)
        yield Request(
            spec.url,
            callback=self.parse_list,
            errback=self.list_failed,
            meta={"handle_httpstatus_all": True, "column_url": spec.url, "page_index": 0},
            dont_filter=True,
        )

    def _column_seen(self, spec: ColumnSpec) -> ColumnSeen:
        return ColumnSeen(self.profile.slug, spec.url, spec.path, spec.cms, spec.taxonomy, spec.taxonomy_rule)

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
        state = self.columns[response.meta["column_url"]]
        yield from self._walk(response, state, response.meta.get("page_index", 0))

    def _walk(self, response: Response, state: ColumnState, page_index: int) -> Iterator[Any]:
        fallback = response.meta.get(FALLBACK_META)
        if fallback and response.status == 404:
            # Some Ucap sites number their second list page _1, not _2: try the other name once.
            keep = ("column_url", "column_path", "page_index", "handle_httpstatus_all", "hanweb")
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
        state.pages += 1
        state.declared_total = (
            page.declared_total if page.declared_total is not None else state.declared_total
        )
        state.declared_pages = (
            page.declared_pages if page.declared_pages is not None else state.declared_pages
        )
        new = [entry for entry in page.entries if entry.url not in state.seen]
        for entry in new:
            state.seen.add(entry.url)
            yield from self._listed(state, entry.url, entry.title, entry.date_raw)
        self.crawler.stats.inc_value("zwgk/list_pages")
        if self._reached_known(state, new):
            yield self._finish(state, "ok", f"incremental: stopped at known items on page {page_index}")
        elif new and page.next_request is not None:
            meta = {
                **page.next_request.meta,
                "handle_httpstatus_all": True,
                "column_url": state.spec.url,
                "page_index": page_index + 1,
            }
            yield page.next_request.replace(
                callback=self.parse_list, errback=self.list_failed, meta=meta, dont_filter=True
            )
        else:
            yield self._finish(
                state, "ok", "" if new or page_index == 0 else f"page {page_index} added no new item"
            )
            if self.crawl_mode == "sweep":
                yield from self._check_delisted(state)

    def _reached_known(self, state: ColumnState, new: list[Any]) -> bool:
        if self.crawl_mode != "incremental":
            return False
        known = self.known.column_items.get(state.spec.url, set())
        hits = sum(1 for entry in new if entry.url in known)
        return hits > 0 and hits >= min(KNOWN_OVERLAP, len(known))

    def _check_delisted(self, state: ColumnState) -> Iterator[Request]:
        """After a complete walk, fetch each known item the listing no longer shows: gone or moved?"""
        for url in sorted(self.known.column_items.get(state.spec.url, set()) - state.seen):
            yield Request(
                url,
                callback=self.parse_delisted,
                errback=self.detail_failed,
                meta={"handle_httpstatus_all": True, "column_url": state.spec.url},
                dont_filter=True,
                priority=-1,
            )

    def parse_delisted(self, response: Response) -> Iterator[Any]:
        yield self._fetched(response, "detail")
        url = listed_url(response.request) if response.request is not None else response.url
        yield Delisted(self.profile.slug, response.meta["column_url"], url, response.status)
        if response.status in GONE:
            yield from self.parse_detail(response, archived=True)

    def _listed(self, state: ColumnState, url: str, title: str, date_raw: str | None) -> Iterator[Any]:
        foreign = not self.profile.is_allowed(url)
        self.crawler.stats.inc_value("zwgk/listed")
        yield Listing(
            site=self.profile.slug,
            column_url=state.spec.url,
            column_path=state.spec.path,
            url=url,
            title=title,
            list_date_raw=date_raw,
            foreign=foreign,
            position=len(state.seen),
        )
        if foreign or url in self.requested_details:
            return
        self.requested_details.add(url)
        headers = self._validators(url)
        if headers is None:
            return
        yield Request(
            url,
            callback=self.parse_detail,
            errback=self.detail_failed,
            headers=headers,
            meta={"handle_httpstatus_all": True},
            priority=-1,
        )

    def _validators(self, url: str) -> dict[str, str] | None:
        """Headers for fetching a detail page, or None when this mode does not fetch it again.

        full: fetch everything. incremental: only pages not yet fetched well. sweep: new pages,
        and tonight's share of known ones conditionally (ETag / Last-Modified).
        """
        if self.crawl_mode == "full" or not self.known.is_fetched(url):
            return {}
        if self.crawl_mode == "incremental":
            return None
        if not in_revalidation_share(url, self.revalidate_fraction, datetime.now(UTC).date()):
            return None
        known = self.known.items[url]
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    def _finish(self, state: ColumnState, status: str, note: str) -> ColumnWalk:
        self.crawler.stats.inc_value(f"zwgk/columns_{status}")
        if status == "ok" and self.crawl_mode != "incremental":
            # A complete walk's size, which the monitors compare with the column's history.
            self.crawler.stats.set_value(f"{FOUND_PREFIX}{state.spec.path}", len(state.seen))
        return ColumnWalk(
            site=self.profile.slug,
            column_url=state.spec.url,
            column_path=state.spec.path,
            pages=state.pages,
            found=len(state.seen),
            declared_total=state.declared_total,
            declared_pages=state.declared_pages,
            status=status,
            note=note,
        )

    # -- detail pages ------------------------------------------------------------------------

    def parse_detail(self, response: Response, archived: bool = False) -> Iterator[Any]:
        if not archived:
            yield self._fetched(response, "detail")
        now = datetime.now(UTC).isoformat()
        # Records are keyed by the URL the listing gave, whatever redirects led elsewhere.
        url = listed_url(response.request) if response.request is not None else response.url
        if response.status == 304:
            self.crawler.stats.inc_value("zwgk/details_not_modified")
            yield Detail(self.profile.slug, url, 304, fetched_at=now, not_modified=True)
            return
        reason = detect_block(response.status, response.headers, response.body)
        if reason or response.status >= 300:
            status = "blocked" if reason else ("not_found" if response.status in GONE else "error")
            self.crawler.stats.inc_value(f"zwgk/details_{status}")
            note = reason or (f"HTTP {response.status} from {response.url}" if response.status < 400 else "")
            yield Detail(
                self.profile.slug, url, response.status, fetch_status=status, fetched_at=now, note=note
            )
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1") or None
        detail = extract_detail(url, response.body, content_type, self.profile.slug, response.status)
        detail.fetched_at = now
        detail.etag = _header(response, "ETag")
        detail.last_modified = _header(response, "Last-Modified")
        self.crawler.stats.inc_value("zwgk/details_ok")
        yield detail

    # -- failures ----------------------------------------------------------------------------

    def home_failed(self, failure: Failure) -> None:
        self.fatal = f"cannot reach {_failed_request(failure).url}: {failure.getErrorMessage()}"

    def list_failed(self, failure: Failure) -> Iterator[ColumnWalk]:
        request = _failed_request(failure)
        state = self.columns.get(request.meta.get("column_url", ""))
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
            self.profile.slug,
            listed_url(request),
            0,
            fetch_status=status,
            fetched_at=datetime.now(UTC).isoformat(),
            note=note,
        )
