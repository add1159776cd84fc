"""Hijack and tampering detection (scan_page): planted faults of the replica, and ordinary pages."""

from __future__ import annotations

import logging

import pytest

import replica
from crawler.extract.integrity import scan_page
from replica.routes import Router

logger = logging.getLogger(__name__)

HOSTS = {"127.0.0.1", "www.qingshi.gov.cn"}
BASE = "http://127.0.0.1:8418"


@pytest.mark.parametrize("spec", ["tiny", "qingshi"])
def test_exactly_the_hijacked_replica_pages_are_flagged(spec):
    site = replica.build_site(replica.load_spec(spec))
    truth = replica.truth(site)
    router = Router(site)
    flagged = {}
    for path in router.paths():
        reply = router.get(path)
        if reply.status != 200 or not reply.content_type.startswith("text/html"):
            continue
        html = reply.body.decode("gbk" if "GBK" in reply.content_type else "utf-8")
        signals = scan_page(html, BASE + path, site.name, HOSTS)
        if signals:
            flagged[path] = {s.kind for s in signals}
    assert sorted(flagged) == sorted(truth["special"]["hijacked"])
    assert all(kinds == {"hijacked", "hidden_link", "spam", "cloaking"} for kinds in flagged.values())


def _page(title: str, body: str, site_name: str = "青石县人民政府") -> str:
    return (
        f'<html><head><title>{title}</title><meta name="SiteName" content="{site_name}"></head>'
        f"<body>{body}</body></html>"
    )


def test_lottery_words_in_a_welfare_column_are_not_a_finding():
    html = _page(
        "2018年福利彩票公益金使用情况_青石县人民政府",
        "<p>县民政局公布2018年福彩体彩彩票公益金分配和使用情况。</p>"
        '<a href="/shgy/fcti/">福彩体彩</a><a href="http://www.cwl.gov.cn/">中国福利彩票</a>',
    )
    assert scan_page(html, "http://www.qingshi.gov.cn/a.html", "青石县人民政府", HOSTS) == []


@pytest.mark.parametrize(
    ("body", "kinds"),
    [
        (
            '<div style="position:absolute; top:-9999px"><a href="http://bet.example/">澳门葡京</a></div>',
            {"hidden_link", "spam"},
        ),
        # a hidden link is evidence only with something to sell (issue 13: hidden menus, share
        # buttons and media dropdowns point at outside hosts on every real portal)
        ('<p><span style="font-size:0"><a href="http://x.example/">x</a></span></p>', set()),
        (
            '<p><span style="font-size:0"><a href="http://x.example/">代开发票</a></span></p>',
            {"hidden_link", "spam"},
        ),
        (
            '<marquee height="1" width="1"><a href="http://y.example/">九游</a></marquee>',
            {"hidden_link", "spam"},
        ),
        ('<div style="visibility: hidden">百家乐 下注</div>', {"spam"}),
        ('<div style="display:none"><a href="/local.html">本站链接</a></div>', set()),
        (
            '<script>if(document.referrer.indexOf("baidu")>0){window.location.href="http://z.example"}</script>',
            {"cloaking"},
        ),
    ],
)
def test_hidden_links_spam_and_cloaking(body, kinds):
    signals = scan_page(
        _page("通知公告_青石县人民政府", body), "http://www.qingshi.gov.cn/a.html", "青石县人民政府", HOSTS
    )
    assert {s.kind for s in signals} == kinds


def test_hijacked_title_and_site_name():
    html = _page(
        "开云手机官网入口·(中国)官方网站", "<p>正文</p>", site_name="开云手机官网入口·(中国)官方网站"
    )
    (signal,) = scan_page(html, "http://www.qingshi.gov.cn/a.html", "青石县人民政府", HOSTS)
    assert signal.kind == "hijacked" and signal.severity == "veto"
    assert {m["field"] for m in signal.evidence["matches"]} == {"title", "SiteName"}
    assert scan_page("", "http://x/", None, set()) == []
