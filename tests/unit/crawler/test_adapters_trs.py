from __future__ import annotations

import pytest
from fixtures.pages._responses import file_response
from scrapy.http import HtmlResponse

from crawler.adapters.base import ListEntry, ListPage
from crawler.adapters.trs import TrsAdapter

TZGG = "http://www.example.gov.cn/zwgk/tzgg/"
ZCWJ = "http://www.example.gov.cn/zwgk/zcwj/"
HANDAN = "http://hdzfxxgk.hd.gov.cn/xxgk/list/"
BEIJING = "http://www.bjxx.gov.cn/zwgk/zfxxgk/"

PAGES = {
    "first": ("trs_list_index.html", TZGG + "index.html", 0, {"column_path": "政务公开/通知公告"}),
    "middle": ("trs_list_index_2.html", ZCWJ + "index_2.html", 2, {"column_url": ZCWJ + "index.html"}),
    "countpage": ("trs_list_countpage.html", HANDAN, 0, {}),
    "beijing": ("trs_list_beijing.html", BEIJING + "index.html", 0, {}),
    "generic": ("list_generic.html", "http://www.example.gov.cn/gzdt/index.html", 0, {}),
}


def parsed(page: str) -> ListPage:
    name, url, index, meta = PAGES[page]
    return TrsAdapter().parse_list(file_response(name, url, meta=meta), index)


@pytest.mark.parametrize(
    ("page", "detected"),
    [("first", True), ("middle", True), ("countpage", True), ("beijing", True), ("generic", False)],
)
def test_detect(page: str, detected: bool) -> None:
    name, url, _, _ = PAGES[page]
    assert TrsAdapter().detect(file_response(name, url)) is detected


def test_hanweb_column_is_not_trs() -> None:
    response = file_response("hanweb_column.html", "http://www.example.gov.cn/col/col33718/index.html")
    assert TrsAdapter().detect(response) is False


ENTRIES = {
    "first": [
        ListEntry(
            TZGG + "201803/t20180305_123456.html",
            "示例县人民政府关于开展2018年春季植树造林工作的通知",
            "2018-03-05",
        ),
        ListEntry(
            TZGG + "201803/t20180302_123400.html", "关于公布第一批县级行政许可事项目录的公告", "[2018-03-02]"
        ),
        ListEntry(TZGG + "201802/t20180228_123300.shtml", "示例县2018年春运安全提示", "2018/02/28"),
        ListEntry(TZGG + "201802/t20180227_123299.htm", "示例县财政局2017年部门决算公开", "2018年02月27日"),
    ],
    "middle": [
        ListEntry(
            ZCWJ + "201710/t20171020_398361.html",
            "袁州区财政局掀起学习贯彻省、市、区有关文件精神热潮",
            "2017-10-20",
        ),
        ListEntry(ZCWJ + "201710/t20171018_398300.html", "区政府召开第十五次常务会议", "2017-10-18"),
        ListEntry("http://www.example.gov.cn/zwgk/201710/t20171016_398250.html", "跨栏目文章", "2017-10-16"),
    ],
    "countpage": [
        ListEntry(
            HANDAN + "202008/t20200805_1234567.html",
            "邯郸市教育局关于2020年义务教育招生入学工作的通知",
            "2020-08-05",
        ),
        ListEntry(
            HANDAN + "202008/t20200802_1234500.html",
            "邯郸市人民政府办公室关于印发防汛预案的通知",
            "2020-08-02",
        ),
    ],
    "beijing": [
        ListEntry(BEIJING + "202103/t20210315_2300000.html", "关于2021年区级预算公开的说明", "2021-03-15"),
        ListEntry(BEIJING + "202103/t20210310_2299000.html", "区政府2021年第3次常务会议纪要", "2021-03-10"),
    ],
    "generic": [
        ListEntry(
            "http://www.example.gov.cn/content/article/1001.html", "全县安全生产工作会议召开", "2019-05-06"
        ),
        ListEntry(
            "http://www.example.gov.cn/content/article/1000.html", "县长调研乡村振兴工作", "2019-05-01"
        ),
    ],
}


@pytest.mark.parametrize("page", list(ENTRIES))
def test_entries(page: str) -> None:
    assert parsed(page).entries == ENTRIES[page]


@pytest.mark.parametrize(
    ("page", "total", "pages"),
    [
        ("first", None, 5),
        ("middle", None, 5),
        ("countpage", 6348, 56),
        ("beijing", 232, 16),
        ("generic", None, None),
    ],
)
def test_declared_totals(page: str, total: int | None, pages: int | None) -> None:
    result = parsed(page)
    assert (result.declared_total, result.declared_pages) == (total, pages)


@pytest.mark.parametrize(
    ("page", "url"),
    [
        ("first", TZGG + "index_1.html"),
        ("middle", ZCWJ + "index_3.html"),
        ("countpage", HANDAN + "index_1.html"),
        ("beijing", BEIJING + "index_1.html"),
        ("generic", None),
    ],
)
def test_next_request_url(page: str, url: str | None) -> None:
    request = parsed(page).next_request
    assert (request.url if request else None) == url


@pytest.mark.parametrize(
    ("page", "meta"),
    [
        ("first", {"column_url": TZGG + "index.html", "column_path": "政务公开/通知公告", "page_index": 1}),
        ("middle", {"column_url": ZCWJ + "index.html", "page_index": 3}),
        ("countpage", {"column_url": HANDAN, "page_index": 1}),
    ],
)
def test_next_request_meta(page: str, meta: dict[str, object]) -> None:
    request = parsed(page).next_request
    assert request is not None
    assert {key: request.meta[key] for key in meta} == meta


def test_last_page_has_no_next_request() -> None:
    response = file_response("trs_list_index.html", TZGG + "index_4.html", meta={"column_url": TZGG})
    assert TrsAdapter().parse_list(response, 4).next_request is None


def test_middle_page_derives_column_url_without_meta() -> None:
    response = file_response("trs_list_index_2.html", ZCWJ + "index_2.html")
    request = TrsAdapter().parse_list(response, 2).next_request
    assert request is not None and request.meta["column_url"] == ZCWJ + "index.html"


def test_nav_breadcrumb_and_footer_anchors_are_skipped() -> None:
    urls = {entry.url for entry in parsed("first").entries}
    assert not urls & {TZGG + "201801/t20180101_1000.html", TZGG + "201712/t20171231_999.html"}


def test_cross_posted_item_of_another_cms_is_listed() -> None:
    body = """<html><body><ul class="list">
    <li><a href="./201803/t20180305_1.html" title="本栏目的文章">本栏目的文章</a><span>2018-03-05</span></li>
    <li><a href="/art/2018/3/10/art_2000_6885.html" title="转自专栏的文章">转自专栏的文章</a><span>2018-03-10</span></li>
    </ul><div class="side"><ul><li><a href="/other/t20180101_9.html">侧栏</a></li></ul></div>
    <script>createPageHTML(1, 0, "index", "html");</script></body></html>""".encode()
    response = HtmlResponse(
        TZGG + "index.html", body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    urls = [e.url for e in TrsAdapter().parse_list(response, 0).entries]
    assert urls[:2] == [
        TZGG + "201803/t20180305_1.html",
        "http://www.example.gov.cn/art/2018/3/10/art_2000_6885.html",
    ]


def test_sidebar_of_other_columns_articles_is_not_counted() -> None:
    """The 热点/相关 sidebar links t<date> articles of other columns; only the listing counts,
    with its cross-posted Hanweb item."""
    zfwj = "http://www.example.gov.cn/zwgk/zfwj/"
    response = file_response("trs_list_sidebar.html", zfwj + "index.html")
    page = TrsAdapter().parse_list(response, 0)
    assert [(e.url, e.date_raw) for e in page.entries] == [
        (zfwj + "201905/t20190520_701.html", "2019-05-20"),
        (zfwj + "201904/t20190415_655.html", "2019-04-15"),
        ("http://www.example.gov.cn/art/2019/4/2/art_1229_88.html", "2019-04-02"),
        (zfwj + "201903/t20190308_610.html", "2019-03-08"),
    ]
    assert page.entries[0].title == "示例县人民政府关于印发2019年政府工作报告重点工作分工的通知"
    assert page.declared_pages == 3
