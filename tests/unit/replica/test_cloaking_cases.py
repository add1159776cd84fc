"""The cloaking cases on the replica: pages served by who asks, read from the HTML as served (a
browser's copy, a crawler's copy, a search visitor's answer), only where a spec plants them."""

from __future__ import annotations

import re

import pytest

import replica
from inspection.cloaking import load_cloaking_rules
from replica.cloaking_cases import expected, new_script_host
from replica.routes import Router

BROWSER = load_cloaking_rules().browser.user_agent
BAIDUSPIDER = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
FROM_BAIDU = "https://www.baidu.com/link?url=abc"


@pytest.fixture(scope="module")
def site():
    return replica.build_site(replica.load_spec("inspection"))


def _title(body: bytes) -> str:
    found = re.search(r"<title>(.*?)</title>", body.decode("utf-8"))
    assert found is not None
    return found.group(1)


def test_the_home_page_shows_crawlers_a_gambling_title_and_hidden_links(site):
    router = Router(site)
    browser = router.get("/", headers={"User-Agent": BROWSER}).body
    spider = router.get("/", headers={"User-Agent": BAIDUSPIDER}).body
    assert _title(browser) == "青石县人民政府"
    assert _title(spider).startswith("开云手机官网入口") and _title(spider).endswith("青石县人民政府")
    assert b"www.kaiyun-bet.example" in spider and b"www.kaiyun-bet.example" not in browser
    # a visitor from a search engine sees the home page as a browser does
    assert router.get("/", headers={"User-Agent": BROWSER, "Referer": FROM_BAIDU}).body == browser


def test_the_column_page_sends_search_visitors_off_site(site):
    router = Router(site)
    column = site.columns["政府文件"].url
    visitor = router.get(column, headers={"User-Agent": BROWSER, "Referer": FROM_BAIDU})
    assert visitor.status == 302 and visitor.header("Location").startswith("http://www.kaiyun-bet.example/")
    for headers in ({"User-Agent": BROWSER}, {"User-Agent": BAIDUSPIDER}, {"Referer": "http://127.0.0.1/"}):
        assert router.get(column, headers=headers).status == 200
    assert expected(site, "http://h:1/") == {("crawler", "http://h:1/"), ("referer", "http://h:1" + column)}


def test_a_script_host_appears_on_the_next_day_only(site):
    state, host = new_script_host(site)
    later = replica.build_site(site.spec, state)
    assert host.encode() not in Router(site).get("/").body
    assert host.encode() in Router(later).get("/").body
    assert b"hm.baidu.com" in Router(site).get("/").body  # the common one, on every day


def test_specs_without_the_block_serve_everyone_alike():
    tiny = replica.build_site(replica.load_spec("tiny"))
    router = Router(tiny)
    assert router.get("/", headers={"User-Agent": BAIDUSPIDER}).body == router.get("/").body
    assert expected(tiny, "http://h:1/") == set() and new_script_host(tiny) is None
