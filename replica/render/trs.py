"""TRS WCM list pages: ``index.html``, ``index_1.html`` … with ``createPageHTML`` paging."""

from __future__ import annotations

from html import escape

from replica.model import Column, ReplicaSite
from replica.render import trs_shapes as shapes
from replica.render.layout import chain, page, page_count
from replica.render.traps import widget


def page_name(index: int, column: Column | None = None) -> str:
    """TRS numbering is 0-based: page 0 is ``index.html``, page k is ``index_k.html`` (or as the
    column's list style names it: reversed, ``.jhtml``)."""
    if column is not None:
        return shapes.page_file(column.defn.list_style, index, page_count(column))
    return "index.html" if index == 0 else f"index_{index}.html"


def render_list(site: ReplicaSite, column: Column, index: int, charset: str = "utf-8") -> str:
    """List page ``index`` (0-based) of a TRS column, newest items first."""
    size = column.defn.per_page
    count = page_count(column)
    items = column.items[index * size : (index + 1) * size]
    style = column.defn.list_style
    rows = shapes.block_rows(column, items) if style == "blocks" else shapes.plain_rows(column, items)
    if style == "post_api":
        rows = '<ul class="list" id="list"></ul>'  # the script fills it from the search API
    body = (
        f'<div class="list-box"><h2 class="column-title">{escape(column.name, quote=False)}</h2>\n'
        f"{rows}\n"
        f"{shapes.pager(style, count, index, len(column.items))}</div>"
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
