"""Detail metadata as real pages print it, in small hand-written pages: padded labels, any colon,
values in nested inline tags, two- and four-column tables, definition lists, ``index_box``
blocks, titles cleaned of their suffixes, decoys that never beat the visible labelled value."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from crawler.extract import extract_detail
from crawler.extract.titles import clean_title

logger = logging.getLogger(__name__)

URL = "http://www.example.gov.cn/zwgk/art/show-1.html"


def detail(body: str, head: str = "<title>页面</title>"):
    html = f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return extract_detail(URL, html.encode("utf-8"), "text/html; charset=utf-8", "s")


@pytest.mark.parametrize(
    "block",
    [
        # label padded with &ensp;, value inside <font>, in one span
        "<div><span>索&ensp;引&ensp;号：<font>000014348/2020-35147</font></span>"
        "<span>发文字号：<font color='red'>邯教〔2020〕12号</font></span></div>",
        # two-column table, &nbsp; and full-width spaces, ASCII colon
        "<table><tr><td>索&nbsp;引&nbsp;号:</td><td><font>000014348/2020-35147</font></td></tr>"
        "<tr><td>文\u3000\u3000号:</td><td><span><font>邯教〔2020〕12号</font></span></td></tr></table>",
        # four-column table without colons
        "<table><tr><td>索 引 号</td><td>000014348/2020-35147</td><td>文\u3000\u3000号</td>"
        "<td>邯教〔2020〕12号</td></tr></table>",
        # definition list
        "<dl><dt>索引号：</dt><dd>000014348/2020-35147</dd><dt>发文字号：</dt><dd>邯教〔2020〕12号</dd></dl>",
        # <p><strong>label</strong>：value
        "<p><strong>索引号</strong>：000014348/2020-35147</p><p><strong>发文字号</strong>：邯教〔2020〕12号</p>",
        # index_box block of label spans
        '<div class="index_box"><ul><li><b>索\u2002引\u2002号︰</b><span>000014348/2020-35147</span></li>'
        "<li><b>发文字号︰</b><span>邯教〔2020〕12号</span></li></ul></div>",
    ],
    ids=["ensp-font", "two-column", "four-column", "dl", "strong", "index-box"],
)
def test_index_no_and_doc_no_in_every_shape(block: str) -> None:
    found = detail(block + "<div id='zoom'><p>正文。</p></div>")
    assert (found.index_no, found.doc_no) == ("000014348/2020-35147", "邯教〔2020〕12号")


def test_an_empty_label_value_cell_takes_nothing_from_the_next_cell() -> None:
    found = detail(
        "<table><tr><td>索引号: 002482082/2024-00332</td><td>文件编号: </td><td>发布机构: 省教育厅</td></tr></table>"
    )
    assert (found.index_no, found.doc_no, found.publisher) == ("002482082/2024-00332", None, "省教育厅")


def test_the_visible_labelled_date_beats_the_decoys() -> None:
    head = (
        "<title>页面</title><meta name='PubDate' content='2024-06-03 14:25:31'>"
        "<meta name='Maketime' content='2024-06-03 14:25:31'>"
    )
    body = (
        '<p class="fl">日期：2024-05-30 10:10 &nbsp; 来源：六里桥街道</p>'
        '<span alt="时间：2019-01-01">x</span><div id="zoom"><p>时间：2023年1月1日上午在会议室举行。</p></div>'
    )
    found = detail(body, head)
    assert found.published_on == date(2024, 5, 30)


def test_a_date_under_the_title_without_a_label() -> None:
    found = detail(
        '<h1>标题</h1><div class="post_source">2022-05-07&#32;00:00\u3000来源：某厅</div><div id="zoom">正文</div>'
    )
    assert found.published_on == date(2022, 5, 7)


def test_a_page_that_prints_no_date_has_none() -> None:
    found = detail("<h1>标题</h1><div id='zoom'><p>正文，没有日期。</p></div>")
    assert found.published_on is None


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("国务院关于印发某某规划的通知__2007年第23号国务院公报", "国务院关于印发某某规划的通知"),
        ("关于做好秋季防火工作的通知_XX县人民政府", "关于做好秋季防火工作的通知"),
        ("女性化妆技巧公益讲座_政府信息公开_广州市黄埔区人民政府门户网站", "女性化妆技巧公益讲座"),
        ("科兴佳园社区活动-北京市丰台区人民政府网站", "科兴佳园社区活动"),
        ("没有后缀的标题", "没有后缀的标题"),
    ],
)
def test_title_suffixes(title: str, clean: str) -> None:
    assert clean_title(title) == clean
    assert detail("<div id='zoom'>正文</div>", f"<title>{title}</title>").title == clean
