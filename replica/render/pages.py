"""The home page, the hub pages of 专栏 and groups, and the 404 page."""

from __future__ import annotations

from html import escape

from replica.model import Column, ReplicaSite
from replica.render.layout import chain, page, short

HOME_BLOCKS = ("今日关注", "政府公告", "乡镇动态", "政府文件", "部门工作")
HOME_BLOCK_SIZE = 8


def render_home(site: ReplicaSite) -> str:
    """The home page: nav plus the latest items of the main news and notice columns."""
    blocks = []
    for name in HOME_BLOCKS:
        column = site.columns.get(name)
        if column is None or column.blocked:
            continue
        rows = "\n".join(
            f'<li><a href="{i.url}" title="{escape(i.title)}" target="_blank">{escape(short(i.title, 24))}</a>'
            f"<span>{i.list_date:%m-%d}</span></li>"
            for i in column.items[:HOME_BLOCK_SIZE]
        )
        blocks.append(
            f'<div class="block"><h3><a href="{column.url}">{escape(name)}</a>'
            f'<a class="more" href="{column.url}">更多&gt;&gt;</a></h3>\n<ul>\n{rows}\n</ul></div>'
        )
    return page(site, site.name, "\n".join(blocks), meta={"ColumnName": "首页"})


def render_hub(site: ReplicaSite, hub: Column) -> str:
    """A hub: the names of its sub-columns and groups, each linked to its own page."""
    rows = "\n".join(
        f'<li><a href="{site.columns[p].url}" title="{escape(site.columns[p].name)}">'
        f"{escape(site.columns[p].name, quote=False)}</a></li>"
        for p in hub.children
    )
    body = f'<div class="hub"><h2 class="column-title">{escape(hub.name, quote=False)}</h2>\n<ul class="sub-columns">\n{rows}\n</ul></div>'
    return page(
        site,
        f"{hub.name}_{site.name}",
        body,
        meta={"ColumnName": hub.name, "ColumnType": "专题"},
        crumbs=chain(site, hub),
    )


def render_not_found(site: ReplicaSite) -> str:
    return page(
        site, "404 页面不存在", '<div class="error"><h2>404</h2><p>您访问的页面不存在或已被删除。</p></div>'
    )
