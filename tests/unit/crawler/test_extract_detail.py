from __future__ import annotations

from datetime import date

import pytest
from fixtures.pages._responses import page_bytes

from crawler.extract.detail import extract_detail
from crawler.items import Attachment, Detail

TRS_URL = "http://www.example.gov.cn/zwgk/zfwj/201803/t20180305_123456.html"
TRS_DIR = "http://www.example.gov.cn/zwgk/zfwj/201803/"
HANWEB_URL = "http://www.example.gov.cn/art/2018/3/2/art_33718_11828100.html"
GBK_URL = "http://www.example.gov.cn/zwgk/201611/t20161108_88.html"

PAGES = {
    "trs": ("trs_detail_document.html", TRS_URL, "text/html; charset=utf-8"),
    "hanweb": ("hanweb_detail.html", HANWEB_URL, "text/html"),
    "gbk": ("gbk_detail.html", GBK_URL, "text/html; charset=utf-8"),
    "strong": ("strong_label_detail.html", "http://www.example.gov.cn/a/1.html", None),
    "bold": ("bold_label_detail.html", "http://www.gov.cn/zhengce/content/2017-06/08/content_1.htm", None),
    "inline": ("inline_bold_detail.html", "http://www.example.gov.cn/a/2.html", None),
    "picture": ("picture_detail.html", "http://www.example.gov.cn/tpxw/201804/t20180402_1.html", None),
    "video": ("video_detail.html", "http://www.example.gov.cn/sp/1.html", None),
    "ucap": ("ucap_detail.shtml", "http://www.szq.gov.cn/szqrmzf/zcwj/202103/5f1c.shtml", None),
}

_cache: dict[str, Detail] = {}


def detail(page: str) -> Detail:
    if page not in _cache:
        name, url, content_type = PAGES[page]
        _cache[page] = extract_detail(url, page_bytes(name), content_type, "demo")
    return _cache[page]


FIELDS = [
    # TRS government document: full-width padded labels, several pairs a row, attachments
    ("trs", "title", "示例县人民政府关于印发2018年重点工作任务分解方案的通知"),
    ("trs", "index_no", "000014348/2018-00123"),
    ("trs", "doc_no", "示府发〔2018〕5号"),
    ("trs", "publisher", "示例县人民政府办公室"),
    ("trs", "topic", "综合政务\\政务公开"),
    ("trs", "validity", "现行有效"),
    ("trs", "published_raw", "2018年03月05日"),
    ("trs", "written_raw", "2018年03月01日"),
    ("trs", "pubdate_meta_raw", "2018-03-06 09:30"),
    ("trs", "published_on", date(2018, 3, 5)),
    ("trs", "written_on", date(2018, 3, 1)),
    ("trs", "url_date", date(2018, 3, 5)),
    ("trs", "column_name_meta", "政府文件"),
    ("trs", "images", [TRS_DIR + "W020180305123456.jpg"]),
    ("trs", "videos", []),
    ("trs", "kind", "document"),
    ("trs", "encoding", "utf-8"),
    ("trs", "fetch_status", "ok"),
    ("trs", "http_status", 200),
    ("trs", "site", "demo"),
    # Hanweb detail: <li><span>label：</span>value</li>
    # 开普云: <UCAPTITLE> and <UCAPCONTENT>, a <title> that starts with the site name
    ("ucap", "title", "示例区人民政府关于印发2021年为民办实事项目的通知"),
    ("ucap", "pubdate_meta_raw", "2021-03-15 10:20"),
    ("ucap", "published_on", date(2021, 3, 15)),
    ("ucap", "column_name_meta", "政策文件"),
    (
        "ucap",
        "body_text",
        "各街道办事处，区各委、办、局：\n现将《2021年为民办实事项目》印发给你们，请认真贯彻落实。\n"
        "附件：2021年为民办实事项目.pdf",
    ),
    (
        "ucap",
        "attachments",
        [
            Attachment(
                "http://www.szq.gov.cn/szqrmzf/zcwj/202103/P020210315123456.pdf",
                "附件：2021年为民办实事项目.pdf",
            )
        ],
    ),
    ("hanweb", "title", "示例市人民政府办公室关于做好春季森林防火工作的通知"),
    ("hanweb", "index_no", "01527918X/2018-00031"),
    ("hanweb", "doc_no", "示政办发〔2018〕12号"),
    ("hanweb", "publisher", "示例市人民政府办公室"),
    ("hanweb", "topic", "农业、林业、水利"),
    ("hanweb", "validity", "有效"),
    ("hanweb", "published_raw", "2018-03-02"),
    ("hanweb", "written_raw", None),
    ("hanweb", "published_on", date(2018, 3, 2)),
    ("hanweb", "url_date", date(2018, 3, 2)),
    ("hanweb", "column_name_meta", "通知公告"),
    ("hanweb", "kind", "document"),
    # GBK bytes under a lying utf-8 header; empty 文号 cell
    ("gbk", "title", "关于征求《示例县城乡供水管理办法（征求意见稿）》意见的公告"),
    ("gbk", "index_no", "000014350/2016-00088"),
    ("gbk", "publisher", "示例县水利局"),
    ("gbk", "doc_no", None),
    ("gbk", "published_raw", "2016年11月8日"),
    ("gbk", "published_on", date(2016, 11, 8)),
    ("gbk", "encoding", "gb18030"),
    ("gbk", "kind", "article"),
    (
        "gbk",
        "attachments",
        [
            Attachment(
                GBK_URL.rsplit("/", 1)[0] + "/P020161108000001.doc",
                "示例县城乡供水管理办法（征求意见稿）.doc",
            )
        ],
    ),
    # <p><strong>索引号</strong>：…</p>
    ("strong", "title", "关于公布2019年县级权责清单的公告"),
    ("strong", "index_no", "sggzyjyzx/2019-00002"),
    ("strong", "publisher", "示例县审改办"),
    ("strong", "doc_no", None),
    ("strong", "published_raw", "2019年6月3日"),
    ("strong", "written_raw", "2019-05-30"),
    ("strong", "published_on", date(2019, 6, 3)),
    ("strong", "written_on", date(2019, 5, 30)),
    ("strong", "url_date", None),
    ("strong", "kind", "article"),
    (
        "strong",
        "body_text",
        "根据省市关于推行权责清单制度的部署，现将我县2019年县级权责清单予以公布。\n特此公告。",
    ),
    # gov.cn <td><b>发文字号：</b></td><td>…</td>
    ("bold", "title", "国务院办公厅关于印发政府网站发展指引的通知"),
    ("bold", "index_no", "000014349/2017-00110"),
    ("bold", "doc_no", "国办发〔2017〕47号"),
    ("bold", "publisher", "国务院办公厅"),
    ("bold", "topic", "综合政务\\政务公开"),
    ("bold", "written_raw", "2017年05月15日"),
    ("bold", "published_raw", "2017年06月08日"),
    ("bold", "kind", "document"),
    # <b>发文字号：</b>value inline, and plain "label：value　label：value" text
    ("inline", "title", "县卫健委2020年工作总结"),
    ("inline", "doc_no", "示卫发〔2020〕3号"),
    ("inline", "published_raw", "2020-12-30"),
    ("inline", "index_no", "11361000MB1234567X/2020-00045"),
    ("inline", "publisher", "示例县卫生健康委员会"),
    # picture item: <base href>, data-src, short caption
    ("picture", "title", "春耕备耕图片新闻"),
    (
        "picture",
        "images",
        [
            "http://www.example.gov.cn/tpxw/201804/W020180402000001.jpg",
            "http://www.example.gov.cn/images/2018/W020180402000002.png",
        ],
    ),
    ("picture", "kind", "picture"),
    ("picture", "published_on", date(2018, 4, 2)),
    ("picture", "body_text", "图为农民在田间春耕。"),
    # video item
    (
        "video",
        "videos",
        [
            "http://www.example.gov.cn/video/2019/zfgzbg.mp4",
            "https://media.example.gov.cn/v/jiedu.webm",
            "http://www.example.gov.cn/sp/flash/interview.flv",
            "http://www.example.gov.cn/video/2019/full.mp4",
        ],
    ),
    ("video", "kind", "video"),
    ("video", "published_on", None),
]


@pytest.mark.parametrize(("page", "field", "expected"), FIELDS, ids=[f"{p}-{f}" for p, f, _ in FIELDS])
def test_detail_field(page: str, field: str, expected: object) -> None:
    assert getattr(detail(page), field) == expected


def test_trs_attachments_from_body_and_attachment_block() -> None:
    assert detail("trs").attachments == [
        Attachment(TRS_DIR + "P020180305123456789012.pdf", "1.示例县2018年重点工作任务分解方案.pdf"),
        Attachment(TRS_DIR + "P020180305123456789013.docx", "2.任务分解表.docx"),
        Attachment("http://www.example.gov.cn/download.jsp?id=77", "3.联系人名单.xlsx"),
        Attachment(TRS_DIR + "P020180305123456789099.wps", "汇总表.wps"),
    ]


def test_trs_body_text_excludes_hidden_nav_and_footer() -> None:
    text = detail("trs").body_text
    assert text.startswith("各乡（镇）人民政府，县政府各部门：\n现将《示例县2018年")
    assert not any(noise in text for noise in ("隐藏的内容", "当前位置", "版权所有", "访问量", "分享到"))


def test_hanweb_publisher_ignores_information_source() -> None:
    assert "市林业局" not in (detail("hanweb").publisher or "")


def test_content_hash_is_sha256_hex() -> None:
    digest = detail("trs").content_hash or ""
    assert len(digest) == 64 and int(digest, 16) >= 0


def test_content_hash_ignores_visit_counter_and_navigation() -> None:
    name, url, content_type = PAGES["trs"]
    changed = (
        page_bytes(name)
        .replace(b'<span id="count">1234</span>', b'<span id="count">99999</span>')
        .replace(
            b'<a href="/zwgk/">',
            b'<a href="/xxgk/">\xe6\x96\xb0\xe6\xa0\x8f\xe7\x9b\xae</a><a href="/zwgk/">',
        )
    )
    assert extract_detail(url, changed, content_type, "demo").content_hash == detail("trs").content_hash


def test_content_hash_changes_with_body() -> None:
    name, url, content_type = PAGES["trs"]
    changed = page_bytes(name).replace("请认真贯彻执行".encode(), "请遵照执行".encode())
    assert extract_detail(url, changed, content_type, "demo").content_hash != detail("trs").content_hash


def test_title_falls_back_to_html_title_without_site_suffix() -> None:
    body = "<html><head><title>关于2018-2020年规划的通知 - 示例县人民政府</title></head><body><p>正文</p></body></html>"
    assert (
        extract_detail("http://x.gov.cn/a.html", body.encode(), None, "demo").title
        == "关于2018-2020年规划的通知"
    )


def test_http_status_is_recorded() -> None:
    name, url, content_type = PAGES["strong"]
    assert extract_detail(url, page_bytes(name), content_type, "demo", http_status=203).http_status == 203


@pytest.mark.parametrize(
    "body", [b"", b"\x00\xff\xfe", b"<html>", b"<?xml version='1.0' encoding='gbk'?><a/>"]
)
def test_extract_detail_survives_degenerate_bodies(body: bytes) -> None:
    assert extract_detail("http://x.gov.cn/a.html", body, None, "demo").fetch_status == "ok"
