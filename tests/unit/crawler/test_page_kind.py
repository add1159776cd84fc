"""A page's own kind and its evidence (crawler/extract/pagekind): players of the common embed styles,
photo-dominant pages, and saved real pages read by hand."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
import yaml
from realcorpus import RealCase, detail_cases

from crawler.extract import extract_detail

logger = logging.getLogger(__name__)

URL = "http://www.example.gov.cn/spxw/202301/t20230105_1.html"
TEXT = "<p>" + "青石县召开全县经济工作会议，部署二〇二三年重点任务，县长作工作报告。" * 3 + "</p>"


def _page(body: str, outside: str = "") -> str:
    return (
        f"<html><head><title>t</title></head><body><div class='nav'>{outside}</div>"
        f"<div class='article'><div id='zoom'>{body}</div></div></body></html>"
    )


def _kind(html: str) -> tuple[str, str, list[str]]:
    detail = extract_detail(URL, html.encode("utf-8"), "text/html; charset=utf-8", "demo")
    return detail.kind, detail.kind_reason, detail.videos


VIDEO_PAGES = [
    pytest.param(
        "<p><video controls><source src='/v/a.mp4' type='video/mp4'></video></p>" + TEXT,
        "video: <source> mp4",
        "http://www.example.gov.cn/v/a.mp4",
        id="video-source",
    ),
    pytest.param(
        "<iframe frameborder='0' src='https://v.qq.com/txp/iframe/player.html?vid=m13563cy49o'"
        " allowfullscreen='true'></iframe>" + TEXT,
        "video: <iframe> v.qq.com",
        "https://v.qq.com/txp/iframe/player.html?vid=m13563cy49o",
        id="iframe-qq",
    ),
    pytest.param(
        "<iframe src='//player.bilibili.com/player.html?bvid=BV1xx411c7mD&page=1'></iframe>",
        "video: <iframe> player.bilibili.com",
        "http://player.bilibili.com/player.html?bvid=BV1xx411c7mD&page=1",
        id="iframe-bilibili",
    ),
    pytest.param(
        "<embed src='http://player.youku.com/player.php/sid/XNTkwNDUxNTQ4MA==/v.swf'"
        " allowFullScreen='true' type='application/x-shockwave-flash'>",
        "video: <embed> player.youku.com",
        "http://player.youku.com/player.php/sid/XNTkwNDUxNTQ4MA==/v.swf",
        id="embed-youku-flash",
    ),
    pytest.param(
        "<p><embed src='/swf/vcastr3.swf' flashvars='vcastr_file=/upload/2013/x.flv&amp;IsAutoPlay=0'"
        " type='application/x-shockwave-flash' width='500' height='400'></p>" + TEXT,
        "video: flash vcastr3.swf",
        "http://www.example.gov.cn/upload/2013/x.flv",
        id="embed-swf-flashvars",
    ),
    pytest.param(
        "<object classid='clsid:D27CDB6E-AE6D-11cf-96B8-444553540000' width='480' height='360'>"
        "<param name='movie' value='/player/flvplayer.swf?file=/video/2012/a.flv'></object>",
        "video: flash flvplayer.swf",
        "http://www.example.gov.cn/video/2012/a.flv",
        id="object-param-movie",
    ),
    pytest.param(
        # how the 北京 区 TRS templates embed a video (www.bjshy.gov.cn, www.bjdx.gov.cn: their script
        # reads param[name=FlashVars], drops "f=" and writes a <video> of the rest)
        "<p><object id='v1' width='600' height='400'><param name='FlashVars'"
        " value='f=/web/sp/202301/W020230105.mp4&amp;p=0'><param name='bgcolor' value='/p/a.jpg'></object></p>"
        + TEXT,
        "video: flash flashvars",
        "http://www.example.gov.cn/web/sp/202301/W020230105.mp4",
        id="object-flashvars-only",
    ),
    pytest.param(
        "<div id='a1'></div><script type='text/javascript'>var flashvars={f:'/video/2016/b.mp4',c:0};"
        "CKobject.embed('/ckplayer/ckplayer.swf','a1','ckplayer_a1','600','400',false,flashvars);</script>",
        "video: script ckplayer",
        "http://www.example.gov.cn/video/2016/b.mp4",
        id="ckplayer-script",
    ),
    pytest.param(
        # how the 北京 TRS templates embed a video (their IE script turns it into a <video>)
        "<iframe src='/fzggzl/202407/W020240723.mp4' width='600' height='400'></iframe>" + TEXT,
        "video: <iframe> mp4",
        "http://www.example.gov.cn/fzggzl/202407/W020240723.mp4",
        id="iframe-mp4",
    ),
    pytest.param(
        # the Windows Media Player <object> of sctcm.sc.gov.cn, alone (there it follows a <video>)
        "<p><object classid='clsid:6bf52a52-394a-11d3-b153-00c04f79faa6' width='480' height='400'>"
        "<param name='url' value='/sctcm/szdt/2023/7/19/b024/files/0bc37.f10002.mp4'>"
        "<param name='autostart' value='true'></object></p>" + TEXT,
        "video: <object> mp4",
        "http://www.example.gov.cn/sctcm/szdt/2023/7/19/b024/files/0bc37.f10002.mp4",
        id="object-wmp-param-url",
    ),
    pytest.param(
        "<embed type='application/x-mplayer2' src='/media/c.wmv' autostart='true'>",
        "video: <embed> wmv",
        "http://www.example.gov.cn/media/c.wmv",
        id="embed-wmv",
    ),
]


@pytest.mark.parametrize(("body", "reason", "video"), VIDEO_PAGES)
def test_video_players(body: str, reason: str, video: str) -> None:
    kind, why, videos = _kind(_page(body))
    assert (kind, why) == ("video", reason)
    assert video in videos


NOT_VIDEO = [
    pytest.param(
        "<div style='display:none' id='a1'><script>var size=\"\"; var flashvars={f:size};"
        "CKobject.embed('/ckplayer/ckplayer.swf','a1','ckplayer_a1','100%','100%',false,flashvars);</script></div>",
        id="ckplayer-template-without-a-video",
    ),
    pytest.param("<div><video src='' controls='autobuffer' poster=''></video></div>", id="empty-video"),
    pytest.param(
        "<iframe src='//tianqi.2345.com/plugin/widget/index.htm?s=3' width='220'></iframe>",
        id="weather-iframe",
    ),
    pytest.param("<embed src='/images/banner2012.swf' width='960' height='120'>", id="flash-banner"),
    pytest.param(
        "<object width='960' height='120'><param name='FlashVars' value='pics=/img/a.jpg|/img/b.jpg&amp;texts=a|b'>"
        "</object>",
        id="flashvars-of-a-slideshow",
    ),
    pytest.param("<embed src='https://x.example.com/badge.svg' type='image/svg+xml'>", id="svg-badge"),
    pytest.param(
        "<script>var videoUrl = ''; if (videoUrl && videoUrl.indexOf('.mp4') != -1) {}</script>",
        id="script-without-a-player",
    ),
]


@pytest.mark.parametrize("body", NOT_VIDEO)
def test_no_video(body: str) -> None:
    assert _kind(_page(body + TEXT))[0] == "article"


def test_a_player_in_the_navigation_is_not_the_pages() -> None:
    outside = "<video src='/v/promo.mp4'></video>"
    assert _kind(_page(TEXT, outside=outside))[0] == "article"


def test_photo_dominant_pages() -> None:
    photos = "".join(f"<p><img src='/p/{n}.jpg'></p><p>图为第{n}个会场。</p>" for n in range(3))
    kind, why, _ = _kind(_page(photos))
    assert (kind, why) == ("picture", "3 images, 26 chars of text")
    # one photo and several paragraphs: an article by its page (its column may still say picture)
    kind, why, _ = _kind(_page("<p><img src='/p/1.jpg'></p>" + TEXT * 3))
    assert kind == "article" and why.startswith("1 images, ")


def test_file_type_icons_and_spacers_are_no_pictures() -> None:
    # a notice with three attachments, each with its file-type icon: an article, and no images
    attachments = "".join(
        f"<p><a href='/u/{n}.pdf'><img src='/images/{icon}'>附件{n}</a></p>"
        for n, icon in enumerate(("icon_pdf.gif", "doc.gif", "ico-xls.png"))
    )
    detail = extract_detail(URL, _page(TEXT + attachments).encode(), "text/html; charset=utf-8", "demo")
    assert (detail.kind, detail.images) == ("article", [])
    spacer = "<p><img src='/images/spacer.gif'><img src='/p/photo.jpg'></p>" + TEXT
    detail = extract_detail(URL, _page(spacer).encode(), "text/html; charset=utf-8", "demo")
    assert detail.images == ["http://www.example.gov.cn/p/photo.jpg"]


def test_a_document_with_photos_is_a_document() -> None:
    import lxml.html

    from crawler.extract.pagekind import page_kind

    container = lxml.html.fromstring("".join(f"<div><p><img src='/p/{n}.jpg'></p></div>" for n in range(3)))
    images = [f"http://www.example.gov.cn/p/{n}.jpg" for n in range(3)]
    assert page_kind(container, URL, "现将有关事项通知如下。", images, None).kind == "picture"
    found = page_kind(container, URL, "现将有关事项通知如下。", images, "青政发〔2018〕3号")
    assert (found.kind, found.reason) == ("document", "文号 青政发〔2018〕3号")


def test_a_named_flash_player_without_a_video_file_gives_no_source() -> None:
    body = "<embed src='/swf/player.swf' type='application/x-shockwave-flash'>" + TEXT
    kind, why, videos = _kind(_page(body))
    assert kind == "video" and videos == []  # the player's .swf is no video of its own


def test_a_long_script_is_scanned_in_linear_time() -> None:
    import time

    script = "<script>var ckplayer = '" + "a" * 200_000 + "';</script>"
    started = time.monotonic()
    _kind(_page(TEXT + script))
    assert time.monotonic() - started < 5  # the old forward scan took minutes


# Hand-read: case id → (page kind, what the HTML shows).
REAL_KINDS = {
    "sctcm-sc-gov-cn/detail-20230719.html": (
        "video",
        "a <video src=…f10002.mp4 controls> at the top of the article body, an old <object>/<embed> "
        "x-mplayer2 fallback of the same mp4 below it",
    ),
    "jnwl-jinan-gov-cn/art_42918_3436693.html": (
        "picture",
        "a photo report: one intro paragraph, then ten photos each under a one-line caption "
        "(7月8日上午，…带队…调研), then one closing paragraph",
    ),
    "whlyw-cq-gov-cn/t20210713_9468077.html": (
        "article",
        "the template's ckplayer block (div#a1 display:none, CKobject.embed of ckplayer.swf) is on the "
        'page, but its video is empty (var size=""): six paragraphs of text, no video',
    ),
    "www-sjz-gov-cn/detail-20240702.html": (
        "article",
        'a hidden div.dnsp holds <video src="" poster=""> with no source; the body is a call for entries',
    ),
    "www-fjax-gov-cn/t20230328_2972863.htm": (
        "article",
        "a script would write a <video> into #js_video only if videoUrl were set; it is ''",
    ),
    "www-pingtan-gov-cn/t20250321_97999.htm": (
        "article",
        "the template loads /res/ckplayer/ckplayer.js for every page; this one is a text report",
    ),
    "jyt-zj-gov-cn/art_1543973_58942886.html": (
        "article",
        "four photos above one 800-character report: the text carries the news",
    ),
    "www-suibin-gov-cn/detail-20240705.html": (
        "article",
        "a meeting report, paragraphs with photos between them; the <embed> is an SVG badge in the footer",
    ),
    "www-gxzf-gov-cn/t19107548.shtml": ("article", "a text report; the only <iframe> is a weather widget"),
    "www-gz-gov-cn/post_9360641.html": (
        "article",
        "the template loads aliplayer (css and js) on every page; no prism player, no video in the report",
    ),
    "fgw-beijing-gov-cn/t20240723_3757271.htm": (
        "article",
        "a script would turn an <iframe src=…mp4> of the body into a <video>; the body has no iframe",
    ),
    "www-bjshy-gov-cn/index.html": (
        "article",
        "a script would replace an <object> with <param name=FlashVars value=f=…> by a <video>; the body "
        "(a calligraphy event report) has no object",
    ),
    "www-bjdx-gov-cn/index.html": (
        "article",
        "the same FlashVars→<video> script over #articleWrap object; no object in the body",
    ),
    "www-gd-gov-cn/post_4100825.html": ("article", "aliplayer css and js in the template; a text report"),
    "www-foshan-gov-cn/post_6031144.html": ("article", "aliplayer css and js in the template; a text report"),
    "wtl-sz-gov-cn/post_10963132.html": ("article", "aliplayer css and js in the template; a text report"),
    "www-by-gov-cn/post_9901188.html": ("article", "aliplayer css and js in the template; a text report"),
    "www-gzns-gov-cn/post_9687413.html": (
        "article",
        "aliplayer css and js in the template; a training report with one photo",
    ),
    "zdb-beijing-gov-cn/detail-20231114.html": (
        "article",
        "an event report listed in 热点关注: a paragraph, two photos, two paragraphs, four photos, then four "
        "participants' quotes (about 1000 characters in all)",
    ),
}


# Pages read by hand whose kind zwgk gets wrong for a reason outside the kind rules: case id → why.
KNOWN_MISSES = {
    "www-cznd-gov-cn/241753.html": (
        "article",
        "a text report in table cells; the body is not found (0 characters), so the site's logo and footer "
        "badges count as its pictures",
    ),
}


def _real(case_id: str) -> RealCase:
    return next(case for case in detail_cases() if case.case_id == case_id)


@pytest.mark.parametrize(
    ("case_id", "truth"),
    [
        *(pytest.param(case_id, truth, id=case_id) for case_id, truth in REAL_KINDS.items()),
        *(
            pytest.param(case_id, truth, id=case_id, marks=pytest.mark.xfail(reason=truth[1], strict=True))
            for case_id, truth in KNOWN_MISSES.items()
        ),
    ],
)
def test_real_pages(case_id: str, truth: tuple[str, str]) -> None:
    case = _real(case_id)
    detail = extract_detail(case.url, case.body, None, "real")
    assert detail.kind == truth[0], detail.kind_reason


# Second tier (tests/fixtures/real-kinds/, NOT government portals: see its README): file → (page kind,
# what the HTML shows). Government detail pages with a video are too few in public repositories.
NEWS = Path(__file__).resolve().parents[2] / "fixtures" / "real-kinds"
NEWS_PAGES = {
    page["file"]: page for page in yaml.safe_load((NEWS / "pages.yaml").read_text("utf-8"))["pages"]
}
NEWS_KINDS = {
    "news-hubeidaily-net_2352653.html": (
        "video",
        "秭归融媒体中心's report: three UEditor <video class=edui-faked-video src=…mp4> between its paragraphs",
    ),
    "news-163-com_EOG1Q3BU0001875P.html": (
        "video",
        "<video controls><source type=video/mp4 src=http://flv.bn.netease.com/….mp4> atop div.post_text",
    ),
    "tech-sina-com-cn_doc-iicezzrq4972166.html": (
        "video",
        "<video id=myMovie src=http://edge.ivideo.sina.com.cn/….mp4> in #artibody, above the report",
    ),
}
NEWS_MISSES = {
    "tv-cctv-cn_hongxingshanshan.html": (
        "video",
        "a film's page whose player vodplayer.js writes from var guid=…; the markup names no video address",
    ),
}


@pytest.mark.parametrize(
    ("name", "truth"),
    [
        *(pytest.param(name, truth, id=name) for name, truth in NEWS_KINDS.items()),
        *(
            pytest.param(name, truth, id=name, marks=pytest.mark.xfail(reason=truth[1], strict=True))
            for name, truth in NEWS_MISSES.items()
        ),
    ],
)
def test_real_news_pages(name: str, truth: tuple[str, str]) -> None:
    page = NEWS_PAGES[name]
    body = (NEWS / name).read_bytes()
    assert hashlib.sha256(body).hexdigest() == page["sha256"]
    detail = extract_detail(page["url"], body, None, "real")
    assert detail.kind == truth[0], detail.kind_reason


def test_every_news_page_has_a_truth() -> None:
    assert set(NEWS_PAGES) == set(NEWS_KINDS) | set(NEWS_MISSES)
