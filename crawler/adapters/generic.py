"""Any list page: the repeated block of link + date, paged by 下一页 / 尾页 / 共N页 / ``?page=N``.

The last adapter tried. It reads the listing with :mod:`crawler.extract.rows` and the pager with
:mod:`crawler.adapters.pager`; the next page is the 下一页 link when there is one, else the page
parameter plus one while the declared pages allow it. A page that looks like a hub (several
boxes of a few items, "更多" links, no pager) is not taken for a list, so discovery can descend
into it.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urldefrag, urljoin

from lxml import etree
from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import Adapter, ListEntry, ListPage
from crawler.adapters.pager import Pager, current_page, read_pager, with_page
from crawler.extract.html import parse_html
from crawler.extract.listing import response_meta, response_text, usable_href
from crawler.extract.rows import blocks, content_elements, is_more_link, main_block

logger = logging.getLogger(__name__)

MIN_ROWS = 2
MIN_SHARE = 0.5
MAX_MORE_LINKS = 1
_CARRIED_META = ("column_url", "column_path")


class GenericAdapter(Adapter):
    """List pages of any CMS, from the shape of the page alone."""

    name = "generic"

    def detect(self, response: Response) -> bool:
        text = response_text(response)
        if "<" not in text:
            return False
        root = parse_html(text)
        found = blocks(root)
        main = main_block(found)
        if main is None:
            return False
        pager = read_pager(text, root, response.url)
        if _has_pager(pager):
            return True
        share = len(main.rows) / sum(len(block.rows) for block in found)
        return len(main.rows) >= MIN_ROWS and share >= MIN_SHARE and _more_links(root) <= MAX_MORE_LINKS

    def parse_list(self, response: Response, page_index: int) -> ListPage:
        text = response_text(response)
        root = parse_html(text)
        pager = read_pager(text, root, response.url)
        return ListPage(
            entries=block_entries(root, response.url),
            declared_total=pager.total,
            declared_pages=pager.pages,
            next_request=self._next_request(response, page_index, pager),
        )

    def _next_request(self, response: Response, page_index: int, pager: Pager) -> Request | None:
        url = next_page_url(response.url, pager)
        if url is None:
            return None
        meta = response_meta(response)
        next_meta: dict[str, Any] = {key: meta[key] for key in _CARRIED_META if key in meta}
        next_meta.setdefault("column_url", response.url)
        next_meta["page_index"] = page_index + 1
        return Request(url, meta=next_meta)


def next_page_url(url: str, pager: Pager) -> str | None:
    """The 下一页 link; else the page parameter plus one while within the declared pages."""
    here = urldefrag(url)[0]
    if pager.next_url and pager.next_url != here:
        return pager.next_url
    if pager.param is None or pager.pages is None:
        return None
    number = current_page(url, pager) + 1
    if number - pager.first >= pager.pages:
        return None
    return with_page(url, pager.param, number)


def block_entries(root: etree._Element, page_url: str) -> list[ListEntry]:
    """One entry per row of the page's listing (the largest repeated block of link + date)."""
    main = main_block(blocks(root))
    entries: dict[str, ListEntry] = {}
    for row in main.rows if main else []:
        try:
            url = urljoin(page_url, usable_href(row.anchor) or "")
        except ValueError:
            continue
        entries.setdefault(url, ListEntry(url=url, title=row.title, date_raw=row.date_raw))
    return list(entries.values())


def _has_pager(pager: Pager) -> bool:
    return pager.next_url is not None or pager.last_url is not None or (pager.pages or 0) > 1


def _more_links(root: etree._Element) -> int:
    """How many distinct targets the page's "更多>>" links have (a hub has one per box)."""
    targets = {
        usable_href(element)
        for element in content_elements(root)
        if element.tag == "a" and usable_href(element) and is_more_link(element)
    }
    return len(targets)
