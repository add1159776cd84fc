from __future__ import annotations

from fixtures.pages._responses import text_response
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.adapters.generic import GenericAdapter, next_page_url
from crawler.adapters.hanweb import HanwebAdapter, column_state
from crawler.adapters.pager import read_pager
from crawler.adapters.trs import TrsAdapter
from crawler.adapters.trs import declared_paging as trs_paging
from crawler.adapters.ucap import UcapAdapter
from crawler.adapters.ucap import declared_paging as ucap_paging
from crawler.extract.html import parse_html

MARKUP = st.sampled_from(
    [
        "<li>",
        "</li>",
        "<a href='./201803/t20180305_1.html' title='t'>",
        "</a>",
        "<span>2018-03-05</span>",
        'createPageHTML(3, 0, "index", "html");',
        "var countPage = 9;",
        "<record><![CDATA[",
        "]]></record>",
        "<tr><td>",
        "<datastore>",
        "totalRecord:abc",
        "perPage:0",
        "param_1={columnid:2}",
        "<a href='/art/2018/2/30/art_1_2.html'>",
        "<a href='javascript:void(0)'>",
    ]
)
PAGE = st.lists(st.one_of(MARKUP, st.text(max_size=20)), max_size=30).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.one_of(PAGE.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=300)))
def test_trs_parse_list_never_raises(body: bytes) -> None:
    adapter = TrsAdapter()
    response = text_response(body)
    adapter.detect(response)
    adapter.parse_list(response, 0)


@settings(max_examples=60, deadline=None)
@given(st.one_of(PAGE.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=300)))
def test_hanweb_parse_list_never_raises(body: bytes) -> None:
    adapter = HanwebAdapter()
    response = text_response(body, url="http://www.example.gov.cn/col/col33718/index.html")
    adapter.detect(response)
    adapter.parse_list(response, 0)


PAGER_MARKUP = st.sampled_from(
    [
        "createPageHTML('page_div',",
        "createPageHTML(",
        "'list','shtml',",
        '"index", "html");',
        ", 0, ",
        "<a href='?page=2'>",
        "<a href='list.php?page=x'>",
        "<a href='?pageNo=0'>",
        "下一页</a>",
        "尾页</a>",
        "共",
        "页",
        "条",
        "var countPage = ",
        "totalRecord:",
        "perPage:",
        "<totalrecord>",
        "</totalrecord>",
        "<nextgroup><![CDATA[<a href='dataproxy.jsp?columnid=1&unitid=%zz'>]]>",
        "param_1={columnid:2, webid:'x'}",
        "/",
    ]
)
PAGER_TEXT = st.lists(
    st.one_of(PAGER_MARKUP, st.integers(-5, 10**6).map(str), st.text(max_size=12)), max_size=25
).map("".join)


HUGE = "9" * 5000


@settings(max_examples=80, deadline=None)
@given(PAGER_TEXT)
@example(f'createPageHTML({HUGE}, 0, "index", "html");')
@example(f"createPageHTML({HUGE}, {HUGE}, 0, 'index', 'html');")
@example(f"var countPage = {HUGE}; var countnum = {HUGE};")
@example(f"createPageHTML('page_div', {HUGE}, 1, 'list', 'shtml', {HUGE});")
@example(f"totalRecord:{HUGE}, perPage:{HUGE} <totalrecord>{HUGE}</totalrecord>")
@example(f"共{HUGE}页 共{HUGE}条 <a href='?page={HUGE}'>尾页</a><a href='?page={HUGE}'>{HUGE}</a>")
@example("共0页 <a href='?page=-1'>尾页</a> totalPage:0")
def test_pagination_parsers_never_raise(text: str) -> None:
    trs_paging(text)
    ucap_paging(text)
    column_state(text, "http://www.example.gov.cn/col/col1/index.html", None)
    root = parse_html(text)
    pager = read_pager(text, root, "http://www.example.gov.cn/list.php?page=3")
    next_page_url("http://www.example.gov.cn/list.php?page=3", pager)


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        PAGER_TEXT.map(lambda s: s.encode("utf-8", "surrogatepass")),
        PAGE.map(lambda s: s.encode("utf-8", "surrogatepass")),
    )
)
def test_ucap_and_generic_parse_list_never_raise(body: bytes) -> None:
    for adapter in (UcapAdapter(), GenericAdapter()):
        response = text_response(body, url="http://www.example.gov.cn/col/list_2.shtml")
        adapter.detect(response)
        adapter.parse_list(response, 1)
