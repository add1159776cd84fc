"""Column discovery from saved home, hub and column pages."""

from __future__ import annotations

import pytest
from fixtures.pages._responses import file_response
from scrapy.http import HtmlResponse

from crawler import discovery
from crawler.discovery import Link
from taxonomy import default_taxonomy

SITE = "http://www.qs.gov.cn"
HOSTS = {"www.qs.gov.cn"}
TAX = default_taxonomy()


def test_nav_reads_image_links_and_leaves_out_traps_and_other_sites() -> None:
    links = discovery.nav_links(file_response("home_nav_images.html", SITE + "/"), HOSTS, TAX)
    assert links == [
        Link("今日关注", SITE + "/jrgz/index.html"),  # image alt text
        Link("zfwj", SITE + "/zfwj/index.html", provisional=True),  # image without alt
        Link("双创政策...", SITE + "/zdgz/sczc/", provisional=True),  # cut short
        Link("通知\u3000公告", SITE + "/zfgg/index.html"),  # as printed: matching folds the space
    ]


@pytest.mark.parametrize(
    ("link", "page", "name"),
    [
        (Link("zfwj", SITE + "/zfwj/index.html", True), "column_zfwj.html", "政府文件"),  # ColumnName meta
        (
            Link("双创政策...", SITE + "/zdgz/sczc/", True),
            "column_crumb_only.html",
            "双创政策汇编",
        ),  # breadcrumb
        (Link("双创政策", SITE + "/zdgz/sczc/"), "column_crumb_only.html", "双创政策汇编"),  # a shortening
        (Link("政策文件", SITE + "/zfwj/index.html"), "column_zfwj.html", "政策文件"),  # the link's own name
        (Link("zfwj", SITE + "/zfwj/", True), "not_found.html", "zfwj"),  # the page names nothing
    ],
)
def test_own_name(link: Link, page: str, name: str) -> None:
    assert discovery.own_name(link, file_response(page, link.url)) == name


def test_breadcrumb_is_not_confused_with_the_current_nav_item() -> None:
    response = file_response("column_crumb_only.html", SITE + "/zdgz/sczc/")
    assert discovery.column_name(response) == "双创政策汇编"


def test_hub_tab_strip_gives_sub_columns_not_items_traps_or_more_links() -> None:
    response = file_response("hub_tabs.html", SITE + "/zdgz/ggzy/")
    known = {SITE + "/jrgz/index.html", SITE + "/zdgz/"}
    children = discovery.hub_children(response, HOSTS, TAX, known)
    parent = TAX.get("ZDGZ.GGZY")
    mapped = [
        (link.name, (m.node.code, m.rule) if (m := TAX.match(link.name, parent)) else None)
        for link in children
    ]
    assert mapped == [
        ("保障性住房", ("ZDGZ.GGZY.01", "alias")),
        ('公共资源配置"黑名单"', ("ZDGZ.GGZY.07", "alias")),
        ("国有土地使用权出让", ("ZDGZ.GGZY.02", "exact")),
        ("取水\u3000许可", ("ZDGZ.GGZY.12", "normalised")),
        ("本地特色栏目", None),  # unmapped, but a sub-column all the same
    ]


def test_hub_with_left_menu_table_and_sub_columns_block() -> None:
    children = discovery.hub_children(
        file_response("hub_table.html", SITE + "/zdgz/shgy/"), HOSTS, TAX, set()
    )
    parent = TAX.get("ZDGZ.SHGY")
    codes = [m.node.code if (m := TAX.match(link.name, parent)) else None for link in children]
    assert codes == [f"ZDGZ.SHGY.{n:02d}" for n in (12, 6, 8, 9, 11, 13, 7, 4)]


def test_hub_of_boxes_gives_box_titles() -> None:
    response = file_response("generic_hub.html", "http://www.example.gov.cn/zdgz/")
    children = discovery.hub_children(response, {"www.example.gov.cn"}, TAX, set())
    assert [link.name for link in children] == ["财政信息", "安全生产", "政策解读"]


def test_one_named_sub_column_in_a_sub_column_block_makes_a_hub() -> None:
    body = """<html><body><div class="hub"><ul class="sub-columns">
    <li><a href="/zdgz/shgy/zhsg/index.html" title="灾害事故救援">灾害事故救援</a></li></ul></div></body></html>"""
    response = HtmlResponse(SITE + "/zdgz/shgy/index.html", body=body.encode(), encoding="utf-8")
    children = discovery.hub_children(response, HOSTS, TAX, set())
    assert children == [Link("灾害事故救援", SITE + "/zdgz/shgy/zhsg/index.html")]


def test_list_page_is_not_a_hub() -> None:
    response = file_response("trs_list_index.html", "http://www.example.gov.cn/zwgk/tzgg/index.html")
    assert discovery.hub_children(response, {"www.example.gov.cn"}, TAX, set()) == []


@pytest.mark.parametrize(
    "url",
    [
        SITE + "/list.jsp?date=2019-03-05",
        SITE + "/calendar/2019/03/05.html",
        SITE + "/search.jsp?q=%E5%85%AC%E5%BC%80&page=2",
        SITE + "/was5/web/search?channelid=1",
        SITE + "/print.jsp?id=2040&page=2",
        SITE + "/zfwj/201803/t20180305_1.html",
        SITE + "/art/2018/3/5/art_1_2.html",
        SITE + "/files/a.pdf",
        "javascript:void(0)",
    ],
)
def test_traps_are_never_columns(url: str) -> None:
    assert discovery.is_trap(url)


@pytest.mark.parametrize("name", ["打印", "关闭窗口", "站内搜索", "按日期浏览", "更多>>", "English"])
def test_trap_names(name: str) -> None:
    assert discovery.is_trap(SITE + "/x/", name)


def test_columns_are_not_traps() -> None:
    assert not discovery.is_trap(SITE + "/zwgk/zfwj/index.html", "政府文件")


@pytest.mark.parametrize(
    ("page", "url", "cms"),
    [
        ("trs_list_index.html", "http://www.example.gov.cn/zwgk/tzgg/index.html", "trs"),
        ("hanweb_column.html", "http://www.example.gov.cn/col/col33718/index.html", "hanweb"),
        ("ucap_list.shtml", "http://www.szq.gov.cn/szqrmzf/zcwj/list.shtml", "ucap"),
        ("ucap_detail.shtml", "http://www.szq.gov.cn/szqrmzf/zcwj/202103/5f1c.shtml", "ucap"),
        ("generic_list_query.html", "http://www.example.gov.cn/list.php?catid=12", None),
    ],
)
def test_detect_cms(page: str, url: str, cms: str | None) -> None:
    assert discovery.detect_cms(file_response(page, url)) == cms
