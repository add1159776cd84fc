"""Column discovery from a portal's own pages: the home page's nav, hub pages, and their links.

Pure functions over responses; the spider decides what to fetch. A hub page (专栏, a group of
sub-columns) is told from a list page by its links: several content links whose names are
taxonomy nodes and no item links of its own.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from scrapy.http import Response

from taxonomy import Taxonomy

logger = logging.getLogger(__name__)

_NAV_XPATH = (
    "//*[self::nav or contains(concat(' ', normalize-space(@class), ' '), ' nav')"
    " or contains(@id, 'nav') or contains(@class, 'menu') or contains(@id, 'menu')]//a[@href]"
)
_CHROME_XPATH = (
    "ancestor::*[self::nav or self::header or self::footer"
    " or contains(@class, 'nav') or contains(@id, 'nav') or contains(@class, 'menu')"
    " or contains(@class, 'position') or contains(@class, 'breadcrumb') or contains(@class, 'crumb')"
    " or contains(@class, 'footer') or contains(@id, 'footer') or contains(@class, 'header')]"
)
# Links that are never columns: items, traps (calendar, search, print), scripts and downloads.
_NOT_A_COLUMN = re.compile(
    r"(t\d{8}_\d+\.s?html?$|/art/\d{4}/|\.(pdf|docx?|xlsx?|zip|rar|jpg|png|gif|mp4)$"
    r"|search|print|calendar|login|javascript:|mailto:|dataproxy\.jsp)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Link:
    name: str
    url: str


def site_name(response: Response) -> str:
    """The portal's name: the ``SiteName`` meta tag, else the page title."""
    name = response.xpath("//meta[@name='SiteName']/@content").get()
    if not name:
        name = response.xpath("normalize-space(//title)").get() or ""
        name = re.split(r"[-_|｜]", name)[0]
    return name.strip()


def _anchor_links(response: Response, anchors: list, allowed_hosts: set[str]) -> list[Link]:
    seen: set[str] = set()
    links = []
    for anchor in anchors:
        href = anchor.xpath("@href").get("").strip()
        name = anchor.xpath("normalize-space(@title)").get() or anchor.xpath("normalize-space(.)").get() or ""
        if not href or not name or _NOT_A_COLUMN.search(href):
            continue
        url = urldefrag(response.urljoin(href))[0]
        split = urlsplit(url)
        if split.hostname not in allowed_hosts or split.path in ("", "/", "/index.html"):
            continue
        if url not in seen:
            seen.add(url)
            links.append(Link(name.strip(), url))
    return links


def nav_links(response: Response, allowed_hosts: set[str], taxonomy: Taxonomy) -> list[Link]:
    """The home page's top-level column links: its nav, else any link named like a taxonomy node."""
    links = _anchor_links(response, response.xpath(_NAV_XPATH), allowed_hosts)
    if links:
        return links
    every = _anchor_links(response, response.xpath("//a[@href]"), allowed_hosts)
    return [link for link in every if taxonomy.match(link.name) is not None]


def content_links(response: Response, allowed_hosts: set[str]) -> list[Link]:
    """Links in a page's content, leaving out its nav, header, breadcrumb and footer."""
    anchors = [a for a in response.xpath("//body//a[@href]") if not a.xpath(_CHROME_XPATH)]
    return _anchor_links(response, anchors, allowed_hosts)


def hub_children(
    response: Response, allowed_hosts: set[str], taxonomy: Taxonomy, known: set[str]
) -> list[Link]:
    """The sub-column links of a hub page, or [] when the page is not a hub.

    A hub links at least two columns named like taxonomy nodes; links already known (the nav)
    are not its children.
    """
    links = [link for link in content_links(response, allowed_hosts) if link.url not in known]
    named = [link for link in links if taxonomy.match(link.name) is not None]
    return links if len(named) >= 2 else []
