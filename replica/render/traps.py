"""Crawler traps: the calendar widget and search box of list pages, print views, and the endless pages
behind them. Every trap page answers 200 and links to further generated trap pages, never to an item.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from html import escape
from urllib.parse import quote

from replica.model import Item, ReplicaSite
from replica.render.layout import page

# What truth's special.traps lists: a kind, a regular expression on "path?query", an example.
TRAPS: tuple[dict[str, str], ...] = (
    {"kind": "calendar_query", "pattern": r"[?&]date=\d{4}-\d{2}-\d{2}(&|$)", "example": "list.jsp?date=2019-03-05"},
    {"kind": "calendar_page", "pattern": r"^/calendar/\d{4}/\d{2}/\d{2}\.html$", "example": "/calendar/2019/03/05.html"},
    {"kind": "search", "pattern": r"^/search\.jsp(\?|$)", "example": "/search.jsp?q=%E6%94%BF%E5%BA%9C&page=2"},
    {"kind": "print", "pattern": r"^/print\.jsp\?id=", "example": "/print.jsp?id=2040&page=2"},
)  # fmt: skip
CALENDAR_PREFIX = "/calendar/"
SEARCH = "/search.jsp"
PRINT = "/print.jsp"
HOT_WORDS = ("政府信息公开", "招标公告", "政策解读", "人事任免")


def search_href(query: str, number: int = 1) -> str:
    suffix = f"&page={number}" if number > 1 else ""
    return f"{SEARCH}?q={quote(query)}{suffix}"


def calendar_href(day: date) -> str:
    return f"{CALENDAR_PREFIX}{day:%Y/%m/%d}.html"


def search_box() -> str:
    hot = " ".join(f'<a href="{search_href(w)}">{escape(w)}</a>' for w in HOT_WORDS)
    return (
        f'<form class="search" action="{SEARCH}" method="get"><input type="text" name="q">'
        f'<input type="submit" value="搜索"></form>\n<p class="hot">热门搜索：{hot}</p>'
    )


def widget(site: ReplicaSite) -> str:
    """The sidebar of list pages: this month's calendar (``?date=`` links), a day archive link, search."""
    if not site.spec.traps:
        return ""
    today = site.as_of
    days = calendar.monthrange(today.year, today.month)[1]
    cells = "".join(
        f'<a href="?date={today.year}-{today.month:02d}-{d:02d}">{d}</a>' for d in range(1, days + 1)
    )
    return (
        f'<div class="sidebar">\n<div class="calendar"><h4>{today.year}年{today.month:02d}月</h4>'
        f'<div class="days">{cells}</div>\n'
        f'<p><a href="{calendar_href(today)}">按日期浏览</a></p></div>\n{search_box()}\n</div>'
    )


def render_calendar(site: ReplicaSite, day: date, query_style: bool) -> str:
    """A day of the calendar: nothing published that day, links to the days around it, for ever."""
    prev, after = day - timedelta(days=1), day + timedelta(days=1)

    def href(d: date) -> str:
        return f"?date={d:%Y-%m-%d}" if query_style else calendar_href(d)

    body = (
        f'<div class="calendar-day"><h2>{day.year}年{day.month:02d}月{day.day:02d}日</h2>\n'
        "<p>该日暂无发布信息。</p>\n"
        f'<p><a href="{href(prev)}">前一天</a> <a href="{href(after)}">后一天</a> '
        f'<a href="{calendar_href(day - timedelta(days=30))}">上个月</a> '
        f'<a href="{calendar_href(day + timedelta(days=30))}">下个月</a></p>\n{search_box()}</div>'
    )
    return page(site, f"{day:%Y-%m-%d}_{site.name}", body)


def render_search(site: ReplicaSite, query: str, number: int) -> str:
    """Search results that never end: no hits, but always a next page and more searches."""
    body = (
        f'<div class="search-result"><h2>搜索：{escape(query)}</h2>\n'
        f"<p>共找到相关结果约{1000 + number * 10}条，第{number}页。</p>\n"
        f'<p><a href="{search_href(query, number + 1)}">下一页</a> '
        f'<a href="{search_href(query + "公开", 1)}">{escape(query)}公开</a></p>\n{search_box()}</div>'
    )
    return page(site, f"搜索结果_{site.name}", body)


def render_print(site: ReplicaSite, item: Item | None, item_id: int, number: int) -> str:
    """A print view: a copy of the item's text (not an item itself) with an endless 下一页."""
    text = (
        f"<h1>{escape(item.title)}</h1>\n" + "\n".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
        if item is not None
        else "<p>无打印内容。</p>"
    )
    body = (
        f'<div class="print-view">{text}\n'
        f'<p><a href="{PRINT}?id={item_id}&page={number + 1}">下一页</a> '
        '<a href="javascript:window.print()">打印</a></p></div>'
    )
    return page(site, f"打印_{site.name}", body)
