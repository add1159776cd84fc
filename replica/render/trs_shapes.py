"""Real-world TRS list shapes: sibling blocks of five, static 下一页 links, onclick and ``<select>`` pagers.

Each shape imitates a real portal's markup (平潭's ``ms-visible`` blocks, 宜春旅游's onclick next
link) with the replica's own fictional items; ``plain`` keeps the ``createPageHTML`` page.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from replica.model import Column, Item
from replica.render.layout import list_href, short

BLOCK_SIZE = 5


def _name(index: int) -> str:
    return "index.html" if index == 0 else f"index_{index}.html"


def plain_rows(column: Column, items: Sequence[Item]) -> str:
    rows = "\n".join(
        f'<li><a href="{list_href(column, item)}" title="{escape(item.title)}" target="_blank">'
        f"{escape(short(item.title))}</a><span>{item.list_date:%Y-%m-%d}</span></li>"
        for item in items
    )
    return f'<ul class="list">\n{rows}\n</ul>'


def block_rows(column: Column, items: Sequence[Item]) -> str:
    """Sibling groups of five, all but the first hidden, as 平潭's provincial template shows them."""
    groups = []
    for n, start in enumerate(range(0, len(items), BLOCK_SIZE), 1):
        rows = "\n".join(
            f'\t\t  <li>\n\t\t\t<a href="{list_href(column, item)}" target="_blank" title="{escape(item.title)}">'
            f'{escape(item.title, quote=False)}</a>\n\t\t\t<em id="rel_{item.id}"></em>\n'
            f'\t\t\t<span class="bf-pass">{item.list_date:%Y-%m-%d}</span>\n\t\t  </li>'
            for item in items[start : start + BLOCK_SIZE]
        )
        hidden = "" if n == 1 else ' style="display:none;"'
        groups.append(f'\t<div ms-visible="$showStatic({n})"{hidden}>\n\t  <ul>\n{rows}\n\t  </ul>\n\t</div>')
    return (
        '<div class="list_base list_base_date_01 list_base_file_type mar_t_base" ms-controller="list" '
        f'role="viewlist" des=\'{escape(column.name)}\'>\n<div ms-visible="showStatic">\n'
        + "\n".join(groups)
        + "\n</div>\n</div>"
    )


def pager(style: str, count: int, index: int, total: int) -> str:
    """The pager of list page ``index`` (0-based) of ``count`` pages in the given style."""
    if style == "static":
        links = []
        if index > 0:
            links.append(f'<a href="{_name(0)}">首页</a>')
            links.append(f'<a href="{_name(index - 1)}">上一页</a>')
        if index + 1 < count:
            links.append(f'<a href="{_name(index + 1)}">下一页</a>')
            links.append(f'<a href="{_name(count - 1)}">尾页</a>')
        return f'<div class="page">{" ".join(links)}</div>'
    if style == "onclick":
        parts = [f'<span class="button-area">共{total}条记录 {index + 1}/{count}页</span>']
        if index > 0:
            parts.append(
                f'<a class="prev" href="#" onclick="location.href=\'{_name(index - 1)}\'"> &lt;&lt; </a>'
            )
        if index + 1 < count:
            parts.append(
                f'<a class="next" href="#" onclick="location.href=\'{_name(index + 1)}\'"> &gt;&gt; </a>'
            )
        return f'<div class="pagination">{"".join(parts)}</div>'
    if style == "select":
        options = "".join(
            f'<option value="{_name(n)}"{" selected" if n == index else ""}>{n + 1}</option>'
            for n in range(count)
        )
        return (
            f'<div class="page"><div>共{total}条记录 {index + 1}/{count}页</div>'
            f'<select class="page_zdy" onchange="window.location.href=this.value">{options}</select></div>'
        )
    return f'<div class="page"><script>createPageHTML({count}, {index}, "index", "html");</script></div>'
