from __future__ import annotations

import pytest
from fixtures.pages._responses import file_response

from crawler.adapters.base import ListEntry
from crawler.adapters.ucap import FALLBACK_META, UcapAdapter, UcapPaging, declared_paging, page_url

ZCWJ = "http://www.szq.gov.cn/szqrmzf/zcwj/"


def test_detects_signature_b_but_not_trs_or_hanweb() -> None:
    assert UcapAdapter().detect(file_response("ucap_list.shtml", ZCWJ + "list.shtml"))
    assert not UcapAdapter().detect(file_response("trs_list_index.html", ZCWJ + "index.html"))
    assert not UcapAdapter().detect(file_response("hanweb_column.html", ZCWJ + "col/col1/index.html"))


def test_first_page_entries_leave_out_nav_hot_box_and_footer() -> None:
    page = UcapAdapter().parse_list(file_response("ucap_list.shtml", ZCWJ + "list.shtml"), 0)
    assert page.entries == [
        ListEntry(
            ZCWJ + "202103/5f1c2a0b3d4e4f5a9b8c7d6e5f4a3b2c.shtml",
            "示例区人民政府关于印发2021年为民办实事项目的通知",
            "2021-03-15",
        ),
        ListEntry(
            ZCWJ + "202103/0a1b2c3d4e5f60718293a4b5c6d7e8f9.shtml", "示例区促进就业创业若干政策", "2021-03-08"
        ),
        ListEntry(
            ZCWJ + "202102/c0ffee00112233445566778899aabbcc.shtml",
            "关于做好2021年春节期间安全生产工作的通知",
            "2021-02-05",
        ),
        ListEntry(
            ZCWJ + "202101/d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6.shtml", "示例区优化营商环境实施方案", "2021-01-20"
        ),
    ]


def test_declared_totals() -> None:
    page = UcapAdapter().parse_list(file_response("ucap_list.shtml", ZCWJ + "list.shtml"), 0)
    assert (page.declared_pages, page.declared_total) == (8, 118)


def test_page_two_is_list_2_with_list_1_as_the_fallback() -> None:
    response = file_response(
        "ucap_list.shtml", ZCWJ + "list.shtml", meta={"column_path": "信息公开/政策文件"}
    )
    request = UcapAdapter().parse_list(response, 0).next_request
    assert request is not None
    assert request.url == ZCWJ + "list_2.shtml"
    assert request.meta[FALLBACK_META] == ZCWJ + "list_1.shtml"
    assert request.meta["column_path"] == "信息公开/政策文件"
    assert request.meta["page_index"] == 1


def test_column_given_as_a_folder() -> None:
    request = UcapAdapter().parse_list(file_response("ucap_list.shtml", ZCWJ), 0).next_request
    assert request is not None and request.url == ZCWJ + "list_2.shtml"


@pytest.mark.parametrize(
    ("url", "index", "expected"),
    [
        (ZCWJ + "list_3.shtml", 2, ZCWJ + "list_4.shtml"),  # numbered as declared
        (ZCWJ + "list_2.shtml", 2, ZCWJ + "list_3.shtml"),  # list_1 served page 2: one lower throughout
    ],
)
def test_later_pages_follow_the_numbering_served(url: str, index: int, expected: str) -> None:
    page = UcapAdapter().parse_list(file_response("ucap_list_3.shtml", url, meta={"column_url": ZCWJ}), index)
    assert page.next_request is not None
    assert page.next_request.url == expected
    assert FALLBACK_META not in page.next_request.meta
    assert page.entries[0].title == "示例区2020年第三季度财政预算执行情况"


def test_last_declared_page_has_no_next_request() -> None:
    response = file_response("ucap_list_3.shtml", ZCWJ + "list_8.shtml")
    assert UcapAdapter().parse_list(response, 7).next_request is None


@pytest.mark.parametrize(
    ("text", "paging"),
    [
        ("createPageHTML('page_div',8, 1,'list','shtml',118);", UcapPaging(8, 1, "list", "shtml", 118)),
        ('createPageHTML("pager", 12, 2, "dezlist", "shtml");', UcapPaging(12, 2, "dezlist", "shtml", None)),
        ('createPageHTML(5, 0, "index", "html");', UcapPaging()),
        ("", UcapPaging()),
    ],
)
def test_declared_paging(text: str, paging: UcapPaging) -> None:
    assert declared_paging(text) == paging


def test_page_url_keeps_the_declared_file_name() -> None:
    paging = UcapPaging(12, 1, "dezlist", "shtml")
    assert page_url(ZCWJ + "dezlist.shtml", 3, paging) == ZCWJ + "dezlist_3.shtml"
    assert page_url(ZCWJ + "dezlist_3.shtml", 0, paging) == ZCWJ + "dezlist.shtml"
