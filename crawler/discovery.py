"""Column discovery from a portal's own pages: the home page's nav, hub pages, and their links.

Pure functions over responses; the spider decides what to fetch. A hub page (专栏, a group of
sub-columns) is told from a list page by its links: several links named like taxonomy nodes
and no item links of its own. Trap patterns (calendar, search, print), sub-column block names,
breadcrumb markup and CMS markers are data, in ``discovery.yaml`` beside this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import yaml
from lxml import etree
from scrapy.http import Response

from crawler.extract.html import inline_text, strip_control_chars
from crawler.extract.listing import entry_row, response_text
from crawler.extract.rows import as_row
from taxonomy import Taxonomy

DISCOVERY_FILE = Path(__file__).with_name("discovery.yaml")
_LOWER = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_CLASS, _ID = _LOWER.format("@class"), _LOWER.format("@id")
_NAV_XPATH = etree.XPath(
    f"//*[self::nav or contains(concat(' ', normalize-space({_CLASS}), ' '), ' nav')"
    f" or contains({_ID}, 'nav') or contains({_CLASS}, 'menu') or contains({_ID}, 'menu')]//a[@href]"
)
_CHROME_XPATH = etree.XPath(
    f"ancestor::*[self::nav or self::header or self::footer"
    f" or contains({_CLASS}, 'nav') or contains({_ID}, 'nav') or contains({_CLASS}, 'menu')"
    f" or contains({_CLASS}, 'position') or contains({_CLASS}, 'breadcrumb') or contains({_CLASS}, 'crumb')"
    f" or contains({_CLASS}, 'footer') or contains({_ID}, 'footer') or contains({_CLASS}, 'header')]"
)
_OUTER_CHROME_XPATH = etree.XPath(
    f"ancestor::*[self::header or self::footer or contains({_CLASS}, 'footer') or contains({_ID}, 'footer')"
    f" or contains({_CLASS}, 'header') or contains({_CLASS}, 'position') or contains({_CLASS}, 'crumb')]"
)
_GROUP_TAGS = ("ul", "ol", "dl", "table", "nav", "div", "section", "p")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_ASCII_SPACE = re.compile(r"[ \t\r\n\f]+")
_ARROWS = re.compile(r"[\s<>‹›«»\u3000\xa0]+")
_ELLIPSIS = re.compile(r"(\.{2,}|…+|。。+)$")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_PARSER = etree.HTMLParser()


@dataclass(frozen=True)
class Rules:
    not_a_column_urls: tuple[re.Pattern[str], ...]
    not_a_column_names: frozenset[str]
    sub_column_tokens: frozenset[str]
    breadcrumb_tokens: frozenset[str]
    breadcrumb_separators: re.Pattern[str]
    breadcrumb_prefixes: tuple[str, ...]
    cms_markers: dict[str, tuple[re.Pattern[str], ...]]
    traps: dict[str, re.Pattern[str]]


@dataclass(frozen=True)
class Link:
    """A link to a possible column. ``provisional`` when the anchor had no usable name (an image
    without alt text, a truncated label): the column page's own name should replace it."""

    name: str
    url: str
    provisional: bool = False


@cache
def load_rules() -> Rules:
    """The rules of ``discovery.yaml``."""
    with DISCOVERY_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return Rules(
        not_a_column_urls=tuple(re.compile(p, re.I) for p in data["not_a_column_urls"]),
        not_a_column_names=frozenset(_word(n) for n in data["not_a_column_names"]),
        sub_column_tokens=frozenset(str(t).lower() for t in data["sub_column_tokens"]),
        breadcrumb_tokens=frozenset(str(t).lower() for t in data["breadcrumb_tokens"]),
        breadcrumb_separators=re.compile(data["breadcrumb_separators"]),
        breadcrumb_prefixes=tuple(data["breadcrumb_prefixes"]),
        cms_markers={
            family: tuple(re.compile(p, re.I) for p in patterns)
            for family, patterns in data["cms_markers"].items()
        },
        traps={kind: re.compile(pattern, re.I) for kind, pattern in data["traps"].items()},
    )


def trap_links(response: Response) -> dict[str, str]:
    """The page's links into traps (calendar, search, print): absolute URL → kind. Never followed;
    counted so a crawl's summary says what it left alone."""
    traps = load_rules().traps
    found: dict[str, str] = {}
    for anchor in _tree(response).iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        for kind, pattern in traps.items():
            if pattern.search(href):
                try:
                    found[urljoin(response.url, href)] = kind
                except ValueError:
                    pass
                break
    return found


def site_name(response: Response) -> str:
    """The portal's name: the ``SiteName`` meta tag, else the page title."""
    name = response.xpath("//meta[@name='SiteName']/@content").get()
    if not name:
        name = response.xpath("normalize-space(//title)").get() or ""
        name = re.split(r"[-_|｜]", name)[0]
    return name.strip()


def is_trap(url: str, name: str = "") -> bool:
    """Whether a link is never a column: an item, a download, a calendar, search or print page."""
    rules = load_rules()
    if _word(name) in rules.not_a_column_names:
        return True
    return any(pattern.search(url) for pattern in rules.not_a_column_urls)


def nav_links(response: Response, allowed_hosts: set[str], taxonomy: Taxonomy) -> list[Link]:
    """The home page's top-level column links: its nav, else any link named like a taxonomy node."""
    root = _tree(response)
    links = _links(response.url, _NAV_XPATH(root), allowed_hosts)
    if links:
        return links
    every = _links(response.url, root.iter("a"), allowed_hosts)
    return [link for link in every if taxonomy.match(link.name) is not None]


def hub_children(
    response: Response, allowed_hosts: set[str], taxonomy: Taxonomy, known: set[str]
) -> list[Link]:
    """The sub-column links of a hub page, or [] when the page is not a hub.

    Sub-column links are read from the content and from sub-column blocks (``div.sub-columns``,
    ``ul.lanmu``, tab strips, left-hand sub-menus, tables), leaving out items (links in dated
    rows), traps and links already known (the nav). A hub links at least two columns named like
    taxonomy nodes, or one inside a sub-column block; its children are the links of the blocks
    holding those names.
    """
    root = _tree(response)
    anchors = [a for a in root.iter("a") if _is_hub_candidate(a)]
    links = _links(response.url, anchors, allowed_hosts, keep_anchor=True)
    own = urldefrag(response.url)[0]
    links = [(link, anchor) for link, anchor in links if link.url not in known and link.url != own]
    named = [anchor for link, anchor in links if taxonomy.match(link.name) is not None]
    if len(named) < 2 and not any(_in_sub_column_block(anchor) for anchor in named):
        return []
    named_groups = {_group(anchor) for anchor in named}
    return [link for link, anchor in links if _group(anchor) in named_groups or _in_sub_column_block(anchor)]


def column_name(response: Response) -> str | None:
    """A column page's own name: its ``ColumnName`` meta, else the last step of its breadcrumb."""
    root = _tree(response)
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "columnname" and (meta.get("content") or "").strip():
            return " ".join((meta.get("content") or "").split())
    steps = breadcrumb(root)
    return steps[-1] if steps else None


def own_name(link: Link, response: Response) -> str:
    """The name a discovered column goes by: the link's, unless the link had none, was cut short
    (``双创政策...``) or is a shortening of the page's own name (双创政策 → 双创政策汇编)."""
    page_name = column_name(response)
    if not page_name:
        return link.name
    stem = _ELLIPSIS.sub("", link.name).strip()
    if (
        link.provisional
        or not stem
        or stem != link.name
        or (page_name.startswith(stem) and page_name != stem)
    ):
        return page_name
    return link.name


def breadcrumb(root: etree._Element) -> list[str]:
    """The steps of the page's breadcrumb (当前位置：首页 > 信息公开 > 政策文件), without 首页."""
    rules = load_rules()
    for element in root.iter():
        if not isinstance(element.tag, str) or rules.breadcrumb_tokens.isdisjoint(_tokens(element)):
            continue
        text = inline_text(element)
        for prefix in rules.breadcrumb_prefixes:
            text = re.sub(rf"^{prefix}\s*[:：]?", "", text)
        steps = [s.strip() for s in rules.breadcrumb_separators.split(text) if s.strip()]
        steps = [s for s in steps if _word(s) not in rules.not_a_column_names]
        if steps:
            return steps
    return []


def detect_cms(response: Response) -> str | None:
    """The CMS family whose markers the page shows most (``trs``, ``hanweb``, ``ucap``), else None."""
    text = response_text(response) + "\n" + response.url
    scores = {
        family: sum(1 for pattern in patterns if pattern.search(text))
        for family, patterns in load_rules().cms_markers.items()
    }
    best = max(scores, key=lambda family: scores[family], default=None)
    return best if best is not None and scores[best] > 0 else None


def _links(
    page_url: str, anchors: Iterable[etree._Element], allowed_hosts: set[str], keep_anchor: bool = False
) -> list:
    seen: set[str] = set()
    links: list = []
    for anchor in anchors:
        href = (anchor.get("href") or "").strip()
        name, provisional = _anchor_name(anchor, href)
        if not href or is_trap(href, name):
            continue
        try:
            url = urldefrag(urljoin(page_url, href))[0]
        except ValueError:
            continue
        split = urlsplit(url)
        if split.hostname not in allowed_hosts or split.path in ("", "/", "/index.html") or is_trap(url):
            continue
        if url not in seen:
            seen.add(url)
            link = Link(name, url, provisional)
            links.append((link, anchor) if keep_anchor else link)
    return links


def _anchor_name(anchor: etree._Element, href: str) -> tuple[str, bool]:
    """The anchor's ``title=``, text, or image alt; else the last step of its URL, provisionally."""
    name = _collapse(anchor.get("title") or "") or _collapse("".join(anchor.itertext()))
    if not name:
        for image in anchor.iter("img"):
            name = _collapse(image.get("alt") or image.get("title") or "")
            if name:
                break
    if name:
        return name, bool(_ELLIPSIS.search(name))
    steps = [s for s in unquote(urlsplit(href).path).split("/") if s and not s.startswith("index.")]
    return (steps[-1] if steps else href), True


def _is_hub_candidate(anchor: etree._Element) -> bool:
    row = entry_row(anchor)
    if row is not None and as_row(row) is not None:
        return False  # an item: its row carries a date
    if _in_sub_column_block(anchor):
        return not _OUTER_CHROME_XPATH(anchor)
    return not _CHROME_XPATH(anchor)


def _in_sub_column_block(anchor: etree._Element) -> bool:
    tokens = load_rules().sub_column_tokens
    return any(not tokens.isdisjoint(_tokens(a)) for a in anchor.iterancestors())


def _group(anchor: etree._Element) -> etree._Element | None:
    """The block a link belongs to: its nearest list, table or division."""
    return next((a for a in anchor.iterancestors() if a.tag in _GROUP_TAGS), None)


def _tree(response: Response) -> etree._Element:
    """The page's tree with nothing removed: nav drop-downs and tab panes are often hidden."""
    text = _XML_DECLARATION.sub("", strip_control_chars(response_text(response)), count=1)
    try:
        root = etree.fromstring(text, _PARSER) if text.strip() else None
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    return root if root is not None else etree.fromstring("<html><body></body></html>", _PARSER)


def _tokens(element: etree._Element) -> set[str]:
    value = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {t for t in _TOKEN_SPLIT.split(value) if t}


def _collapse(text: str) -> str:
    """XPath ``normalize-space``: ASCII whitespace only, so a name keeps its U+3000 (政　府　文　件)."""
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def _word(text: str) -> str:
    return _ARROWS.sub("", str(text))
