"""The hijack scan on real government pages: standard boilerplate (hidden 找错 links, hidden vendor
credits, links to other governments' hosts, government words in their place) raises nothing; the
same pages with spam injected still raise exactly the findings they should, at veto severity on
strong evidence and at warning on weak evidence."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import replica
from crawler.extract.html import parse_page
from crawler.extract.integrity import scan_page
from replica.routes import Router

logger = logging.getLogger(__name__)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real-boilerplate"
ZJDPC = (
    FIXTURES / "zjdpc_detail_hidden_jiucuo_and_hanweb_credit.html",
    "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
    "浙江省发展和改革委员会",
    {"www.zjdpc.gov.cn", "fgw.zj.gov.cn"},
)
SHANXI = (
    FIXTURES / "shanxi_detail_footer_gov_hk_gov_mo.html",
    "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml",
    "山西省人民政府门户网站",
    {"www.shanxi.gov.cn"},
)
REAL_PAGES = [pytest.param(*case, id=case[0].stem) for case in (ZJDPC, SHANXI)]
HIDDEN_GAMBLING_LINK = (
    '<div style="display:none"><a href="http://www.kaiyun-bet.example/">开云体育官网入口</a>'
    '<a href="http://www.365-casino.example/">bet365 百家乐</a></div>'
)


def _html(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _inject(html: str, fragment: str) -> str:
    at = html.lower().index("<body")
    at = html.index(">", at) + 1
    return html[:at] + fragment + html[at:]


def test_the_fixtures_carry_the_boilerplate_they_are_kept_for():
    zjdpc = parse_page(_html(ZJDPC[0]))
    hidden = {
        a.get("href") for a in zjdpc.iter("a") if "display:none" in (a.get("style") or "").replace(" ", "")
    }
    assert any(h.startswith("http://121.43.68.40/exposure/jiucuo.html") for h in hidden)
    assert "http://www.hanweb.com" in hidden
    shanxi = parse_page(_html(SHANXI[0]))
    labels = {(a.text or "").strip(): a.get("href") for a in shanxi.iter("a")}
    assert labels["澳门"].startswith("http://portal.gov.mo/")
    assert labels["香港"] == "http://www.gov.hk/sc/residents/"
    assert any(s.get("id") == "_jiucuo_" for s in shanxi.iter("script"))


@pytest.mark.parametrize(("path", "url", "name", "hosts"), REAL_PAGES)
def test_real_boilerplate_raises_no_finding(path, url, name, hosts):
    assert scan_page(_html(path), url, name, hosts) == []


@pytest.mark.parametrize(("path", "url", "name", "hosts"), REAL_PAGES)
def test_a_hidden_gambling_link_injected_into_the_same_page_is_caught(path, url, name, hosts):
    signals = {s.kind: s for s in scan_page(_inject(_html(path), HIDDEN_GAMBLING_LINK), url, name, hosts)}
    assert set(signals) == {"hidden_link", "spam"}
    hidden = signals["hidden_link"]
    assert hidden.severity == "veto"
    assert {m["host"] for m in hidden.evidence["matches"]} == {
        "www.kaiyun-bet.example",
        "www.365-casino.example",
    }
    assert hidden.evidence["severity_reason"].startswith("strong evidence:")
    assert "开云体育" in hidden.evidence["severity_reason"] and "bet365" in hidden.evidence["severity_reason"]
    assert signals["spam"].severity == "veto"


@pytest.mark.parametrize(("path", "url", "name", "hosts"), REAL_PAGES)
def test_a_hijacked_title_and_a_cloaking_script_injected_are_caught(path, url, name, hosts):
    html = _html(path)
    title_at = html.index("<title>") + len("<title>")
    html = html[:title_at] + "澳门葡京★✿" + html[title_at:]
    html = _inject(
        html,
        '<script>var r=document.referrer;if(r.indexOf("baidu")>-1||r.indexOf("sogou")>-1)'
        '{window.location.href="http://www.kaiyun-bet.example/";}</script>',
    )
    signals = {s.kind: s for s in scan_page(html, url, name, hosts)}
    assert set(signals) == {"hijacked", "cloaking"}
    assert signals["hijacked"].severity == "veto"
    assert signals["hijacked"].evidence["matches"][0]["terms"] == ["葡京"]
    assert signals["cloaking"].severity == "veto"
    assert signals["cloaking"].evidence["matches"][0]["targets"] == ["www.kaiyun-bet.example"]


@pytest.mark.parametrize("spec", ["tiny", "qingshi"])
def test_the_replica_hijacks_are_caught_exactly_and_on_strong_evidence(spec):
    site = replica.build_site(replica.load_spec(spec))
    router = Router(site)
    flagged = {}
    for path in replica.truth(site)["special"]["hijacked"]:
        reply = router.get(path)
        html = reply.body.decode("gbk" if "GBK" in reply.content_type else "utf-8")
        flagged[path] = scan_page(html, "http://127.0.0.1:8418" + path, site.name, {"127.0.0.1"})
    assert flagged
    for signals in flagged.values():
        assert {s.kind for s in signals} == {"hijacked", "hidden_link", "spam", "cloaking"}
        assert {s.severity for s in signals} == {"veto"}
        assert all(s.evidence["severity_reason"].startswith("strong evidence:") for s in signals)


def _page(body: str, title: str = "通知公告_青石县人民政府") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


URL = "http://www.qingshi.gov.cn/a.html"
HOSTS = {"www.qingshi.gov.cn"}


@pytest.mark.parametrize(
    "body",
    [
        # government words in their place, linked to government hosts, hidden or not
        '<a href="https://www.gov.mo/zh-hant/">澳门</a><a href="https://www.gov.hk/">香港</a>',
        '<ul style="display:none"><li><a href="http://www.sport.gov.cn/">国家体育总局</a></li>'
        '<li><a href="http://www.cwl.gov.cn/">中国福利彩票</a></li></ul>',
        '<a href="http://www.lottery.gov.cn/">中国体育彩票</a>',
        # a hidden dropdown of media links, share buttons, a hidden statistics icon
        '<ul class="dropdown-menu" style="display: none;"><li><a href="http://www.qianlong.com/">千龙网</a></li>'
        '<li><a href="http://www.ynet.com/">北青网</a></li></ul>',
        '<div style="display:none"><a href="https://www.cnzz.com/stat/website.php?web_id=1">站长统计</a></div>',
        # the 找错 widget's own code reads document.referrer, for no search engine
        "<script>function getCurrUrl(){var url='';if(parent!==window){try{url=window.top.location.href;}"
        "catch(e){url=window.top.document.referrer;}}return url;}function Link(c){window.open("
        "'https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code='+c+'&url='+encodeURIComponent(getCurrUrl()));}"
        "</script>",
        # enforcement news names gambling in its title and text
        "<p>县公安局严厉打击网络博彩、六合彩等违法犯罪活动</p>",
    ],
)
def test_government_shapes_raise_nothing(body):
    assert scan_page(_page(body), URL, "青石县人民政府", HOSTS) == []


def test_enforcement_news_titles_and_ordinary_words_are_not_hijacks():
    for title in (
        "我县开展打击网络博彩专项整治行动_青石县人民政府",
        "拨开云雾见月明_青石县人民政府",
        "第七届中国—亚欧博览会开幕",
    ):
        assert scan_page(_page("<p>正文</p>", title), URL, "青石县人民政府", HOSTS) == []


def test_weak_evidence_gives_a_warning_that_says_so():
    hidden_weak = '<div style="display:none"><a href="http://x.example/">体育 彩票 app下载</a></div>'
    signals = {s.kind: s for s in scan_page(_page(hidden_weak), URL, "青石县人民政府", HOSTS)}
    assert set(signals) == {"hidden_link", "spam"}
    assert {s.severity for s in signals.values()} == {"warning"}
    assert signals["hidden_link"].evidence["severity_reason"].startswith("weak evidence only:")
    (noise,) = scan_page(_page("<p>正文</p>", "★★★重点工作★★★"), URL, "青石县人民政府", HOSTS)
    assert noise.kind == "hijacked" and noise.severity == "warning"
    (script,) = scan_page(
        _page('<script>if(document.referrer.indexOf("baidu")>0){location.href=u;}</script>'),
        URL,
        "青石县人民政府",
        HOSTS,
    )
    assert script.kind == "cloaking" and script.severity == "warning"
