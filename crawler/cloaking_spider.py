"""The cloaking probes' requests (快照劫持): each planned page fetched once per probe of
``inspection/cloaking.yaml`` (a browser, search-engine crawlers, a browser arriving from a search
results page), every answer archived in the WARC as it comes, within the run's request budget.

An in-site redirect is followed (up to the rules' hops); an off-site one is never fetched: the
answer that sends the visitor away is the version. The comparison is ``inspection.cloaking``'s and
the keeping ``crawler.cloaking_run``'s; this spider opens no database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.linkcheck_spider import error_name
from crawler.spiders.sites import header_pairs
from inspection.cloaking import Probe
from inspection.linkcheck import RequestBudget
from storage.warc import WarcLocation, WarcWriter, reason_phrase


@dataclass(frozen=True)
class Answer:
    """One probe's answer for one page: the last hop's status, URL and body (``final_url`` is the
    off-site target when it redirected off-site), and where the WARC holds it."""

    page: str
    role: str
    url: str
    final_url: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: datetime
    location: WarcLocation


class CloakingSpider(Spider):
    """Fetches every page of ``pages`` once per probe, a page only when all its probes fit the budget."""

    name = "cloaking"

    def __init__(
        self,
        pages: Sequence[str],
        probes: Sequence[Probe],
        site_hosts: Iterable[str],
        budget: int,
        max_redirects: int,
        writer: WarcWriter,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pages = list(pages)
        self.probes = list(probes)
        self.site_hosts = {h.lower() for h in site_hosts}
        self.budget = RequestBudget(budget)
        self.max_redirects = max_redirects
        self.writer = writer
        self.answers: dict[str, dict[str, Answer]] = {}
        # every answer archived, redirect hops included: (answer, its page kind)
        self.archived: list[Answer] = []
        self.deferred: list[str] = []  # pages the budget did not reach
        self.errors: list[dict[str, str]] = []  # probes that got no answer
        self._first: dict[tuple[str, str], datetime] = {}  # (url, digest) → its full record's time

    async def start(self) -> AsyncIterator[Request]:
        for page in self.pages:
            if self.budget.remaining < len(self.probes):
                self.deferred.append(page)
                continue
            for probe in self.probes:
                self.budget.spend()
                yield self._request(page, probe, page, 0)

    def _request(self, page: str, probe: Probe, url: str, hops: int) -> Request:
        headers = {"User-Agent": probe.user_agent}
        if probe.referer:
            headers["Referer"] = probe.referer
        meta = {
            "page": page,
            "probe": probe,
            "hops": hops,
            "dont_redirect": True,
            "handle_httpstatus_all": True,
        }
        return Request(url, self.answered, headers=headers, meta=meta, errback=self.failed, dont_filter=True)

    def answered(self, response: Response) -> list[Request]:
        meta = response.meta
        page, probe, hops = meta["page"], meta["probe"], meta["hops"]
        location = response.headers.get("Location")
        target = response.urljoin(location.decode("latin-1")) if location else None
        answer = self._archive(response, page, probe.role, target)
        in_site = target is not None and (urlsplit(target).hostname or "").lower() in self.site_hosts
        if 300 <= response.status < 400 and in_site and hops < self.max_redirects and self.budget.spend():
            assert target is not None
            return [self._request(page, probe, target, hops + 1)]
        self.answers.setdefault(page, {})[probe.role] = answer
        return []

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy on errbacks
        meta = request.meta
        self.errors.append(
            {
                "page": meta["page"],
                "role": meta["probe"].role,
                "url": request.url,
                "error": error_name(failure),
            }
        )

    def _archive(self, response: Response, page: str, role: str, target: str | None) -> Answer:
        """Write the exchange to the WARC (a revisit when this run already holds the same payload
        of the same URL) and return it as an answer."""
        now = datetime.now(UTC)
        digest = WarcWriter.payload_digest(response.body)
        first = self._first.get((response.url, digest)) if response.status == 200 else None
        location = self.writer.write_exchange(
            response.url,
            now,
            response.status,
            reason_phrase(response.status),
            header_pairs(response.headers),
            response.body,
            header_pairs(response.request.headers) if response.request is not None else [],
            revisit_of=(response.url, first) if first is not None else None,
        )
        if first is None and response.status == 200:
            self._first[(response.url, digest)] = now
        content_type = response.headers.get("Content-Type")
        answer = Answer(
            page,
            role,
            response.url,
            target if target is not None and 300 <= response.status < 400 else response.url,
            response.status,
            content_type.decode("latin-1") if content_type else None,
            response.body,
            now,
            location,
        )
        self.archived.append(answer)
        return answer
