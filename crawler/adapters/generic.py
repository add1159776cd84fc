"""Any list page: the repeated block of link + date, paged by 下一页 / 尾页 / 共N页 / ``?page=N``.

The last adapter tried. It reads the listing with :mod:`crawler.extract.rows` and the pager with
:mod:`crawler.adapters.pager`; the next page is the 下一页 link when there is one, else the page
parameter plus one while the declared pages allow it. A page that looks like a hub (several
boxes of a few items, "更多" links, no pager) is not taken for a list, so discovery can descend
into it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin

from lxml import etree
from scrapy.http import Response

from crawler.adapters.base import Adapter, ListEntry, ListPage
from crawler.adapters.pager import Pager, read_pager
from crawler.adapters.paging import follow, next_page_url, walk_note, with_carried
from crawler.extract.html import is_hidden, parse_listing
from crawler.extract.listing import response_meta, response_text, usable_href
from crawler.extract.rows import blocks, content_elements, is_more_link, main_block

MIN_ROWS = 2
MIN_SHARE = 0.5
MAX_MORE_LINKS = 1


class GenericAdapter(Adapter):
    """List pages of any CMS, from the shape of the page alone."""

    name = "generic"

    def detect(self, response: Response) -> bool:
        text = response_text(response)
        if "<" not in text:
            return False
        root = parse_listing(text)
        found = blocks(root)
        main = main_block(found)
        pager = read_pager(text, root, response.url)
        if main is None:
            return pager.post_api is not None
        if _has_pager(pager):
            return True
        share = len(main.rows) / sum(len(block.rows) for block in found)
        return len(main.rows) >= MIN_ROWS and share >= MIN_SHARE and _more_links(root) <= MAX_MORE_LINKS

    def parse_list(self, response: Response, page_index: int) -> ListPage:
        return universal_page(response, page_index, block_entries)


def universal_page(
    response: Response,
    page_index: int,
    entries_of: Callable[[etree._Element, str], list[ListEntry]],
) -> ListPage:
    """A list page read with the universal pager evidence: entries by ``entries_of`` on the page
    as listed (hidden groups marked), the next page from the pager (or what earlier pages said)."""
    text = response_text(response)
    root = parse_listing(text)
    pager = with_carried(read_pager(text, root, response.url), response_meta(response))
    entries = entries_of(root, response.url)
    url = next_page_url(response.url, pager, page_index)
    return ListPage(
        entries=entries,
        declared_total=pager.total,
        declared_pages=pager.pages,
        next_request=follow(response, page_index, url, pager),
        paging=pager.how,
        walk_note=walk_note(pager, len(entries), url, page_index),
    )


def block_entries(root: etree._Element, page_url: str) -> list[ListEntry]:
    """One entry per row of the page's listing (the largest repeated block of link + date, with
    the other groups of the same list, hidden ones included)."""
    main = main_block(blocks(root, include_hidden=True))
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
        if element.tag == "a" and usable_href(element) and is_more_link(element) and not is_hidden(element)
    }
    return len(targets)
