"""Link targets classified: in-site / other government / outside, and page / attachment / image /
resource; on hand-made cases, generated hosts and a real page."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.html import parse_page
from inspection.links import (
    classify_link,
    host_matches,
    host_scope,
    is_government_host,
    link_kind,
    page_links,
)

BASE = "http://www.qingshi.gov.cn/zwgk/index.html"
SITE = {"www.qingshi.gov.cn"}


@pytest.mark.parametrize(
    ("href", "scope"),
    [
        ("/zwgk/a.html", "site"),
        ("a.html", "site"),
        ("http://WWW.QINGSHI.GOV.CN:80/x", "site"),
        ("http://www.gov.cn/", "government"),
        ("https://www.gov.mo/zh-hant/", "government"),
        ("http://portal.gov.mo/web/guest", "government"),
        ("https://www.gov.hk/sc/residents/", "government"),
        ("http://www.shanxi.gov.cn/", "government"),
        ("http://bszs.conac.cn/sitename?method=show", "government"),
        ("http://www.12377.cn/", "government"),
        ("http://www.政府.政务/", "government"),
        ("http://fakegov.mo/", "outside"),
        ("http://gov.mo.evil.example/", "outside"),
        ("http://www.evilgov.cn/", "outside"),
        ("http://pucha.kaipuyun.cn/exposure/jiucuo.html", "outside"),
        ("//cdn.example.com/x.js", "outside"),
    ],
)
def test_scope(href, scope):
    target = classify_link(href, BASE, SITE)
    assert target is not None and target.scope == scope


@pytest.mark.parametrize(
    ("href", "tag", "kind"),
    [
        ("/u/2019/a.pdf", "a", "attachment"),
        ("/u/b.DOCX", "a", "attachment"),
        ("/u/c.xls", "a", "attachment"),
        ("/u/d.wps", "a", "attachment"),
        ("/u/e.et", "a", "attachment"),
        ("/u/f.ofd", "a", "attachment"),
        ("/u/g.rar", "a", "attachment"),
        ("/module/download/downfile.jsp?filename=%E9%99%84%E4%BB%B6.xlsx&classid=0", "a", "attachment"),
        ("/p/h.JPG", "a", "image"),
        ("/p/banner", "img", "image"),
        ("/js/jquery.js", "script", "resource"),
        ("/css/a.css", "link", "resource"),
        ("/col/col1/index.html", "a", "page"),
        ("/col/col1/", "iframe", "page"),
        ("/art/2019/3/1/art_1_2.html?pdf=1", "a", "page"),
    ],
)
def test_kind(href, tag, kind):
    target = classify_link(href, BASE, SITE, tag)
    assert target is not None and target.kind == kind
    assert link_kind(target.url, tag) == kind


@pytest.mark.parametrize(
    "href",
    [
        "",
        "   ",
        "#top",
        "javascript:void(0)",
        "JavaScript:;",
        "mailto:a@b.cn",
        "tel:12345",
        "data:image/png;base64,xx",
        "http://[::1",
    ],
)
def test_not_a_target(href):
    assert classify_link(href, BASE, SITE) is None


_LABEL = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)


@given(st.lists(_LABEL, min_size=1, max_size=3), st.sampled_from(["gov.cn", "gov.mo", "gov.hk"]))
def test_every_host_under_a_government_suffix_is_government(labels, suffix):
    host = ".".join([*labels, suffix])
    assert is_government_host(host)
    assert host_scope(host, SITE) == "government"
    # the same labels glued to the suffix without a dot are someone else's domain
    assert not is_government_host(labels[-1] + suffix.replace(".", "") + ".example")
    assert not host_matches("x" + suffix, [suffix])


def test_a_single_host_given_as_a_string_is_one_host():
    assert host_scope("w", "www.qingshi.gov.cn") == "outside"
    assert host_scope("www.qingshi.gov.cn", "www.qingshi.gov.cn") == "site"


def test_the_links_of_a_real_page(real_page):
    targets = list(page_links(real_page.root, real_page.url, {real_page.host}))
    assert targets, f"{real_page.path.name}: no links found"
    assert all(t.scope in ("site", "government", "outside") for t in targets)
    assert all(t.kind in ("page", "attachment", "image", "resource") for t in targets)


def test_the_shanxi_footer_is_classified_as_an_inspector_would(fixture_text):
    root = parse_page(fixture_text("real-boilerplate/shanxi_detail_footer_gov_hk_gov_mo.html"))
    url = "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml"
    targets = list(page_links(root, url, {"www.shanxi.gov.cn"}))
    by_url = {t.url: t for t in targets}
    assert by_url["http://www.gov.hk/sc/residents/"].scope == "government"
    assert by_url["http://pucha.kaipuyun.cn/exposure/jiucuo.js"].kind == "resource"
    assert by_url["http://pucha.kaipuyun.cn/exposure/jiucuo.js"].scope == "outside"
    counts = Counter((t.scope, t.kind) for t in targets)
    assert counts[("government", "page")] >= 30  # the footer's list of provincial portals
    assert counts[("site", "image")] > 0
