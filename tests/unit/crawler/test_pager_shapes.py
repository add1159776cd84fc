"""Each pager shape real portals print, in small hand-written pages: what every adapter declares
and which page it asks for next."""

from __future__ import annotations

import logging

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.adapters import ADAPTERS
from crawler.adapters.generic import GenericAdapter
from crawler.adapters.hanweb import HanwebAdapter
from crawler.adapters.paging import CARRY_META
from crawler.adapters.trs import TrsAdapter
from crawler.adapters.ucap import UcapAdapter

logger = logging.getLogger(__name__)

SITE = "http://www.example.gov.cn"
ROWS = "".join(
    f'<li><a href="/xw/2020/show-{n}.html">第{n}条新闻标题</a><span>2020-05-{n:02d}</span></li>'
    for n in range(1, 6)
)
TRS_ROWS = "".join(
    f'<li><a href="./202005/t202005{n:02d}_{n}.html">第{n}条通知</a><span>2020-05-{n:02d}</span></li>'
    for n in range(1, 6)
)


def page(
    body: str, url: str = SITE + "/xw/index.html", meta: dict[str, object] | None = None
) -> HtmlResponse:
    html = f"<html><head><title>列表</title></head><body>{body}</body></html>"
    return HtmlResponse(
        url=url, body=html.encode("utf-8"), encoding="utf-8", request=Request(url, meta=meta or {})
    )


def listing(pager: str, rows: str = ROWS) -> str:
    return f'<div class="list"><ul>{rows}</ul></div><div class="page">{pager}</div>'


def test_xia_yi_ye_and_wei_ye_links() -> None:
    result = GenericAdapter().parse_list(
        page(listing('共50条记录 1/10页 <a href="index_2.html">下一页</a><a href="index_10.html">尾页</a>')),
        0,
    )
    assert (result.declared_pages, result.declared_total) == (10, 50)
    assert result.next_request is not None and result.next_request.url == SITE + "/xw/index_2.html"
    assert (result.paging, result.walk_note) == ("links", None)


def test_onclick_location_href() -> None:
    pager = (
        '<span>共1648条记录 6/66页</span><a href="#" onclick="location.href=\'index_5.jhtml\'">&lt;&lt;</a>'
        '<a class="next" href="#" onclick="location.href=\'index_7.jhtml\'"> &gt;&gt; </a>'
    )
    result = GenericAdapter().parse_list(page(listing(pager), SITE + "/xw/index_6.jhtml"), 0)
    assert (result.declared_pages, result.declared_total) == (66, 1648)
    assert result.next_request is not None and result.next_request.url == SITE + "/xw/index_7.jhtml"
    assert (result.paging, result.walk_note) == ("script", "pager only in script")


def test_javascript_href_with_the_page_in_a_call() -> None:
    pager = (
        "<a href=\"javascript:pageName=2;goPub('../xw/index_958_2.html')\">下一页</a>"
        "<script>var maxPageNum=0; maxPageNum = 12;</script>"
    )
    result = GenericAdapter().parse_list(page(listing(pager)), 0)
    assert result.declared_pages == 12
    assert result.next_request is not None and result.next_request.url == SITE + "/xw/index_958_2.html"
    assert result.paging == "script"


def test_reversed_numbering_from_a_hidden_list_of_page_links() -> None:
    hidden = "".join(f"<a href='index_958_{n}.html'></a>" for n in range(1, 21))
    pager = (
        "<div id='pag_958'><script>function w(){ s += (maxPageNum-ccc+1); }\n"
        "var maxPageNum=0; maxPageNum = 20;</script></div>"
        f"<div style='display:none'>{hidden}</div>"
    )
    first = GenericAdapter().parse_list(page(listing(pager)), 0)
    assert first.declared_pages == 20
    assert first.next_request is not None and first.next_request.url == SITE + "/xw/index_958_19.html"
    assert first.walk_note == "pager only in script"
    # the next page is a bare fragment of items: the template travels with the request
    fragment = page(f"<ul>{ROWS}</ul>", SITE + "/xw/index_958_19.html", first.next_request.meta)
    second = GenericAdapter().parse_list(fragment, 1)
    assert second.next_request is not None and second.next_request.url == SITE + "/xw/index_958_18.html"
    assert second.next_request.meta[CARRY_META]["reversed"] is True


@pytest.mark.parametrize("label", ["{n}", "第{n}页", "第 {n} 页", "{n}/30"])
def test_select_jump_menu(label: str) -> None:
    options = "".join(
        f'<option value="news-list-yw-{n}.html">{label.format(n=n)}</option>' for n in range(1, 31)
    )
    pager = f'<div>共595条记录 1/30页</div><select class="page_zdy">{options}</select>'
    result = GenericAdapter().parse_list(page(listing(pager), SITE + "/news-list-yw.html"), 0)
    assert (result.declared_pages, result.declared_total) == (30, 595)
    assert result.next_request is not None and result.next_request.url == SITE + "/news-list-yw-2.html"
    assert result.paging == "select"


@pytest.mark.parametrize(
    ("script", "pages", "total"),
    [
        ("var pageConf = {recordCount:'368', pageSize: 15};", None, 368),
        ("var countPage = 56; var countnum = 6348;", 56, 6348),
        ("pager({totalRecord: 120, totalPage: 8});", 8, 120),
        ("var maxPageNum=0;\n maxPageNum = 199;", 199, None),
    ],
)
def test_declared_numbers_in_scripts(script: str, pages: int | None, total: int | None) -> None:
    result = GenericAdapter().parse_list(page(listing(f"<script>{script}</script>")), 0)
    assert (result.declared_pages, result.declared_total) == (pages, total)


def test_declared_pages_with_no_way_to_reach_them_are_noted() -> None:
    result = GenericAdapter().parse_list(page(listing("<script>var countPage = 9;</script>")), 0)
    assert result.next_request is None
    assert result.walk_note == "pager only in script"


def test_trs_list_paged_only_by_xia_yi_ye_links_is_walked_on() -> None:
    pager = '<a href="index_1.html">下一页</a><a href="index_41.html">尾页</a>'
    first = TrsAdapter().parse_list(page(listing(pager, TRS_ROWS), SITE + "/zwgk/tzgg/"), 0)
    assert len(first.entries) == 5
    assert first.next_request is not None and first.next_request.url == SITE + "/zwgk/tzgg/index_1.html"
    assert first.paging == "links"
    later = page(listing('<a href="index_3.html">下一页</a>', TRS_ROWS), SITE + "/zwgk/tzgg/index_2.html")
    second = TrsAdapter().parse_list(later, 2)
    assert second.next_request is not None and second.next_request.url == SITE + "/zwgk/tzgg/index_3.html"
    last = page(listing("<span>下一页</span>", TRS_ROWS), SITE + "/zwgk/tzgg/index_41.html")
    assert TrsAdapter().parse_list(last, 41).next_request is None


def test_trs_createpagehtml_is_cms_paging() -> None:
    pager = '<script>createPageHTML(7, 0, "index", "html");</script>'
    result = TrsAdapter().parse_list(page(listing(pager, TRS_ROWS), SITE + "/zwgk/tzgg/"), 0)
    assert (result.declared_pages, result.paging) == (7, "cms")
    assert result.next_request is not None and result.next_request.url == SITE + "/zwgk/tzgg/index_1.html"


def test_ucap_without_createpagehtml_falls_back_to_links() -> None:
    pager = '<a href="list_2.shtml">下一页</a>'
    result = UcapAdapter().parse_list(page(listing(pager), SITE + "/col/list.shtml"), 0)
    assert result.next_request is not None and result.next_request.url == SITE + "/col/list_2.shtml"
    assert result.paging == "links"


def test_hanweb_without_ids_follows_its_nextgroup() -> None:
    body = (
        '<div id="x"><script type="text/xml"><datastore>'
        '<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&amp;enc=AbC9"></a>]]></nextgroup>'
        "<recordset><record><![CDATA[<li><a href='/art/2020/5/1/art_1_1.html'>通知</a><span>2020-05-01</span>"
        "</li>]]></record></recordset></datastore></script></div>"
    )
    result = HanwebAdapter().parse_list(page(body, SITE + "/zwgk/list.html"), 0)
    assert len(result.entries) == 1
    assert result.next_request is not None
    assert result.next_request.url == SITE + "/module/web/jpage/dataproxy.jsp?page=1&enc=AbC9"


def test_a_list_served_only_through_a_post_api_is_reported() -> None:
    script = (
        "<script>$.ajax({url: '/api/search/list', type: 'POST', data: {pageNo: 1, pageSize: 15},"
        " success: function(d){ render(d); }});</script>"
    )
    response = page(f'<div class="list"><ul id="list"></ul></div>{script}')
    assert GenericAdapter().detect(response)
    result = GenericAdapter().parse_list(response, 0)
    assert result.entries == []
    assert result.walk_note == "POST API: " + SITE + "/api/search/list"


@pytest.mark.parametrize("name", sorted(ADAPTERS))
def test_every_adapter_reports_how_it_found_its_paging(name: str) -> None:
    result = ADAPTERS[name]().parse_list(page(listing("")), 0)
    assert result.paging in {"cms", "links", "script", "select", "none"}


def test_a_posting_visit_counter_is_no_list_api() -> None:
    script = "<script>$.ajax({url: '/visit/count.jsp', type: 'POST', data: {id: 12}});</script>"
    response = page(f"<div><p>正文</p></div>{script}")
    assert not GenericAdapter().detect(response)
    assert GenericAdapter().parse_list(response, 0).walk_note is None


def test_links_that_end_before_a_script_declared_total_are_noted_as_such() -> None:
    script = "<script>var pageConf = {recordCount:'18', pageSize: 4}; maxPageNum = 6;</script>"
    last = page(listing(f"<a href='index_1.html'>上一页</a>{script}"), SITE + "/xw/index_2.html")
    result = GenericAdapter().parse_list(last, 2)
    assert result.next_request is None and result.declared_pages == 6
    assert (result.paging, result.walk_note) == ("links", "pager links end before the declared pages")
