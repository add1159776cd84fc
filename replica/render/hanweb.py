"""Hanweb JCMS column pages (first group inline in ``<datastore>``) and ``dataproxy.jsp`` groups."""

from __future__ import annotations

import math
from html import escape

from replica.model import Column, Item, ReplicaSite
from replica.render.layout import chain, page, short
from replica.render.traps import widget

DATAPROXY = "/module/web/jpage/dataproxy.jsp"
# jpage fetches records in groups of three pages.
PAGES_PER_GROUP = 3


def record(item: Item) -> str:
    """One ``<record>`` of a datastore: the list entry as CDATA."""
    entry = (
        f"<li><a href='{item.url}' title='{escape(item.title)}' target='_blank'>{escape(short(item.title))}</a>"
        f"<span>{item.list_date:%Y-%m-%d}</span></li>"
    )
    return f"<record><![CDATA[{entry}]]></record>"


def render_column(site: ReplicaSite, column: Column, charset: str = "utf-8") -> str:
    """The column page: ColId meta, the first group of records inline, and the jpage call."""
    per_page = column.defn.per_page
    total = len(column.items)
    c, u = column.column_id, column.unit_id
    name = site.name
    nextgroup = (
        f'<a href="{DATAPROXY}?page=1&appid=1&webid=1&path=/&columnid={c}&unitid={u}'
        f'&webname={name}&permissiontype=0"></a>'
    )
    records = "\n".join(record(i) for i in column.items[: per_page * PAGES_PER_GROUP])
    datastore = (
        f'<div id="{u}"><script type="text/xml"><datastore>\n'
        f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n<recordset>\n{records}\n</recordset>\n"
        f"</datastore></script></div>"
    )
    jpage = (
        f"<script>var param_{u}={{col:1,appid:1,webid:1,path:'/',columnid:{c},sourceContentType:1,"
        f"unitid:'{u}',webname:'{name}',permissiontype:0}};\n"
        f"$('#{u}').jpage({{dataStore:$('#{u}').find('datastore'),proxyUrl:'{DATAPROXY}',"
        f"perPage:{per_page},totalRecord:{total},groupSize:{PAGES_PER_GROUP},barPosition:'bottom',"
        f"ajaxParam:param_{u},showMode:'full',allowActiveTab:true}});</script>"
    )
    body = f'<div class="list-box"><h2 class="column-title">{escape(column.name, quote=False)}</h2>\n{datastore}\n{jpage}</div>'
    return page(
        site,
        f"{column.name}_{site.name}",
        body,
        meta={"ColumnName": column.name, "ColId": str(c)},
        charset=charset,
        crumbs=chain(site, column),
        aside=widget(site),
        hanweb=True,
    )


def render_dataproxy(column: Column, start: int, end: int, per_page: int) -> str:
    """A dataproxy answer: records ``start``..``end`` (1-based, inclusive); empty past the end."""
    total = len(column.items)
    per_page = per_page if per_page > 0 else column.defn.per_page
    start = max(start, 1)
    chosen = column.items[start - 1 : max(end, start - 1)]
    records = "\n".join(record(i) for i in chosen)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<datastore><totalrecord>{total}</totalrecord><totalpage>{math.ceil(total / per_page)}</totalpage>"
        f"<recordset>\n{records}\n</recordset></datastore>"
    )
