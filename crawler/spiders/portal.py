"""The portal spider: routes requests between columns, list pages and detail pages.

It extracts nothing itself: CMS adapters read list pages, ``crawler.extract`` reads detail
pages (``crawler.spiders.details``), ``crawler.discovery`` reads nav and hub pages. Its own job
is the bookkeeping of each column's walk: a walk stops when a list page adds no new item URL, and
ends in a ``ColumnWalk`` record saying how (ok, blocked, error) with the totals the portal
declared. What the crawl mode changes is asked of the mode (``crawler.modes``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import discovery
from crawler.adapters import ADAPTERS, DETECTION_ORDER, Adapter, get_adapter
from crawler.completeness import WalkFacts, judge
from crawler.extract import detect_block
from crawler.items import ColumnSeen, ColumnWalk, Listing, SiteFailed, SiteSeen
from crawler.middlewares import failure_status
from crawler.monitors import FOUND_PREFIX
from crawler.profile import ColumnSpec, SiteProfile
from crawler.spiders.details import DetailPages
from crawler.spiders.sites import ColumnState, failed_request, target_profile
from crawler.walkstate import MemoryWalkState, WalkState
from taxonomy import Node, default_taxonomy

logger = logging.getLogger(__name__)

# What a list page's request carries from page to page (adapters add their own keys).
ROUTING_META = (
    "column_url", "column_path", "column_cms", "page_index", "handle_httpstatus_all", "hanweb", "site",
)  # fmt: skip


class PortalSpider(DetailPages):
    """Walk every column of one portal (from a site profile, or discovered from its home page).

    Requests carry their site's slug in ``meta["site"]`` and list pages their column's path and CMS,
    so that :class:`crawler.cluster.spider.WorkerSpider` (one spider serving many sites, list pages
    of one column processed by different workers) reuses every callback here.
    """

    name = "portal"

    def __init__(
        self,
        target: str | None = None,
        profile: SiteProfile | None = None,
        walk: WalkState | None = None,
        home_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        distributed = kwargs.pop("distributed", False)
        slug = kwargs.pop("slug", None)
        super().__init__(**kwargs)
        self.taxonomy = default_taxonomy()
        self.walk: WalkState = walk or MemoryWalkState()
        self.columns: dict[tuple[str, str], ColumnState] = {}
        self.traps_seen: set[str] = set()
        if profile is None and target is None and distributed:
            return
        if profile is None:
            profile, home_url = target_profile(target or "", slug)
        self.profile = profile
        self.profiles[profile.slug] = profile
        if home_url is not None:
            self.home_urls[profile.slug] = home_url
        self.target_label = target or profile.slug

    # -- entry -------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        assert self.profile is not None
        yield self.crawl_target(self.profile.slug)
        for record in self.site_start(self.profile.slug):
            yield record

    def site_start(self, slug: str) -> Iterator[Any]:
        """The first records and requests of a crawl of ``slug``: its home page, or its columns."""
        profile = self.site_profile(slug)
        home = self.home_urls.get(slug)
        yield from self._pending_details(slug)
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

    def _pending_details(self, slug: str) -> Iterator[Request]:
        """Detail pages earlier runs listed but never fetched (an interrupted run): fetched first,
        whatever this run's mode, so that any run completes the archive."""
        for url, known in sorted(self.known_items.load(slug).items.items()):
            if known.fetch_status == "pending" and self.walk.claim_detail(slug, url):
                yield Request(
                    url,
                    callback=self.parse_detail,
                    errback=self.detail_failed,
                    meta={"handle_httpstatus_all": True, "site": slug},
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
            yield self._fail(
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
            yield self._fail(profile.slug, f"found no column links on the home page {response.url}")
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
        if not self.mode.walks_listings:
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
        fallback = state.adapter.fallback_url(response) if state.adapter is not None else None
        if fallback is not None:
            # the adapter knows another name of this list page: try it once, with the walk's meta
            meta = {key: response.meta[key] for key in ROUTING_META if key in response.meta}
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
        state.walk_note = page.walk_note or state.walk_note
        added = self.walk.add_seen(state.site, state.spec.url, [entry.url for entry in page.entries])
        new = [page.entries[index] for index, _ in added]
        for (_, position), entry in zip(added, new, strict=True):
            yield from self._listed(state, entry.url, entry.title, entry.date_raw, position, response.url)
        self.crawler.stats.inc_value("zwgk/list_pages")
        if self._reached_known(state, new):
            yield self._finish(
                state, "ok", f"incremental: stopped at known items on page {page_index}", stopped_early=True
            )
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
            if self.mode.checks_delisted:
                yield from self._check_delisted(state)

    def _reached_known(self, state: ColumnState, new: list[Any]) -> bool:
        known = self.known_items.load(state.site).column_items.get(state.spec.url, set())
        return self.mode.stops_at_known([entry.url for entry in new], known)

    def _check_delisted(self, state: ColumnState) -> Iterator[Request]:
        """After a complete walk, fetch each known item the listing no longer shows: gone or moved?"""
        known = self.known_items.load(state.site).column_items.get(state.spec.url, set())
        for url in sorted(known - self.walk.seen(state.site, state.spec.url)):
            yield Request(
                url,
                callback=self.parse_delisted,
                errback=self.detail_failed,
                meta={"handle_httpstatus_all": True, "column_url": state.spec.url, "site": state.site},
                dont_filter=True,
                priority=-1,
            )

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
        headers = self.mode.detail_headers(url, self.known_items.load(state.site), self.clock.now().date())
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

    def _finish(self, state: ColumnState, status: str, note: str, stopped_early: bool = False) -> ColumnWalk:
        pages, found, declared_total, declared_pages = self.walk.totals(state.site, state.spec.url)
        facts = WalkFacts(pages, found, declared_total, declared_pages, state.walk_note, stopped_early)
        status, note = judge(status, note, facts)
        self.crawler.stats.inc_value(f"zwgk/columns_{status}")
        if status == "ok" and self.mode.records_column_size:
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

    # -- failures ----------------------------------------------------------------------------

    def home_failed(self, failure: Failure) -> Iterator[SiteFailed]:
        request = failed_request(failure)
        yield self._fail(
            self._site_of(request.meta).slug, f"cannot reach {request.url}: {failure.getErrorMessage()}"
        )

    def list_failed(self, failure: Failure) -> Iterator[ColumnWalk]:
        request = failed_request(failure)
        state = self._column_state(request.meta)
        if state is None:
            logger.warning("discovery could not fetch %s: %s", request.url, failure.getErrorMessage())
            return
        status, note = failure_status(failure)
        yield self._finish(state, "capped" if status == "capped" else "error", f"{request.url}: {note}")
