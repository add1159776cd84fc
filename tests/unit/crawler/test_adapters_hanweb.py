from __future__ import annotations

import pytest
from fixtures.pages._responses import file_response

from crawler.adapters.base import ListEntry, ListPage
from crawler.adapters.hanweb import HanwebAdapter

SITE = "http://www.example.gov.cn"
COLUMN = SITE + "/col/col33718/index.html"
PROXY = SITE + "/module/web/jpage/dataproxy.jsp"
IDS = "columnid=33718&unitid=212860&webid=3"
TAIL = "col=1&appid=1&path=/&sourceContentType=1&permissiontype=0"
STATE = {
    "columnid": "33718",
    "unitid": "212860",
    "webid": "3",
    "perpage": 15,
    "total": 100,
    "proxy": "/module/web/jpage/dataproxy.jsp",
}
DATAPROXY_URL = f"{PROXY}?startrecord=46&endrecord=90&perpage=15&{IDS}&{TAIL}"


def column_page() -> ListPage:
    response = file_response("hanweb_column.html", COLUMN, meta={"column_path": "政务公开/政府文件"})
    return HanwebAdapter().parse_list(response, 0)


def dataproxy_page(page_index: int = 1) -> ListPage:
    meta = {"column_url": COLUMN, "column_path": "政务公开/政府文件", "hanweb": STATE}
    response = file_response("hanweb_dataproxy.xml", DATAPROXY_URL, meta=meta, content_type="text/xml")
    return HanwebAdapter().parse_list(response, page_index)


@pytest.mark.parametrize(
    ("name", "url", "detected"),
    [
        ("hanweb_column.html", COLUMN, True),
        ("hanweb_dataproxy.xml", DATAPROXY_URL, True),
        ("hanweb_column_oldproxy.html", "http://www.gansu.gov.cn/col/col1229/index.html", True),
        ("trs_list_index.html", SITE + "/zwgk/tzgg/index.html", False),
    ],
)
def test_detect(name: str, url: str, detected: bool) -> None:
    assert HanwebAdapter().detect(file_response(name, url)) is detected


def test_column_entries() -> None:
    assert column_page().entries == [
        ListEntry(
            SITE + "/art/2018/3/5/art_33718_11828204.html",
            "示例市人民政府关于印发2018年重点工作任务分解方案的通知",
            "2018-03-05",
        ),
        ListEntry(
            SITE + "/art/2018/3/2/art_33718_11828100.html",
            "示例市人民政府办公室关于做好春季森林防火工作的通知",
            "2018-03-02",
        ),
        ListEntry("http://zwgk.other.gov.cn/art/2018/2/28/art_999_1.html", "跨站转载文章", "2018-02-28"),
        ListEntry(
            SITE + "/art/2018/2/27/art_33718_11827000.html",
            "示例市2017年国民经济和社会发展统计公报",
            "2018-02-27",
        ),
    ]


def test_column_declared_total() -> None:
    assert column_page().declared_total == 100


def test_column_declared_pages() -> None:
    # 100 records in pages of 15 are 7 of jpage's pages, fetched in groups of 3: the walk's 3 requests
    assert column_page().declared_pages == 3


def test_column_next_request_url() -> None:
    request = column_page().next_request
    assert request is not None and request.url == DATAPROXY_URL


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("column_url", COLUMN),
        ("column_path", "政务公开/政府文件"),
        ("page_index", 1),
        ("hanweb", STATE),
    ],
)
def test_column_next_request_meta(key: str, value: object) -> None:
    request = column_page().next_request
    assert request is not None and request.meta[key] == value


def test_dataproxy_entries() -> None:
    assert dataproxy_page().entries == [
        ListEntry(
            SITE + "/art/2017/12/29/art_33718_11800000.html",
            "示例市人民政府关于调整部分行政审批事项的决定",
            "2017-12-29",
        ),
        ListEntry(
            SITE + "/art/2017/12/20/art_33718_11799000.html",
            "示例市2018年度政府信息公开工作要点",
            "2017-12-20",
        ),
    ]


def test_dataproxy_declared_total() -> None:
    assert dataproxy_page().declared_total == 100


def test_dataproxy_next_request_url() -> None:
    request = dataproxy_page().next_request
    assert request is not None
    assert request.url == f"{PROXY}?startrecord=91&endrecord=135&perpage=15&{IDS}&{TAIL}"


def test_dataproxy_next_request_keeps_column_url() -> None:
    request = dataproxy_page().next_request
    assert request is not None and request.meta["column_url"] == COLUMN


def test_walk_stops_past_declared_total() -> None:
    assert dataproxy_page(page_index=2).next_request is None


def test_unknown_total_keeps_going() -> None:
    state = {**STATE, "total": None}
    response = file_response("hanweb_column_oldproxy.html", COLUMN, meta={"hanweb": state})
    response = response.replace(body=response.body.replace(b"totalRecord:40, ", b""))
    request = HanwebAdapter().parse_list(response, 5).next_request
    assert request is not None and "startrecord=181&endrecord=210&perpage=10" in request.url


def test_older_proxy_path_and_ids_from_page() -> None:
    response = file_response("hanweb_column_oldproxy.html", "http://www.gansu.gov.cn/col/col1229/index.html")
    page = HanwebAdapter().parse_list(response, 0)
    assert page.next_request is not None
    assert page.next_request.url == (
        "http://www.gansu.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp"
        f"?startrecord=31&endrecord=60&perpage=10&columnid=1229&unitid=5001&{TAIL}"
    )


def test_older_proxy_declared_total() -> None:
    response = file_response("hanweb_column_oldproxy.html", "http://www.gansu.gov.cn/col/col1229/index.html")
    assert HanwebAdapter().parse_list(response, 0).declared_total == 40


def test_no_column_id_no_next_request() -> None:
    response = file_response("hanweb_dataproxy.xml", SITE + "/module/web/jpage/dataproxy.jsp")
    response = response.replace(body=response.body.replace(b"columnid=33718", b""))
    assert HanwebAdapter().parse_list(response, 1).next_request is None
