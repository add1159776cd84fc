"""One item of a replica and where it lives: its URL in its column's CMS style, its files, its body.

Both the first day's build (``replica.build``) and the later days' changes (``replica.changes``)
make items with :func:`make_item`; this module imports neither.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from replica import titles
from replica.model import Attachment, Column, Item
from replica.spec import ColumnDef, Spec

# 主题分类 per taxonomy code prefix, as a 信息公开目录 would print it.
_TOPIC_CLASSES = {
    "ZFWJ": "综合政务\\政府文件",
    "ZFGG": "综合政务\\通知公告",
    "ZDGZ.K02": "财政、金融、审计\\财政",
    "ZDGZ.K06": "财政、金融、审计\\税务",
    "ZDGZ.K08": "财政、金融、审计\\审计",
    "ZDGZ.K10": "公共安全\\安全生产",
    "ZDGZ.GGZY": "城乡建设、环境保护\\公共资源",
    "ZDGZ.SHGY": "卫生、体育\\社会事业",
    "ZDGZ.ZDJS": "城乡建设、环境保护\\重大项目",
    "TP": "综合政务\\政务动态",
    "SPXW": "综合政务\\政务动态",
}
_ATTACHMENT_TYPES = ("pdf", "pdf", "pdf", "docx", "xls")
# The video players of an ``embeds`` column, taken in turn by item id (see replica/render/detail.py)
PLAYERS = ("video", "iframe", "flash", "ckplayer")
ASSET_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "mp4": "video/mp4",
}


def assets_of(items: dict[str, Item]) -> dict[str, str]:
    """Every file the items link to (attachments, pictures, videos), path → extension."""
    assets = {a.path: a.path.rsplit(".", 1)[-1] for item in items.values() for a in _files(item)}
    assets.update({item.video: "mp4" for item in items.values() if item.video})
    return assets


def _files(item: Item) -> tuple[Attachment, ...]:
    return item.attachments + item.images


def folder(column: ColumnDef, spec: Spec) -> str:
    """The URL folder of a TRS column or hub: the abbreviations of it and its ancestors."""
    parts = column.path.split("/")
    abbrs = [spec.column("/".join(parts[: i + 1])).abbr or "" for i in range(len(parts))]
    return "/" + "/".join(a for a in abbrs if a) + "/"


def column_url(column: ColumnDef, spec: Spec, column_id: int) -> str:
    """A column's first list page (TRS, Ucap, generic, hubs) or column page (Hanweb), as a URL path."""
    if column.is_hub or column.cms == "trs":
        return folder(column, spec) + "index.html"
    if column.cms == "ucap":
        return folder(column, spec) + "list.shtml"
    if column.cms == "generic":
        return folder(column, spec) + "list.jsp"
    return f"/col/col{column_id}/index.html"


def item_url(
    spec: Spec, column: ColumnDef, shell: Column, directory: str, pub: datetime, item_id: int
) -> str:
    """An item's detail page path in its column's CMS style (``directory`` is the column's folder)."""
    y, m, d = pub.year, pub.month, pub.day
    if column.cms == "trs":
        return f"{directory}{y}{m:02d}/t{y}{m:02d}{d:02d}_{item_id}.html"
    if column.cms == "ucap":
        # 开普云 names pages by a 32-hex id; derived from the seed so no random draw is spent on it.
        digest = hashlib.md5(f"{spec.seed}:{item_id}".encode(), usedforsecurity=False).hexdigest()
        return f"{directory}{y}{m:02d}/{digest}.shtml"
    if column.cms == "generic":
        return f"/content/{item_id}.html"
    return f"/art/{y}/{m}/{d}/art_{shell.column_id}_{item_id}.html"


def _topic_class(code: str) -> str:
    for prefix in sorted(_TOPIC_CLASSES, key=len, reverse=True):
        if code.startswith(prefix):
            return _TOPIC_CLASSES[prefix]
    return "综合政务\\政务公开"


def make_item(
    spec: Spec,
    rng: random.Random,
    column: ColumnDef,
    shell: Column,
    column_folder: str,
    pub: datetime,
    item_id: int,
    seq: int,
    doc_seq: dict[int, int],
) -> Item:
    """Item ``item_id`` of ``column`` published at ``pub``: title, body, 索引号, 文号 and files drawn
    from ``rng`` in a fixed order (``seq`` numbers the 索引号, ``doc_seq`` the 文号 per year)."""
    site = spec.site
    code = column.taxonomy_code or ""
    y, m, d = pub.year, pub.month, pub.day
    title = titles.make_title(rng, code, site.county, column.name, y, m, d)
    url = item_url(spec, column, shell, column_folder, pub, item_id)
    directory = url.rsplit("/", 1)[0] + "/"
    department = rng.choice(titles.DEPARTMENTS)
    publisher = site.county + (department[1:] if column.path.startswith("部门工作") else "人民政府办公室")
    kind = column.kind
    doc_no = written = None
    attachments: tuple[Attachment, ...] = ()
    images: tuple[Attachment, ...] = ()
    video = None
    paragraphs = titles.make_paragraphs(rng, site.county, y, m, d)
    if kind == "article" and rng.random() < column.doc_ratio:
        doc_seq[y] = doc_seq.get(y, 0) + 1
        doc_no = titles.make_doc_no(rng, site.doc_prefix, y, doc_seq[y])
        written = pub.date() - timedelta(days=rng.randint(1, 9))
        kind = "document"
        attachments = tuple(
            _file(rng, directory, pub, rng.choice(_ATTACHMENT_TYPES), f"附件{i + 1}：{title[:24]}")
            for i in range(rng.randint(1, 2))
        )
    player = "video"
    if kind == "picture" and column.page_style == "text_heavy":
        # as real 图片新闻 pages usually are: one photo, then the story in several paragraphs
        caption = titles.make_caption(rng, title)
        images = (_file(rng, directory, pub, "jpg", caption, "W"),)
        paragraphs = (caption, *paragraphs)
    elif kind == "picture":
        caption = titles.make_caption(rng, title)
        images = tuple(_file(rng, directory, pub, "jpg", caption, "W") for _ in range(rng.randint(2, 4)))
        if column.page_style == "photo":
            # one photo a post (a report's 图片N张 then counts N posts and N photos alike); drawn as
            # the gallery is, so that every later draw of the portal stays the same
            images = images[:1]
        paragraphs = (caption,)
    elif kind == "video":
        video = f"/video/{y}/{m:02d}/{rng.getrandbits(48):012x}.mp4"
        paragraphs = (titles.make_caption(rng, title),)
        if column.page_style == "embeds":
            player = PLAYERS[item_id % len(PLAYERS)]
            paragraphs = (*paragraphs, *titles.make_paragraphs(rng, site.county, y, m, d))
    return Item(
        id=item_id,
        home=column.path,
        url=url,
        title=title,
        pub=pub,
        kind=kind,
        index_no=f"{site.org_code}/{y}-{seq:05d}",
        publisher=publisher,
        source=f"{site.county}融媒体中心" if kind in ("picture", "video") else publisher,
        topic=_topic_class(code),
        doc_no=doc_no,
        written=written,
        paragraphs=paragraphs,
        images=images,
        video=video,
        player=player,
        attachments=attachments,
    )


def _file(
    rng: random.Random, directory: str, pub: datetime, ext: str, label: str, prefix: str = "P"
) -> Attachment:
    name = f"{prefix}0{pub:%Y%m%d}{rng.randint(100000, 999999)}.{ext}"
    return Attachment(
        href=f"./{name}", path=directory + name, label=f"{label}.{ext}" if prefix == "P" else label
    )
