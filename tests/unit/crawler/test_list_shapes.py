"""Lists as a person sees them, in small hand-written pages: every item the page holds in its
static HTML (groups of one list, hidden groups a script toggles, items titled only by ``title`` or
``alt``, table rows) and nothing of the navigation, sidebars, related links or empty templates."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.adapters.generic import GenericAdapter
from crawler.adapters.trs import TrsAdapter
from crawler.extract.dates import date_in_year

logger = logging.getLogger(__name__)

SITE = "http://www.example.gov.cn"
NAV = (
    '<div class="nav"><ul>'
    + "".join(f'<li><a href="/c{n}/">栏目{n}</a></li>' for n in range(6))
    + "</ul></div>"
)
SIDEBAR = (
    '<div class="side"><h3>热点信息</h3><ul>'
    '<li><a href="/hot/1.html">热点一</a><span>2020-01-01</span></li>'
    '<li><a href="/hot/2.html">热点二</a><span>2020-01-02</span></li></ul></div>'
)
RELATED = (
    '<div class="xglj"><h3>相关链接</h3><ul><li><a href="http://www.gov.cn/">中国政府网</a>'
    "<span>2020-01-03</span></li></ul></div>"
)
TEMPLATE = '<ul style="display:none"><li><a href="{{url}}">{{title}}</a><span>{{date}}</span></li></ul>'


def page(body: str, url: str = SITE + "/xw/index.html") -> HtmlResponse:
    html = f"<html><body>{NAV}{body}{SIDEBAR}{RELATED}</body></html>"
    return HtmlResponse(url=url, body=html.encode("utf-8"), encoding="utf-8", request=Request(url))


def rows(start: int, count: int, trs: bool = False) -> str:
    def href(n: int) -> str:
        return f"./202005/t202005{n:02d}_{n}.html" if trs else f"/xw/show-{n}.html"

    return "".join(
        f'<li><a href="{href(n)}">标题{n}</a><span>2020-05-{n:02d}</span></li>'
        for n in range(start, start + count)
    )


def urls(result) -> list[str]:
    return [entry.url.rsplit("/", 1)[-1] for entry in result.entries]


GROUPS_OF_FIVE = (
    '<div class="list-box">'
    f'<ul class="list ms-visible" ms-visible="cur==0">{rows(1, 5)}</ul>'
    f'<ul class="list" ms-visible="cur==1" style="display:none">{rows(6, 5)}</ul>'
    f'<ul class="list" ms-visible="cur==2" style="display: none">{rows(11, 5)}</ul>'
    f"</div>{TEMPLATE}"
)
WRAPPED_GROUPS = (
    '<div class="tabs">'
    f'<div class="tab-con active"><ul class="list1">{rows(1, 5)}</ul></div>'
    f'<div class="tab-con" style="display:none"><ul class="list2">{rows(6, 5)}</ul></div>'
    "</div>"
)


@pytest.mark.parametrize(("body", "count"), [(GROUPS_OF_FIVE, 15), (WRAPPED_GROUPS, 10)])
def test_every_group_of_one_list_counts_hidden_ones_too(body: str, count: int) -> None:
    result = GenericAdapter().parse_list(page(body), 0)
    assert urls(result) == [f"show-{n}.html" for n in range(1, count + 1)]


def test_trs_groups_of_five_count() -> None:
    body = (
        f'<div class="list-box"><ul class="list">{rows(1, 5, trs=True)}</ul>'
        f'<ul class="list" style="display:none">{rows(6, 5, trs=True)}</ul></div>'
    )
    result = TrsAdapter().parse_list(page(body), 0)
    assert len(result.entries) == 10


def test_boxes_of_other_columns_are_not_one_list() -> None:
    box = '<div class="box"><h3>{0}</h3><ul class="list">{1}</ul><a href="/{0}/">更多</a></div>'
    body = box.format("a", rows(1, 6)) + box.format("b", rows(20, 3))
    result = GenericAdapter().parse_list(page(body), 0)
    assert urls(result) == [f"show-{n}.html" for n in range(1, 7)]


def test_a_hidden_row_in_a_visible_list_and_an_empty_template_are_not_items() -> None:
    hidden_row = '<li style="display:none"><a href="http://bet.example/">博彩</a><span>2020-05-09</span></li>'
    body = f'<ul class="list">{rows(1, 4)}{hidden_row}</ul>{TEMPLATE}'
    result = GenericAdapter().parse_list(page(body), 0)
    assert urls(result) == [f"show-{n}.html" for n in range(1, 5)]


def test_items_titled_only_by_title_or_alt() -> None:
    body = (
        '<ul class="list">'
        '<li><a href="/xw/show-1.html" title="只有标题属性"></a><span>2020-05-01</span></li>'
        '<li><a href="/xw/show-2.html" alt="非标准的alt属性"></a><span>2020-05-02</span></li>'
        '<li><a href="/xw/show-3.html"><img src="/p.jpg" alt="图片新闻标题"></a><span>2020-05-03</span></li>'
        "</ul>"
    )
    result = GenericAdapter().parse_list(page(body), 0)
    assert [e.title for e in result.entries] == ["只有标题属性", "非标准的alt属性", "图片新闻标题"]


def test_table_rows() -> None:
    body = (
        "<table><tr><th>名称</th><th>索引号</th><th>发布日期</th></tr>"
        + "".join(
            f'<tr><td><a href="/xxgk/show-{n}.html">文件{n}</a></td><td>000014348/2020-0{n}</td>'
            f"<td>2020-08-0{n}</td></tr>"
            for n in range(1, 4)
        )
        + "</table>"
    )
    result = GenericAdapter().parse_list(page(body), 0)
    assert [(e.title, e.date_raw) for e in result.entries] == [
        ("文件1", "2020-08-01"),
        ("文件2", "2020-08-02"),
        ("文件3", "2020-08-03"),
    ]


def test_an_entry_without_a_date_among_dated_ones_counts() -> None:
    body = f'<ul class="list">{rows(1, 3)}<li><a href="/xw/show-9.html">无日期的条目</a></li></ul>'
    result = GenericAdapter().parse_list(page(body), 0)
    assert urls(result) == ["show-1.html", "show-2.html", "show-3.html", "show-9.html"]
    assert result.entries[-1].date_raw is None


def test_a_list_printing_month_and_day_keeps_them_raw() -> None:
    body = (
        "<table>"
        + "".join(
            f'<tr><td><a href="./201710/t201710{n:02d}_{n}.html">新闻{n}</a></td><td><span>10-{n:02d}</span></td></tr>'
            for n in range(11, 14)
        )
        + "</table>"
    )
    result = TrsAdapter().parse_list(page(body), 0)
    assert [e.date_raw for e in result.entries] == ["10-11", "10-12", "10-13"]
    assert date_in_year(result.entries[0].date_raw, 2017) == date(2017, 10, 11)
