"""Generic list pages (no CMS markers): ``list.jsp?page=N``, a ``<dl>`` of entries, a 共N页 pager."""

from __future__ import annotations

from html import escape

from replica.model import Column, ReplicaSite
from replica.render.layout import chain, page, page_count
from replica.render.traps import widget


def pager(count: int, number: int) -> str:
    """``共N页 当前第K页`` and the 首页/上一页/下一页/尾页 links that apply to page ``number``."""
    links = []
    if number > 1:
        links += ['<a href="?page=1">首页</a>', f'<a href="?page={number - 1}">上一页</a>']
    if number < count:
        links += [f'<a href="?page={number + 1}">下一页</a>', f'<a href="?page={count}">尾页</a>']
    return " ".join([f"共{count}页 当前第{number}页", *links])


def render_list(site: ReplicaSite, column: Column, number: int, charset: str = "utf-8") -> str:
    """List page ``number`` (1-based); past the last page the list is empty (暂无信息), as such sites do."""
    size = column.defn.per_page
    chosen = column.items[(number - 1) * size : number * size]
    rows = "\n".join(
        f'<dd><a href="{item.url}">{escape(item.title)}</a><em>[{item.list_date:%Y-%m-%d}]</em></dd>'
        for item in chosen
    )
    body = (
        f'<div class="column-box"><h2>{escape(column.name, quote=False)}</h2>\n'
        f'<div class="news-list"><dl>\n{rows or "<dd>暂无信息</dd>"}\n</dl></div>\n'
        f'<div class="pager">{pager(page_count(column), number)}</div></div>'
    )
    return page(
        site,
        f"{column.name}-{site.name}",
        body,
        charset=charset,
        crumbs=chain(site, column),
        aside=widget(site),
    )
