"""Detail pages: metadata meta tags, the 索引号 table, the CMS's body container, files, and the hijack.

Labels in the 索引号 table are padded the way real templates pad them (``文　　号`` with U+3000,
``索 引 号`` with spaces), so extractors must normalise them. Ucap pages use a bold-label table and
``<UCAPTITLE>``; generic pages ``<p><strong>索引号</strong>：…</p>`` and no meta tags. Every page
carries a 浏览次数 counter the server fills in per request (``VISITS``): chrome, not content.
"""

from __future__ import annotations

from datetime import date
from html import escape

from replica.model import HIJACKED, Item, ReplicaSite
from replica.render.layout import chain, page
from replica.render.traps import PRINT

# Stands for the visit count in a rendered page; the server replaces it on every request.
VISITS = "__REPLICA_VISITS__"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def metadata_table(item: Item) -> str:
    """The 信息公开 metadata block: label/value pairs, two per row."""
    pairs = [
        ("索 引 号", item.index_no),
        ("主题分类", item.topic),
        ("发布机构", item.publisher),
        ("成文日期", cn_date(item.written or item.list_date)),
        ("文　　号", item.doc_no or "无"),
        ("发布日期", cn_date(item.list_date)),
        ("标　　题", item.title),
        ("有 效 性", "有效"),
    ]
    cells = [f'<td class="label">{label}：</td><td>{escape(value)}</td>' for label, value in pairs]
    rows = "\n".join(f"<tr>{cells[i]}{cells[i + 1]}</tr>" for i in range(0, len(cells), 2))
    return f'<table class="xxgk_table">\n{rows}\n</table>'


def ucap_table(item: Item) -> str:
    """The gov.cn / 开普云 metadata table: bold labels in their own cells."""
    pairs = [
        ("索引号", item.index_no),
        ("主题分类", item.topic),
        ("发文机关", item.publisher),
        ("成文日期", cn_date(item.written or item.list_date)),
        ("标　　题", item.title),
        ("发文字号", item.doc_no or "无"),
        ("发布日期", cn_date(item.list_date)),
        ("有 效 性", "有效"),
    ]
    cells = [f"<td><b>{label}：</b></td><td>{escape(value)}</td>" for label, value in pairs]
    rows = "\n".join(f"<tr>{cells[i]}{cells[i + 1]}</tr>" for i in range(0, len(cells), 2))
    return f'<table class="ucap-xxgk">\n{rows}\n</table>'


def generic_fields(item: Item) -> str:
    """The plain ``<p><strong>label</strong>：value</p>`` block of sites without a CMS template."""
    pairs = [
        ("索引号", item.index_no),
        ("发布机构", item.publisher),
        ("主题分类", item.topic),
        ("文号", item.doc_no or "无"),
        ("成文日期", f"{(item.written or item.list_date):%Y-%m-%d}"),
    ]
    return "\n".join(f"<p><strong>{label}</strong>：{escape(value)}</p>" for label, value in pairs)


def content(item: Item) -> str:
    """The article body: pictures, a video, paragraphs, or a body written as HTML (a report)."""
    if item.body_html is not None:
        return item.body_html
    parts = [
        f'<p style="text-align:center"><img src="{img.href}" alt="{escape(img.label)}"></p>'
        for img in item.images
    ]
    if item.video:
        parts.append(f'<p style="text-align:center">{_player(item)}</p>')
    parts.extend(f"<p>{escape(text)}</p>" for text in item.paragraphs)
    return "\n".join(parts)


def _player(item: Item) -> str:
    """The video as the common embed styles show it: a <video>, 腾讯视频's iframe player, a Flash
    player given the file in flashvars, or a ckplayer script (its block shown by the script)."""
    vid = (item.video or "").rsplit("/", 1)[-1].split(".")[0]
    if item.player == "iframe":
        return (
            f'<iframe frameborder="0" width="640" height="360" allowfullscreen="true" '
            f'src="https://v.qq.com/txp/iframe/player.html?vid={vid}&amp;autoplay=false"></iframe>'
        )
    if item.player == "flash":
        return (
            f'<embed src="/images/vcastr3.swf" flashvars="vcastr_file={item.video}&amp;IsAutoPlay=0" '
            'type="application/x-shockwave-flash" width="640" height="360" allowfullscreen="true">'
        )
    if item.player == "ckplayer":
        return (
            '<div id="a1" style="width:640px;height:360px;display:none"></div>'
            '<script type="text/javascript" src="/images/ckplayer/ckplayer.js"></script>'
            f"<script type=\"text/javascript\">var flashvars={{f:'{item.video}',c:0,p:1}};"
            "CKobject.embed('/images/ckplayer/ckplayer.swf','a1','ckplayer_a1','640','360',false,flashvars);"
            "</script>"
        )
    return f'<video src="{item.video}" controls></video>'


def attachments(item: Item) -> str:
    if not item.attachments:
        return ""
    links = "\n".join(f'<a href="{a.href}">{escape(a.label)}</a>' for a in item.attachments)
    return f'<div class="attachments">\n{links}\n</div>'


def toolbar(site: ReplicaSite, item: Item, visits: int | None) -> str:
    """浏览次数 (``VISITS`` until the server fills it in) and, on sites with traps, the print link."""
    count = VISITS if visits is None else str(visits)
    printing = (
        f' <a class="print" href="{PRINT}?id={item.id}" target="_blank">打印本页</a>'
        if site.spec.traps
        else ""
    )
    return f'<div class="toolbar"><span class="visits">浏览次数：{count}</span>{printing}</div>'


def render_detail(site: ReplicaSite, item: Item, charset: str = "utf-8", visits: int | None = None) -> str:
    """The detail page of ``item`` in the style of its home column's CMS."""
    column = site.columns[item.home]
    hanweb = column.cms == "hanweb"
    tools = toolbar(site, item, visits)
    meta = {
        "ColumnName": column.name,
        "ArticleTitle": item.title,
        "PubDate": f"{item.pub:%Y-%m-%d %H:%M}",
        "ContentSource": item.source,
    }
    if column.cms == "generic":
        meta = {}
        body = (
            f'<div class="detail">\n<h1 class="title">{escape(item.title)}</h1>\n'
            f'<div class="property">\n{generic_fields(item)}\n</div>\n'
            f'<div class="time">发布时间：{item.list_date:%Y-%m-%d}　来源：{escape(item.source)}</div>\n{tools}\n'
            f'<div class="content">\n{content(item)}\n</div>\n{attachments(item)}\n</div>'
        )
    elif column.cms == "ucap":
        body = (
            f'<div class="article">\n<h1><UCAPTITLE>{escape(item.title)}</UCAPTITLE></h1>\n{ucap_table(item)}\n'
            f'<div class="info">发布时间：{item.pub:%Y-%m-%d %H:%M}　来源：{escape(item.source)}</div>\n{tools}\n'
            f'<div class="pages_content" id="UCAP-CONTENT">\n{content(item)}\n</div>\n{attachments(item)}\n</div>'
        )
    else:
        opening = '<div id="zoom">' if hanweb else '<div class="TRS_Editor">'
        body = (
            f'<div class="article">\n<h1>{escape(item.title)}</h1>\n{metadata_table(item)}\n'
            f'<div class="info">发布时间：{item.pub:%Y-%m-%d %H:%M}　来源：{escape(item.source)}</div>\n{tools}\n'
            f"{opening}\n{content(item)}\n</div>\n{attachments(item)}\n</div>"
        )
    html = page(
        site,
        f"{item.title}_{site.name}",
        body,
        meta=meta,
        charset=charset,
        crumbs=chain(site, column),
        hanweb=hanweb,
    )
    return hijack(site, html) if item.status == HIJACKED else html


def hijack(site: ReplicaSite, html: str) -> str:
    """What black-hat SEO leaves behind: the county's name swapped for a gambling brand everywhere,
    hidden links to gambling hosts, and a script that redirects visitors arriving from search engines."""
    spec = site.spec
    html = html.replace(spec.site.county, spec.hijack_string)
    links = "".join(
        f'<a href="http://{host}/">{escape(spec.hijack_string)}</a>' for host in spec.hijack_hosts
    )
    target = spec.hijack_hosts[0] if spec.hijack_hosts else "example.invalid"
    injected = (
        f'<div style="display:none">{links}</div>\n'
        '<script>var s=document.referrer;if(s.indexOf("baidu")>0||s.indexOf("sogou")>0||'
        f's.indexOf("so.com")>0){{location.href="http://{target}/";}}</script>\n'
    )
    return html.replace("<body>\n", "<body>\n" + injected, 1)
