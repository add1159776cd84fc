"""The frame every replica page shares: site meta tags, header nav, breadcrumb and footer."""

from __future__ import annotations

import math
from html import escape

from replica.model import Column, Item, ReplicaSite

HANWEB_FOOTER = "Produced By 大汉网络 大汉版通发布系统"


def page(
    site: ReplicaSite,
    title: str,
    body: str,
    *,
    meta: dict[str, str] | None = None,
    charset: str = "utf-8",
    crumbs: list[Column] | None = None,
    hanweb: bool = False,
    aside: str = "",
) -> str:
    """A complete HTML document with the site's meta tags, nav, breadcrumb and footer around ``body``
    (and ``aside``, a sidebar such as the calendar widget, after it)."""
    info = site.spec.site
    tags = {"SiteName": info.name, "SiteDomain": info.domain, "SiteIDCode": info.site_id_code, **(meta or {})}
    metas = "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in tags.items())
    position = breadcrumb(crumbs) if crumbs is not None else ""
    if aside:
        body = f"{body}\n{aside}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(title)}</title>
{metas}
</head>
<body>
{header(site)}
<div class="main">
{position}
{body}
</div>
{footer(site, hanweb)}
</body>
</html>
"""


def header(site: ReplicaSite) -> str:
    """The banner and the nav linking every top-level column."""
    links = "".join(
        f'<li><a href="{c.url}">{escape(c.name, quote=False)}</a></li>' for c in site.top_columns()
    )
    return (
        f'<div class="header"><div class="banner"><a href="/">{escape(site.name)}</a></div>\n'
        f'<ul class="nav"><li><a href="/">首页</a></li>{links}</ul></div>'
    )


def breadcrumb(columns: list[Column]) -> str:
    """当前位置：首页 > column > … for the chain of columns from the top."""
    links = "".join(f' &gt; <a href="{c.url}">{escape(c.name, quote=False)}</a>' for c in columns)
    return f'<div class="position">当前位置：<a href="/">首页</a>{links}</div>'


def chain(site: ReplicaSite, column: Column) -> list[Column]:
    """The column and its ancestors, top first."""
    parts = column.path.split("/")
    return [site.columns["/".join(parts[: i + 1])] for i in range(len(parts))]


def footer(site: ReplicaSite, hanweb: bool = False) -> str:
    info = site.spec.site
    produced = f'<p class="produced">{HANWEB_FOOTER}</p>' if hanweb else ""
    return (
        f'<div class="footer"><p>主办：{escape(info.county)}人民政府办公室　承办：{escape(info.county)}融媒体中心</p>\n'
        f"<p>网站标识码：{info.site_id_code}　{escape(info.icp)}</p>{produced}</div>"
    )


def short(title: str, limit: int = 20) -> str:
    """A list-page title as templates print it: cut to ``limit`` characters with an ellipsis."""
    return title if len(title) <= limit else title[:limit] + "..."


def page_count(column: Column) -> int:
    """How many list pages a column has in any style (an empty column still has its first page)."""
    return max(1, math.ceil(len(column.items) / column.defn.per_page))


def list_href(column: Column, item: Item) -> str:
    """Own items are linked relative (``./201803/…``) as the CMSs print them; cross-posts by path."""
    folder = column.url.rsplit("/", 1)[0] + "/"
    return "./" + item.url[len(folder) :] if item.url.startswith(folder) else item.url
