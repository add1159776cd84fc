from __future__ import annotations

import pytest
from fixtures.pages._responses import file_response

from crawler.adapters import DETECTION_ORDER
from crawler.adapters.base import ListEntry
from crawler.adapters.generic import GenericAdapter, next_page_url
from crawler.adapters.pager import Pager

SITE = "http://www.example.gov.cn"
PAGES = {
    "pages": ("generic_list_pages.html", SITE + "/xzdt/"),
    "query": ("generic_list_query.html", SITE + "/list.php?catid=12"),
    "hub": ("generic_hub.html", SITE + "/zdgz/"),
    "ul": ("list_generic.html", SITE + "/gzdt/index.html"),
    "detail": ("trs_detail_document.html", SITE + "/zwgk/zfwj/201803/t20180305_123456.html"),
}


def response(page: str, meta: dict[str, object] | None = None):
    name, url = PAGES[page]
    return file_response(name, url, meta=meta)


def test_is_tried_last() -> None:
    assert DETECTION_ORDER[-1] == "generic"


@pytest.mark.parametrize(
    ("page", "detected"), [("pages", True), ("query", True), ("ul", True), ("hub", False), ("detail", False)]
)
def test_detect(page: str, detected: bool) -> None:
    assert GenericAdapter().detect(response(page)) is detected


def test_div_rows_with_titles_dates_and_a_date_inside_the_link() -> None:
    entries = GenericAdapter().parse_list(response("pages"), 0).entries
    assert entries == [
        ListEntry(SITE + "/xzdt/show-1201.html", "青石镇召开2019年度脱贫攻坚推进会", "2019-06-12"),
        ListEntry(SITE + "/xzdt/show-1198.html", "白水乡开展防汛应急演练", "2019-06-10"),
        ListEntry(SITE + "/xzdt/show-1190.html", "柳河镇：小小庭院大产业", "2019年06月03日"),
        ListEntry(SITE + "/xzdt/show-1188.html", "东坝乡召开村“两委”干部培训会", "2019-05-30"),
    ]


def test_gong_n_ye_and_xia_yi_ye() -> None:
    page = GenericAdapter().parse_list(response("pages", {"column_path": "乡镇动态"}), 0)
    assert (page.declared_pages, page.declared_total) == (32, 128)
    assert page.next_request is not None
    assert page.next_request.url == SITE + "/xzdt/index_2.html"
    assert page.next_request.meta == {
        "column_path": "乡镇动态",
        "column_url": SITE + "/xzdt/",
        "page_index": 1,
    }


def test_table_rows_and_page_parameter() -> None:
    page = GenericAdapter().parse_list(response("query"), 0)
    assert [(e.url, e.title, e.date_raw) for e in page.entries][0] == (
        SITE + "/show.php?catid=12&id=3301",
        "县农业农村局开展春耕备耕督导",
        "2020-03-18",
    )
    assert len(page.entries) == 3
    assert page.declared_pages == 9  # from the 尾页 link's page=9
    assert page.next_request is not None and page.next_request.url == SITE + "/list.php?catid=12&page=2"


def test_page_parameter_stops_at_the_declared_pages() -> None:
    middle = file_response("generic_list_query.html", SITE + "/list.php?catid=12&page=4")
    page = GenericAdapter().parse_list(middle, 3)
    assert page.next_request is not None and page.next_request.url == SITE + "/list.php?catid=12&page=5"
    last = file_response("generic_list_query.html", SITE + "/list.php?catid=12&page=9")
    assert GenericAdapter().parse_list(last, 8).next_request is None


@pytest.mark.parametrize(
    ("url", "pager", "expected"),
    [
        (SITE + "/l?page=2", Pager(pages=3, param="page"), SITE + "/l?page=3"),
        (SITE + "/l?page=3", Pager(pages=3, param="page"), None),
        (SITE + "/l?pageNo=1", Pager(pages=3, param="pageNo", first=0), SITE + "/l?pageNo=2"),
        (SITE + "/l?pageNo=2", Pager(pages=3, param="pageNo", first=0), None),
        (SITE + "/l", Pager(pages=None, param="page"), None),
        (SITE + "/l", Pager(next_url=SITE + "/l"), None),  # the last page's 下一页 links itself
        (SITE + "/l", Pager(next_url=SITE + "/l_2"), SITE + "/l_2"),
    ],
)
def test_next_page_url(url: str, pager: Pager, expected: str | None) -> None:
    assert next_page_url(url, pager) == expected


def test_page_without_rows_has_no_entries() -> None:
    page = GenericAdapter().parse_list(file_response("not_found.html", SITE + "/nothing.html"), 0)
    assert (page.entries, page.next_request) == ([], None)
