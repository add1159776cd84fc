"""开普云 (Ucap) list pages: ``list.shtml``, ``list_2.shtml`` … with Signature B ``createPageHTML`` paging."""

from __future__ import annotations

from html import escape

from replica.model import Column, ReplicaSite
from replica.render.layout import chain, list_href, page, page_count, short
from replica.render.traps import widget


def page_name(number: int) -> str:
    """Ucap numbering is 1-based: page 1 is ``list.shtml``, page n is ``list_n.shtml``."""
    return "list.shtml" if number == 1 else f"list_{number}.shtml"


def pager(column: Column, number: int) -> str:
    """Signature B: ``createPageHTML(div, totalPages, currentPage, prefix, ext, totalRecords)``."""
    return (
        '<div id="page_div"></div><script>'
        f"createPageHTML('page_div', {page_count(column)}, {number}, 'list', 'shtml', {len(column.items)});"
        "</script>"
    )


def render_list(site: ReplicaSite, column: Column, number: int, charset: str = "utf-8") -> str:
    """List page ``number`` (1-based) of a Ucap column, newest items first."""
    size = column.defn.per_page
    rows = "\n".join(
        f'<li><a href="{list_href(column, item)}" title="{escape(item.title)}" target="_blank">'
        f'{escape(short(item.title))}</a><span class="date">{item.list_date:%Y-%m-%d}</span></li>'
        for item in column.items[(number - 1) * size : number * size]
    )
    body = (
        f'<div class="list_box"><h2 class="column-title">{escape(column.name, quote=False)}</h2>\n'
        f'<div class="list_con"><ul>\n{rows}\n</ul></div>\n{pager(column, number)}</div>'
    )
    return page(
        site,
        f"{column.name}_{site.name}",
        body,
        meta={"ColumnName": column.name, "ColumnType": "列表"},
        charset=charset,
        crumbs=chain(site, column),
        aside=widget(site),
    )
