from __future__ import annotations

from fixtures.pages._responses import text_response
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.adapters.hanweb import HanwebAdapter
from crawler.adapters.trs import TrsAdapter

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
