"""Downloader middlewares that keep a crawl inside its portal and bounded on a broken or hostile web.

- :class:`ScopeMiddleware` refuses any request (a redirect included) to a host outside the profile's
  ``allowed_hosts``, to a scheme other than http(s), to a URL longer than ``URLLENGTH_LIMIT`` (a
  trap's ever-growing query string; Scrapy's own spider middleware for it is off, see settings), or
  to a private, loopback, link-local or reserved IP literal other than the portal's own host. Host names are *not* resolved: a name that
  DNS points at 10.0.0.1 passes (see docs/RELIABILITY.md); only literals are checked.
- :class:`FollowRedirectMiddleware` replaces Scrapy's redirect middleware. The spider asks for
  every status (``handle_httpstatus_all``), which makes Scrapy's own middleware hand it the 302
  itself, so a moved page would be read as an empty one. This one follows redirects anyway,
  bounded by ``REDIRECT_MAX_TIMES`` and past the duplicate filter (a cycle A → B → A must reach
  the limit, not vanish silently), and each hop goes back through :class:`ScopeMiddleware`.
- :class:`ListPageCapMiddleware` stops a column's walk after ``ZWGK_MAX_LIST_PAGES`` list pages,
  against listings that link a next page for ever.

Each refusal raises an ``IgnoreRequest`` subclass, so the request's errback records it;
:func:`failure_status` turns any download failure into the status the spider records.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import settings as defaults

SCHEMES = ("http", "https")
# The meta keys by which the spider marks a list-page request (crawler/spiders/portal.py).
COLUMN_META, PAGE_META = "column_url", "page_index"
_STATUS_META = ("handle_httpstatus_all", "handle_httpstatus_list")
# Scrapy's default URLLENGTH_LIMIT: longer URLs are traps (a query string that grows each hop).
URL_LENGTH_LIMIT = 2083


class OutOfScope(IgnoreRequest):
    """A request to a host or address the crawl must not contact."""


class TooManyRedirects(IgnoreRequest):
    """A redirect chain longer than ``REDIRECT_MAX_TIMES``."""


class ListPageCap(IgnoreRequest):
    """A column's list page beyond ``ZWGK_MAX_LIST_PAGES``."""


def normal_host(host: str | None) -> str:
    return (host or "").strip().rstrip(".").lower()


@functools.lru_cache(maxsize=1024)
def is_internal_address(host: str) -> bool:
    """Whether ``host`` is an IP literal in a range a portal on the internet never sends you to."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def scope_refusal(
    url: str, allowed_hosts: set[str], own_hosts: set[str], max_length: int = URL_LENGTH_LIMIT
) -> str | None:
    """Why ``url`` is out of scope, or None when the crawl may fetch it.

    ``own_hosts`` are the portal's own hosts (its base URL's): the only internal addresses allowed.
    """
    if max_length and len(url) > max_length:
        return f"URL longer than {max_length} characters"
    try:
        split = urlsplit(url)
        host = normal_host(split.hostname)
    except ValueError:
        return "unparsable URL"
    if split.scheme.lower() not in SCHEMES:
        return f"scheme {split.scheme or '(none)'} is not http(s)"
    if not host:
        return "no host"
    if is_internal_address(host) and host not in own_hosts:
        return f"internal address {host} is not the portal's own"
    if host not in allowed_hosts:
        return f"host {host} is not among the site's allowed hosts"
    return None


def profile_hosts(profile: Any) -> tuple[set[str], set[str]]:
    """(allowed hosts, the portal's own hosts) of a ``SiteProfile``; the base URL's host is both."""
    own = {normal_host(urlsplit(profile.base_url).hostname)}
    return {normal_host(h) for h in profile.allowed_hosts} | own, own


def listed_url(request: Request) -> str:
    """The URL the spider asked for, before any redirect: the one its records must be keyed by."""
    hops = request.meta.get("redirect_urls") or [request.url]
    return str(hops[0])


class ScopeMiddleware:
    """Refuse requests out of the portal's hosts or into internal addresses (see module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_length = crawler.settings.getint("URLLENGTH_LIMIT", URL_LENGTH_LIMIT)
        self._profile: Any = None
        self._profile_hosts: tuple[set[str], set[str]] = (set(), set())

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        if not crawler.settings.getbool("ZWGK_SCOPE_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        allowed, own = self._hosts()
        reason = scope_refusal(request.url, allowed, own, self.max_length)
        if reason is None:
            return
        self._count("zwgk/out_of_scope")
        hops = request.meta.get("redirect_urls") or []
        via = f" (redirected from {hops[0]})" if hops else ""
        raise OutOfScope(f"out of scope: {reason}: {request.url}{via}")

    def _hosts(self) -> tuple[set[str], set[str]]:
        profile = getattr(self.crawler.spider, "profile", None)
        if profile is None:
            return set(), set()
        if profile is not self._profile:  # computed once per profile, not once per request
            self._profile, self._profile_hosts = profile, profile_hosts(profile)
        return self._profile_hosts

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


class _KeepReferer:
    """A redirect keeps the Referer its first request carried (the spider sets it; Scrapy's
    RefererMiddleware, which would otherwise decide, is off for speed: see crawler/settings.py)."""

    def handle_referer(self, request: Request, response: Response) -> None:
        return None

    def _engine_started(self) -> None:
        # Scrapy's looks for its RefererMiddleware here and warns when it is absent; ours needs none.
        return None


class KeepRefererMetaRefreshMiddleware(_KeepReferer, MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware without its warning about the absent RefererMiddleware."""


class FollowRedirectMiddleware(_KeepReferer, RedirectMiddleware):
    """Scrapy's RedirectMiddleware, following redirects even for requests that want every status."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        # ``spider`` keeps the base class's signature; Scrapy no longer passes it.
        if request.meta.get("dont_redirect") or not 300 <= response.status < 400:
            return response
        kept = {key: request.meta[key] for key in _STATUS_META if key in request.meta}
        if not kept:
            return self._follow(request, response, request)
        probe = request.replace(meta={k: v for k, v in request.meta.items() if k not in kept})
        result = self._follow(probe, response, request)
        if isinstance(result, Request):
            result.meta.update(kept)
            return result
        return response

    def _follow(self, probe: Request, response: Response, original: Request) -> Request | Response:
        try:
            result = super().process_response(probe, response)
        except IgnoreRequest:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("zwgk/redirect_limit")
            chain = " → ".join([*original.meta.get("redirect_urls", []), original.url])
            raise TooManyRedirects(
                f"too many redirects (more than {self.max_redirect_times}): {chain}"
            ) from None
        if isinstance(result, Request):
            # Refused here, the failure carries the request the spider made (the listed URL), not
            # the hop; ScopeMiddleware would refuse it too, one schedule later, under the hop's URL.
            scope = self.crawler.spider and getattr(self.crawler.spider, "profile", None)
            if scope is not None:
                allowed, own = profile_hosts(scope)
                reason = scope_refusal(result.url, allowed, own)
                if reason is not None:
                    if self.crawler.stats is not None:
                        self.crawler.stats.inc_value("zwgk/out_of_scope")
                    raise OutOfScope(f"out of scope: redirect to {result.url}: {reason}")
            # The hop count bounds a cycle; the duplicate filter would drop it without a trace.
            result.dont_filter = True
        return result


class ListPageCapMiddleware:
    """Refuse a column's list page ``ZWGK_MAX_LIST_PAGES`` (0-based index) and beyond."""

    def __init__(self, crawler: Crawler, cap: int) -> None:
        self.crawler = crawler
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListPageCapMiddleware:
        cap = crawler.settings.getint("ZWGK_MAX_LIST_PAGES", defaults.ZWGK_MAX_LIST_PAGES)
        if cap <= 0:
            raise NotConfigured
        return cls(crawler, cap)

    def process_request(self, request: Request) -> None:
        if COLUMN_META not in request.meta or int(request.meta.get(PAGE_META) or 0) < self.cap:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("zwgk/list_page_cap")
        raise ListPageCap(
            f"list page cap: stopped after {self.cap} list pages (ZWGK_MAX_LIST_PAGES); "
            f"the listing goes on at {request.url}"
        )


def failure_status(failure: Failure) -> tuple[str, str]:
    """The status to record for a failed download, and the note saying why.

    Detail fetch_status: out_of_scope, too_large or error (a timeout is an error; the note says so). For a ColumnWalk the spider
    maps list_page_cap to "capped" and everything else to "error", keeping the note.
    """
    exc: Any = failure.value
    note = failure.getErrorMessage()
    if isinstance(exc, OutOfScope):
        return "out_of_scope", note
    if isinstance(exc, ListPageCap):
        return "capped", note
    if isinstance(exc, DownloadCancelledError) and "max size" in note:
        return "too_large", note
    return "error", note or type(exc).__name__
