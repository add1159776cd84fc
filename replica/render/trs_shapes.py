"""Real-world TRS list shapes: sibling blocks of five, static 下一页 links, onclick and ``<select>`` pagers,
reversed page names, ``.jhtml`` onclick pagers, and lists a walk cannot finish.

Each shape imitates a real portal's markup (平潭's ``ms-visible`` blocks, 宜春旅游's onclick next
link, ``共1648条记录 6/66页`` with ``location.href='index_7.jhtml'``, TRS's ``maxPageNum-ccc+1``
pager whose page k is named from the end) with the replica's own fictional items; ``plain`` keeps
the ``createPageHTML`` page. Four shapes declare more than a walk can reach, as real portals do:
``overstated`` declares three times its records and pages and links a next page that answers 404,
``script_total`` walks whole by its links but a script declares twice its records and pages,
``script_only`` prints its pager only by a script call naming no page, and ``post_api`` holds no
item in its HTML (its script posts to a search API).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from replica.model import Column, Item
from replica.render.layout import list_href, short

BLOCK_SIZE = 5


# The shapes whose walk cannot reach every record the page declares (see the module's docstring).
SHORT_STYLES = ("overstated", "script_total", "script_only", "post_api")
POST_API_PATH = "/api/zwgk/search"


def _name(index: int) -> str:
    return "index.html" if index == 0 else f"index_{index}.html"


def page_file(style: str, index: int, count: int) -> str:
    """The file name of list page ``index`` (0-based) of ``count`` pages in the given style."""
    if style == "reversed" and index > 0:
        return f"index_{count - index}.html"  # page 2 of 20 is index_19.html
    if style in ("jhtml", "overstated") and index > 0:
        return f"index_{index + 1}.jhtml"  # page 7 is index_7.jhtml
    return _name(index)


def _onclick(word: str, target: str) -> str:
    return f'<a href="javascript:void(0)" onclick="location.href=\'{target}\'">{word}</a>'


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
    if style in ("jhtml", "overstated"):
        # overstated: three times the records and pages, and a 下一页 on every page (past the last: 404)
        factor = 3 if style == "overstated" else 1
        parts = [f'<span class="button-area">共{total * factor}条记录 {index + 1}/{count * factor}页</span>']
        if index > 0:
            parts.append(_onclick("上一页", page_file(style, index - 1, count)))
        if index + 1 < count * factor:
            parts.append(_onclick("下一页", page_file(style, index + 1, count)))
        return f'<div class="pagination">{" ".join(parts)}</div>'
    if style == "reversed":
        hidden = "".join(f"<a href='index_{n}.html'></a>" for n in range(1, count))
        return (
            "<div class='page' id='pag_958'><script>function w(ccc){ s += (maxPageNum-ccc+1); }\n"
            f"var maxPageNum=0; maxPageNum = {count};</script></div>"
            f"<div style='display:none'>{hidden}</div>"
        )
    if style == "script_total":
        links = [f'<a href="{_name(index - 1)}">上一页</a>'] if index > 0 else []
        links += [f'<a href="{_name(index + 1)}">下一页</a>'] if index + 1 < count else []
        script = f"<script>var pageConf = {{recordCount:'{total * 2}', pageSize: 4}}; maxPageNum = {count * 2};</script>"
        return f'<div class="page">{" ".join(links)}{script}</div>'
    if style == "script_only":
        return f'<div class="page"><script>var maxPageNum = {count}; showPager(maxPageNum, {index});</script></div>'
    if style == "post_api":
        return (
            '<div class="page" id="pager"></div><script>$.post(\''
            + POST_API_PATH
            + "', {pageNo: 1, pageSize: 20}, function (data) { render(data); });</script>"
        )
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
