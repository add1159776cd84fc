"""The link check's requests, driven with made-up answers: HEAD then GET where the rules say, a dead
answer confirmed by a second try, redirects kept in scope, the budget obeyed."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.internet import error
from twisted.python.failure import Failure

from crawler.linkcheck_spider import LinkCheckSpider, error_name
from inspection.linkcheck import CheckPlan, PlannedCheck
from inspection.linkverdict import Attempt, judge

SITE = "www.qingshi.gov.cn"
URL = f"http://{SITE}/zwgk/a.html"


def _spider(budget: int = 10) -> LinkCheckSpider:
    check = PlannedCheck(URL, SITE, "site", "page", ("http://www.qingshi.gov.cn/",), "full run")
    plan = CheckPlan((check,), (), (), budget, 0)
    return LinkCheckSpider(plan, [SITE], confirm_delay=0)


def _first(spider: LinkCheckSpider) -> Request:
    async def collect() -> list[Request]:
        return [r async for r in spider.start()]

    [request] = asyncio.run(collect())
    return request


def _answer(spider: LinkCheckSpider, request: Request, status: int, **headers: str) -> list[Request]:
    response = Response(request.url, status=status, headers=headers, request=request)
    return asyncio.run(spider.answered(response))


def test_a_dead_page_is_tried_twice_then_confirmed():
    spider = _spider()
    first = _first(spider)
    assert first.method == "HEAD"
    [second] = _answer(spider, first, 404)
    assert second.method == "HEAD" and URL not in spider.verdicts
    assert _answer(spider, second, 404) == []
    assert spider.verdicts[URL].is_dead and spider.budget.spent == 2


def test_a_head_refused_is_asked_again_with_get():
    spider = _spider()
    [get] = _answer(spider, _first(spider), 405)
    assert get.method == "GET"
    assert _answer(spider, get, 200) == []
    assert spider.verdicts[URL].verdict == "alive"


def test_a_redirect_off_scope_is_not_followed():
    spider = _spider()
    assert _answer(spider, _first(spider), 302, Location="http://casino.example/") == []
    assert spider.verdicts[URL].verdict == "redirect_out_of_scope"


def test_a_redirect_within_the_site_is_followed():
    spider = _spider()
    [hop] = _answer(spider, _first(spider), 301, Location="/zwgk/b.html")
    assert hop.url == f"http://{SITE}/zwgk/b.html" and hop.meta["hops"] == 1


def test_the_budget_stops_the_confirmation_and_says_so():
    spider = _spider(budget=1)
    assert _answer(spider, _first(spider), 404) == []
    assert spider.unfinished == [URL]
    assert not spider.verdicts[URL].is_dead  # one dead try is not a confirmed dead link


def test_errors_are_named_as_the_rules_name_them():
    assert error_name(Failure(error.DNSLookupError())) == "dns"
    assert error_name(Failure(error.ConnectionRefusedError())) == "refused"
    assert error_name(Failure(ValueError())) == "protocol"


def test_a_request_refused_by_robots_txt_is_no_dead_link():
    assert (
        judge(Attempt("HEAD", None, error_name(Failure(IgnoreRequest("Forbidden by robots.txt")))))
        == "unknown"
    )
