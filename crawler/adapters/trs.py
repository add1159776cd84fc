"""TRS WCM (拓尔思) list pages: static ``index.html``, ``index_1.html``… with ``t<date>_<id>`` articles.

Declared pages come from ``createPageHTML(N, I, "index", "html")`` (0-based: page k is
``index_k.html``), from ``var countPage = N`` (with ``var countnum`` as the record total), or from
the Beijing form ``createPageHTML(totalRecords, totalPages, currentPage, …)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import Adapter, ListEntry, ListPage
from crawler.adapters.generic import universal_page
from crawler.adapters.paging import cms_note
from crawler.extract.content import in_excluded_region
from crawler.extract.dates import parse_date
from crawler.extract.html import is_hidden, parse_listing
from crawler.extract.listing import (
    anchor_title,
    entry_row,
    nearby_date,
    response_meta,
    response_text,
    usable_href,
)
from crawler.extract.rows import same_list

DETAIL_HREF = re.compile(r"(?:^|/)t\d{8}_\d+\.s?html?(?:[?#].*)?$", re.I)
_DETECT = re.compile(r"createPageHTML\(\s*\d+|var\s+countPage\b|t\d{8}_\d+\.s?html?", re.I)
# Numbers are at most 9 digits: a longer run is no page count (and int() refuses 4300+ digits).
_THREE_NUMBERS = re.compile(
    r"createPageHTML\(\s*(\d{1,9})\s*,\s*(\d{1,9})\s*,\s*(\d{1,9})\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)"
)
_CLASSIC = re.compile(
    r"createPageHTML\(\s*(\d{1,9})\s*,\s*(\d{1,9})\s*,\s*[\"']([\w-]+)[\"']\s*,\s*[\"'](\w+)[\"']"
)
_COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d{1,9})(?!\d)")
_COUNT_NUM = re.compile(r"var\s+countnum\s*=\s*['\"]?(\d{1,9})(?!\d)")
_PAGE_FILE = re.compile(r"^([\w-]+?)(?:_\d+)?\.(s?html?)$", re.I)
_CARRIED_META = ("column_url", "column_path")


@dataclass(frozen=True)
class Paging:
    """What a TRS page declares about its listing and how its pages are named."""

    pages: int | None = None
    total: int | None = None
    name: str = "index"
    ext: str = "html"


class TrsAdapter(Adapter):
    """List pages of TRS WCM sites."""

    name = "trs"

    def detect(self, response: Response) -> bool:
        return bool(_DETECT.search(response_text(response)))

    def parse_list(self, response: Response, page_index: int) -> ListPage:
        text = response_text(response)
        paging = declared_paging(text)
        if paging.pages is None:
            # no createPageHTML / countPage: walk by the page's own 下一页 links or script evidence
            page = universal_page(response, page_index, list_entries)
            if paging.total is not None and page.declared_total is None:
                page.declared_total = paging.total
            return page
        root = parse_listing(text)
        return ListPage(
            entries=list_entries(root, response.url),
            declared_total=paging.total,
            declared_pages=paging.pages,
            next_request=self._next_request(response, page_index, paging),
            paging="cms",
            walk_note=cms_note(text, root, response.url),
        )

    def _next_request(self, response: Response, page_index: int, paging: Paging) -> Request | None:
        if paging.pages is None or page_index + 1 >= paging.pages:
            return None
        meta = response_meta(response)
        column_url = str(meta.get("column_url") or page_url(response.url, 0, paging))
        url = page_url(column_url, page_index + 1, paging)
        next_meta: dict[str, Any] = {key: meta[key] for key in _CARRIED_META if key in meta}
        next_meta.update(column_url=column_url, page_index=page_index + 1)
        return Request(url, meta=next_meta)


def declared_paging(text: str) -> Paging:
    """Declared page count, record total and page file naming of a TRS list page."""
    match = _THREE_NUMBERS.search(text)
    if match:
        total, pages, _, name, ext = match.groups()
        return Paging(pages=int(pages), total=int(total), name=name, ext=ext)
    match = _CLASSIC.search(text)
    if match:
        pages, _, name, ext = match.groups()
        return Paging(pages=int(pages), name=name, ext=ext)
    count_page = _COUNT_PAGE.search(text)
    count_num = _COUNT_NUM.search(text)
    return Paging(
        pages=int(count_page.group(1)) if count_page else None,
        total=int(count_num.group(1)) if count_num else None,
    )


def page_url(column_url: str, index: int, paging: Paging) -> str:
    """The URL of 0-based page ``index``: ``index.html`` for 0, ``index_<index>.html`` after."""
    path = urlsplit(column_url).path
    is_page_file = bool(_PAGE_FILE.match(path.rsplit("/", 1)[-1]))
    if index == 0 and not is_page_file:
        return column_url
    base = column_url if path.endswith("/") or is_page_file else column_url + "/"
    file_name = f"{paging.name}.{paging.ext}" if index == 0 else f"{paging.name}_{index}.{paging.ext}"
    return urljoin(base, file_name)


def list_entries(root: etree._Element, page_url: str) -> list[ListEntry]:
    """The listing's entries: TRS detail anchors, else dated rows and ``ul.list`` items."""
    return detail_entries(root, page_url) or container_entries(root, page_url, dated_rows=True)


def detail_entries(root: etree._Element, page_url: str) -> list[ListEntry]:
    """Entries of the listing container: the one holding the most TRS ``t<date>_<id>`` anchors,
    with the other groups of the same list (hidden ones included: groups of five a script shows
    one at a time).

    A sidebar of hot or related articles of other columns is another container and is left
    out; a dated row of the listing whose link has another form (an item cross-posted from a
    column of another CMS) is kept.
    """
    anchors = [
        a for a in root.iter("a") if DETAIL_HREF.search(usable_href(a) or "") and not in_excluded_region(a)
    ]
    by_container: dict[etree._Element, int] = {}
    for anchor in anchors:
        if not is_hidden(anchor):
            container = _container(anchor)
            by_container[container] = by_container.get(container, 0) + 1
    if not by_container:
        return []
    main = max(by_container, key=lambda c: by_container[c])
    groups = [main]
    for anchor in anchors:
        container = _container(anchor)
        if container not in groups and same_list(container, main):
            groups.append(container)
    detail = set(anchors)
    kept = [
        a
        for group in groups
        for a in group.iter("a")
        if not is_hidden(a, within=group) and (a in detail or _is_cross_post(a, group))
    ]
    return _entries(kept, page_url)


def _container(anchor: etree._Element) -> etree._Element:
    row = entry_row(anchor)
    parent = row.getparent() if row is not None else None
    return parent if parent is not None else anchor


def _is_cross_post(anchor: etree._Element, container: etree._Element) -> bool:
    """A row of ``container`` whose first link is not a TRS detail link: dated, or in a ``ul.list``."""
    row = entry_row(anchor)
    if row is None or row.getparent() is not container or not usable_href(anchor):
        return False
    if next((a for a in row.iter("a") if usable_href(a)), None) is not anchor:
        return False
    in_list = row.tag == "li" and "list" in (container.get("class") or "").lower()
    return in_list or parse_date(lxml.html.tostring(row, method="text", encoding="unicode")) is not None


def container_entries(root: etree._Element, page_url: str, dated_rows: bool = True) -> list[ListEntry]:
    """Fallback: the first anchor of each ``ul.list`` item or (``dated_rows``) of each row carrying a date."""
    return _entries(_row_anchors(root, dated_rows), page_url)


def _row_anchors(root: etree._Element, dated_rows: bool) -> list[etree._Element]:
    anchors = []
    for row in root.iter("li", "tr"):
        if is_hidden(row):
            continue
        anchor = next((a for a in row.iter("a") if usable_href(a)), None)
        if anchor is None:
            continue
        parent = row.getparent()
        in_list = row.tag == "li" and parent is not None and "list" in (parent.get("class") or "").lower()
        if in_list or (dated_rows and parse_date(lxml.html.tostring(row, method="text", encoding="unicode"))):
            anchors.append(anchor)
    return anchors


def _entries(anchors: list[etree._Element], page_url: str) -> list[ListEntry]:
    entries: dict[str, ListEntry] = {}
    for anchor in anchors:
        if in_excluded_region(anchor):
            continue
        try:
            url = urljoin(page_url, usable_href(anchor) or "")
        except ValueError:
            continue
        if url in entries:
            continue
        row = entry_row(anchor)
        entries[url] = ListEntry(url=url, title=anchor_title(anchor), date_raw=nearby_date(anchor, row))
    return list(entries.values())
