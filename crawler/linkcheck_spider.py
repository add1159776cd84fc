"""The link check's requests (链接可用性): a spider that asks each planned target with HEAD, falls
back to GET where the rules say so, follows redirects within scope, and confirms a dead answer with
a second try after a delay, all within the run's request budget and each host's pace.

The plan and every decision are ``inspection.linkcheck`` / ``inspection.linkverdict``'s; this
spider only sends the requests and hands the verdicts back (``verdicts``, ``unfinished``). It
opens no database: ``crawler.linkcheck_run`` reads the plan from the archive and keeps the results.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, error, reactor
from twisted.internet.task import deferLater
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from inspection.linkcheck import CheckPlan, PlannedCheck, RequestBudget
from inspection.linkverdict import (
    Attempt,
    LinkVerdict,
    follow_redirect,
    needs_another_try,
    needs_get,
    verdict_of,
)

# Twisted's failures, named as the rules (linkcheck.yaml, verdict.dead_errors) name them.
_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (error.DNSLookupError, "dns"),
    (error.ConnectionRefusedError, "refused"),
    (error.TimeoutError, "timeout"),
    (error.TCPTimedOutError, "timeout"),
    (defer.TimeoutError, "timeout"),
    (error.ConnectionLost, "reset"),
    (error.ConnectionDone, "empty_reply"),
    (ResponseNeverReceived, "empty_reply"),
    (ResponseFailed, "reset"),
    (error.SSLError, "tls"),
    # refused by robots.txt (when the profile obeys it): says nothing of the target
    (IgnoreRequest, "not_asked"),
)


def error_name(failure: Failure) -> str:
    """The rules' name of a failed request (``protocol`` for anything else)."""
    for kind, name in _ERRORS:
        if failure.check(kind):
            return name
    return "protocol"


class LinkCheckSpider(Spider):
    """Checks the targets of one :class:`CheckPlan` for one site."""

    name = "linkcheck"

    def __init__(
        self,
        plan: CheckPlan,
        site_hosts: Iterable[str],
        confirm_delay: float,
        rules: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        self.site_hosts = tuple(site_hosts)
        self.confirm_delay = confirm_delay
        self.rules = rules
        self.budget = RequestBudget(plan.max_requests)
        self.tries: dict[str, list[Attempt]] = {}
        self.verdicts: dict[str, LinkVerdict] = {}
        # targets the budget ran out on, with the tries they had
        self.unfinished: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> LinkCheckSpider:
        spider: LinkCheckSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        return spider

    def headers_received(self, **_: Any) -> None:
        """The status and headers say all a check needs: a GET stops before the body."""
        raise StopDownload(fail=False)

    async def start(self) -> AsyncIterator[Request]:
        for check in self.plan.checks:
            request = self._request(check, check.url, "HEAD", 0)
            if request is None:
                self.unfinished.append(check.url)
                continue
            yield request

    def _request(self, check: PlannedCheck, url: str, method: str, hops: int) -> Request | None:
        """A request of the check, or None when the budget is spent."""
        if not self.budget.spend():
            return None
        meta = {"check": check, "method": method, "hops": hops, "handle_httpstatus_all": True}
        return Request(url, self.answered, method=method, meta=meta, errback=self.failed, dont_filter=True)

    async def answered(self, response: Response) -> list[Request]:
        meta = response.meta
        check, method, hops = meta["check"], meta["method"], meta["hops"]
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = location.decode("latin-1")
            follow, reason = follow_redirect(
                check.scope, target, response.url, self.site_hosts, hops, self.rules
            )
            if follow:
                request = self._request(check, response.urljoin(target), method, hops + 1)
                return self._or_unfinished(check, request)
            out = "redirect_out_of_scope" if "more than" not in reason else "too_many_redirects"
            return await self._tried(check, Attempt(method, None, out))
        return await self._tried(check, Attempt(method, response.status))

    async def failed(self, failure: Failure) -> list[Request]:
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy on errbacks
        meta = request.meta
        return await self._tried(meta["check"], Attempt(meta["method"], None, error_name(failure)))

    async def _tried(self, check: PlannedCheck, attempt: Attempt) -> list[Request]:
        """One answer: ask again with GET, try again later to confirm, or settle the verdict."""
        if needs_get(attempt, self.rules):
            return self._or_unfinished(check, self._request(check, check.url, "GET", 0))
        tries = self.tries.setdefault(check.url, [])
        tries.append(attempt)
        if needs_another_try(tries, self.rules):
            if self.confirm_delay > 0:
                await maybe_deferred_to_future(deferLater(reactor, self.confirm_delay, lambda: None))
            return self._or_unfinished(check, self._request(check, check.url, "HEAD", 0))
        self.verdicts[check.url] = verdict_of(tries, self.rules)
        return []

    def _or_unfinished(self, check: PlannedCheck, request: Request | None) -> list[Request]:
        if request is None:
            self.unfinished.append(check.url)
            tries = self.tries.get(check.url)
            if tries:
                self.verdicts[check.url] = verdict_of(tries, self.rules)
            return []
        return [request]
